// The registry list's unit filter: suggestions from the app (/mo-hinh/don-vi) while the user
// types. Without this script the filter still works: the server matches the typed words.
(function () {
  "use strict";
  var input = document.querySelector("input[data-unit-lookup]");
  if (!input) { return; }
  var box = document.getElementById(input.getAttribute("aria-controls"));
  var url = input.getAttribute("data-unit-lookup");
  var timer = null;
  var asked = 0;

  function options() { return Array.prototype.slice.call(box.querySelectorAll("button")); }

  function hide() {
    box.classList.add("d-none");
    input.setAttribute("aria-expanded", "false");
  }

  function show(units) {
    box.replaceChildren();
    units.forEach(function (unit) {
      var option = document.createElement("button");
      option.type = "button";
      option.className = "list-group-item list-group-item-action small";
      option.setAttribute("role", "option");
      option.textContent = unit.label;
      // Keep the focus in the text box, so that leaving it does not close the list mid-click.
      option.addEventListener("mousedown", function (event) { event.preventDefault(); });
      option.addEventListener("click", function () {
        input.value = unit.label;
        hide();
        if (input.form.requestSubmit) { input.form.requestSubmit(); } else { input.form.submit(); }
      });
      box.appendChild(option);
    });
    if (!units.length) {
      var none = document.createElement("div");
      none.className = "list-group-item small text-muted";
      none.textContent = "Không có đơn vị nào khớp.";
      box.appendChild(none);
    }
    box.classList.remove("d-none");
    input.setAttribute("aria-expanded", "true");
  }

  function lookup() {
    var query = input.value.trim();
    var mine = ++asked;
    fetch(url + "?q=" + encodeURIComponent(query), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { units: [] }; })
      .then(function (data) {
        // An older answer arriving late must not replace the newer one.
        if (mine === asked && document.activeElement !== null && box.parentNode.contains(document.activeElement)) {
          show(data.units || []);
        }
      })
      .catch(function () { hide(); });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(lookup, 200);
  });
  input.addEventListener("focus", lookup);
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && options().length) {
      event.preventDefault();
      options()[0].focus();
    } else if (event.key === "Escape") {
      hide();
    }
  });
  box.addEventListener("keydown", function (event) {
    var list = options();
    var at = list.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at < list.length - 1) {
      event.preventDefault();
      list[at + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (at > 0) { list[at - 1].focus(); } else { input.focus(); }
    } else if (event.key === "Escape") {
      hide();
      input.focus();
    }
  });
  // Leaving the filter (to anything but its own suggestions) closes the suggestions.
  box.parentNode.addEventListener("focusout", function (event) {
    if (!event.relatedTarget || !box.parentNode.contains(event.relatedTarget)) { hide(); }
  });
})();
