// Live preview of the certificate layout editor: the server renders the unsaved values
// (POST .../mau-phoi/xem-truoc) and answers with a PNG, the texts that do not fit and the
// errors of the inputs. Nothing is saved until "Lưu mẫu".
(function () {
  "use strict";
  var form = document.getElementById("layout-form");
  if (!form) return;
  var image = document.getElementById("preview-image");
  var problems = document.getElementById("preview-problems");
  var status = document.getElementById("preview-status");
  var timer = null;
  var serial = 0;

  function showErrors(errors) {
    form.querySelectorAll("[data-error-for]").forEach(function (box) {
      var id = box.getAttribute("data-error-for");
      var input = document.getElementById(id);
      var message = errors[id] || "";
      box.textContent = message;
      box.classList.toggle("d-block", Boolean(message));
      if (input) input.classList.toggle("is-invalid", Boolean(message));
    });
  }

  function showProblems(list) {
    var ul = problems.querySelector("ul");
    ul.textContent = "";
    list.forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      ul.appendChild(li);
    });
    problems.classList.toggle("d-none", list.length === 0);
  }

  function refresh() {
    var mine = ++serial;
    status.textContent = "Đang vẽ lại ảnh xem trước…";
    fetch(form.getAttribute("data-preview-url"), {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (data) {
      if (mine !== serial) return;
      showErrors(data.errors || {});
      showProblems(data.problems || []);
      var errorCount = Object.keys(data.errors || {}).length;
      if (data.image) {
        image.src = data.image;
        status.textContent = "Ảnh xem trước theo các giá trị đang nhập (chưa lưu).";
      } else if (errorCount) {
        status.textContent = "Chưa vẽ được: sửa " + errorCount + " ô được đánh dấu đỏ.";
      }
    }).catch(function () {
      if (mine === serial) status.textContent = "Không tải được ảnh xem trước; vui lòng thử lại.";
    });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 500);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
