// /cong-viec: poll the jobs' status as JSON and update each row in place while any job
// is queued or running. Served as a file: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var table = document.querySelector("[data-status-url]");
  if (!table) { return; }
  var url = table.getAttribute("data-status-url");
  var every = 1500;

  function field(row, name) { return row.querySelector("[data-field='" + name + "']"); }

  function setText(row, name, text) {
    var el = field(row, name);
    if (el && el.textContent !== text) { el.textContent = text; }
  }

  function update(row, job) {
    var bar = field(row, "bar");
    if (job.percent === null) {
      bar.removeAttribute("value");
    } else {
      bar.value = job.percent;
      bar.textContent = job.percent + "%";
    }
    row.setAttribute("data-state", job.state);
    setText(row, "started", job.started || "Chưa bắt đầu");
    setText(row, "percent", job.percent === null ? "" : job.percent + "%");
    setText(row, "rows", job.rows);
    setText(row, "time_left", job.time_left);
    setText(row, "message", job.message);
    var state = field(row, "state_label");
    state.textContent = job.state_label;
    state.className = "badge job-state-" + job.state;
    var link = field(row, "download");
    if (job.download) {
      link.href = job.download;
      link.classList.remove("d-none");
    } else {
      link.classList.add("d-none");
    }
    setText(row, "expires", job.expires ? "Giữ đến " + job.expires : "");
    field(row, "cancel").classList.toggle("d-none", !job.can_cancel);
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var active = false;
        data.jobs.forEach(function (job) {
          var row = table.querySelector("tr[data-job='" + job.id + "']");
          if (row) { update(row, job); }
          active = active || job.active;
        });
        table.setAttribute("data-active", active ? "yes" : "no");
        if (active) { window.setTimeout(poll, every); }
      })
      .catch(function () { window.setTimeout(poll, every * 4); });
  }

  if (table.getAttribute("data-active") === "yes") { window.setTimeout(poll, every); }
})();
