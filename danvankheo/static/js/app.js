// Behaviour shared by every page. Loaded as a file: the Content-Security-Policy allows no
// inline script.
(function () {
  "use strict";
  // Irreversible actions ask first: a form, or the button that sent it, carries the question
  // in data-confirm (what will happen and to whom). The button's question wins.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) ||
      (form.getAttribute && form.getAttribute("data-confirm"));
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  // A second click on a submit button while the first request runs does nothing.
  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) { return; }
    var form = event.target;
    if (form.hasAttribute("data-no-disable")) { return; }
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = true;
      });
    }, 0);
  });
})();
