// The scoring form: a live total, a message beside a score that is not a number or out of
// range, and the total in the confirmation of "Nộp phiếu". The server checks everything again
// (scoring.scorecards.save_scorecard); this only tells the evaluator earlier.
(function () {
  "use strict";
  var form = document.querySelector("[data-score-form]");
  if (!form) { return; }
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-score]"));
  var totalBox = form.querySelector("[data-score-total]");
  var submitButton = form.querySelector("[data-score-submit]");
  var note = form.querySelector("[data-score-total-note]");

  // "2,5", "2.5", " 7 " -> 2.5, 2.5, 7; "" -> null; anything else -> NaN.
  function parse(text) {
    var cleaned = String(text).replace(/[\s\u00a0]/g, "");
    if (cleaned === "") { return null; }
    if (!/^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/.test(cleaned)) { return NaN; }
    return Number(cleaned.replace(",", "."));
  }

  // 94.5 -> "94,5", as the server writes it.
  function format(value) {
    var rounded = Math.round(value * 100) / 100;
    var parts = String(rounded).split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return parts.join(",");
  }

  function problemOf(input) {
    var value = parse(input.value);
    var max = Number(input.getAttribute("data-max"));
    if (value === null) { return ""; }
    if (isNaN(value)) { return "Không phải là số. Hãy nhập số, ví dụ 7 hoặc 2,5."; }
    if (value < 0 || value > max) { return "Điểm phải từ 0 đến " + input.getAttribute("data-max-label") + "."; }
    if (value * 2 !== Math.round(value * 2)) { return "Điểm chấm theo bước 0,5 (ví dụ 7 hoặc 7,5)."; }
    return "";
  }

  function show(input) {
    var problem = problemOf(input);
    var box = document.getElementById("problem-" + input.id.replace("score-", ""));
    input.classList.toggle("is-invalid", problem !== "");
    if (problem) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
    if (box) {
      box.textContent = problem;
      box.classList.toggle("d-block", problem !== "");
    }
  }

  // The sum of the boxes that hold a valid score; a wrong box is left out (and said so).
  function total() {
    return inputs.reduce(function (sum, input) {
      return (parse(input.value) === null || problemOf(input)) ? sum : sum + parse(input.value);
    }, 0);
  }

  function refresh() {
    var text = format(total());
    var wrong = inputs.some(function (input) { return problemOf(input) !== ""; });
    if (totalBox) { totalBox.textContent = text; }
    if (note) { note.hidden = !wrong; }
    var template = form.getAttribute("data-confirm-submit");
    if (submitButton && template) {
      submitButton.setAttribute("data-confirm", template.replace("{total}", text));
    }
  }

  inputs.forEach(function (input) {
    input.addEventListener("input", refresh);
    // The message appears when the evaluator leaves the box, not while typing "7,".
    input.addEventListener("change", function () { show(input); });
    input.addEventListener("blur", function () { show(input); });
  });
  refresh();
})();
