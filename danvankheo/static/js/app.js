// Behaviour shared by every page. Loaded as a file: the Content-Security-Policy allows no
// inline script.
(function () {
  "use strict";
  // Forms marked data-confirm ask before they are sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
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
