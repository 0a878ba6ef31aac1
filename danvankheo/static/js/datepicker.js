// A small date picker for the dd/mm/yyyy boxes (DayField, and the report and history filters).
// The box stays a text box: typing "15/10/2026" works in any browser and without this script;
// the calendar button only helps. Written for this app (no CDN, no dependency).
(function () {
  "use strict";
  var MONTHS = ["Tháng 1", "Tháng 2", "Tháng 3", "Tháng 4", "Tháng 5", "Tháng 6", "Tháng 7",
    "Tháng 8", "Tháng 9", "Tháng 10", "Tháng 11", "Tháng 12"];
  var WEEKDAYS = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"];
  var WEEKDAY_NAMES = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"];
  var open = null; // {popup, input, button}

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function format(d) { return pad(d.getDate()) + "/" + pad(d.getMonth() + 1) + "/" + d.getFullYear(); }

  // "15/10/2026", "15-10-2026", "2026-10-15" (and a trailing time) -> Date, else null.
  function parse(text) {
    var m = /^\s*(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})/.exec(text);
    var iso = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})/.exec(text);
    var y, mo, d;
    if (m) { d = +m[1]; mo = +m[2]; y = +m[3]; } else if (iso) { y = +iso[1]; mo = +iso[2]; d = +iso[3]; } else { return null; }
    var date = new Date(y, mo - 1, d);
    return date.getMonth() === mo - 1 ? date : null;
  }

  function close(returnFocus) {
    if (!open) { return; }
    open.popup.remove();
    open.button.setAttribute("aria-expanded", "false");
    if (returnFocus) { open.button.focus(); }
    open = null;
  }

  function choose(input, date) {
    var rest = input.value.replace(/^\s*\S+/, ""); // keep a typed time ("17:00") after the day
    input.value = format(date) + (input.placeholder.indexOf("hh:mm") >= 0 ? (rest || " 00:00") : "");
    input.dispatchEvent(new Event("change", { bubbles: true }));
    close(false);
    input.focus();
  }

  function render(state) {
    var popup = state.popup, shown = state.month, selected = parse(state.input.value), today = new Date();
    popup.textContent = "";
    var head = document.createElement("div");
    head.className = "datepicker-head";
    var prev = button("‹", "Tháng trước", function () { move(state, -1); });
    var next = button("›", "Tháng sau", function () { move(state, 1); });
    var title = document.createElement("span");
    title.className = "datepicker-title";
    title.id = state.input.id + "-datepicker-title";
    title.setAttribute("aria-live", "polite");
    title.textContent = MONTHS[shown.getMonth()] + " năm " + shown.getFullYear();
    head.append(prev, title, next);
    var grid = document.createElement("table");
    grid.className = "datepicker-grid";
    grid.setAttribute("role", "grid");
    grid.setAttribute("aria-labelledby", title.id);
    var row = document.createElement("tr");
    WEEKDAYS.forEach(function (name, i) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = name;
      th.title = WEEKDAY_NAMES[i];
      row.append(th);
    });
    var thead = document.createElement("thead");
    thead.append(row);
    var body = document.createElement("tbody");
    var first = new Date(shown.getFullYear(), shown.getMonth(), 1);
    var offset = (first.getDay() + 6) % 7; // Monday first
    var cursor = new Date(first.getFullYear(), first.getMonth(), 1 - offset);
    for (var week = 0; week < 6; week++) {
      row = document.createElement("tr");
      for (var day = 0; day < 7; day++) {
        var cell = document.createElement("td");
        if (cursor.getMonth() === shown.getMonth()) {
          var date = new Date(cursor);
          var b = button(String(date.getDate()), WEEKDAY_NAMES[day] + ", " + format(date), choose.bind(null, state.input, date));
          b.className = "datepicker-day";
          b.dataset.date = format(date);
          b.tabIndex = -1;
          if (selected && +selected === +date) { b.classList.add("is-selected"); b.setAttribute("aria-pressed", "true"); }
          if (+date === +new Date(today.getFullYear(), today.getMonth(), today.getDate())) { b.classList.add("is-today"); }
          cell.append(b);
        }
        row.append(cell);
        cursor.setDate(cursor.getDate() + 1);
      }
      body.append(row);
    }
    grid.append(thead, body);
    popup.append(head, grid);
    var focus = popup.querySelector(".is-selected") || popup.querySelector(".is-today") || popup.querySelector(".datepicker-day");
    focus.tabIndex = 0;
    return focus;
  }

  function button(text, label, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.addEventListener("click", action);
    return b;
  }

  function move(state, months) {
    state.month = new Date(state.month.getFullYear(), state.month.getMonth() + months, 1);
    render(state);
  }

  function show(input, trigger) {
    close(false);
    var selected = parse(input.value) || new Date();
    var popup = document.createElement("div");
    popup.className = "datepicker-popup shadow";
    popup.setAttribute("role", "dialog");
    popup.setAttribute("aria-label", "Chọn ngày");
    var state = { popup: popup, input: input, button: trigger, month: new Date(selected.getFullYear(), selected.getMonth(), 1) };
    open = state;
    trigger.setAttribute("aria-expanded", "true");
    trigger.closest(".day-box").append(popup);
    popup.addEventListener("keydown", function (event) { keys(state, event); });
    render(state).focus();
  }

  function keys(state, event) {
    if (event.key === "Escape") { event.preventDefault(); close(true); return; }
    var steps = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };
    if (!(event.key in steps) || !event.target.dataset.date) { return; }
    event.preventDefault();
    var date = parse(event.target.dataset.date);
    date.setDate(date.getDate() + steps[event.key]);
    if (date.getMonth() !== state.month.getMonth()) {
      state.month = new Date(date.getFullYear(), date.getMonth(), 1);
      render(state);
    }
    var target = state.popup.querySelector('[data-date="' + format(date) + '"]');
    state.popup.querySelectorAll(".datepicker-day").forEach(function (b) { b.tabIndex = -1; });
    target.tabIndex = 0;
    target.focus();
  }

  document.querySelectorAll("[data-datepicker-for]").forEach(function (trigger) {
    var input = document.getElementById(trigger.getAttribute("data-datepicker-for"));
    if (!input) { return; }
    trigger.hidden = false;
    trigger.addEventListener("click", function () {
      if (open && open.input === input) { close(true); } else { show(input, trigger); }
    });
  });
  document.addEventListener("click", function (event) {
    if (open && !open.popup.contains(event.target) && !open.button.contains(event.target)) { close(false); }
  });
})();
