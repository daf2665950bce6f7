// The export page (templates/benchmarking/exports/job.html): asks the export's status address
// every 1.5 s and updates the progress bar, the counts and, once the file is ready, shows its
// download link (or the failure). A file, not an inline script: the Content-Security-Policy
// allows only this site's own scripts. Without scripts the page reloads itself instead.
(function () {
  var section = document.querySelector("[data-export-status]");
  if (!section || section.hasAttribute("data-finished")) return;
  var url = section.getAttribute("data-export-status");
  var EVERY_MS = 1500;

  function field(name) {
    return section.querySelector('[data-export-field="' + name + '"]');
  }

  function show(selector, visible) {
    var element = section.querySelector(selector);
    if (element) element.hidden = !visible;
  }

  function update(state) {
    field("status_label").textContent = state.status_label;
    field("rows_done").textContent = state.rows_done;
    field("rows_total").textContent = state.rows_total;
    field("percent").textContent = state.percent;
    var bar = field("bar");
    bar.max = Math.max(state.rows_total, 1);
    bar.value = state.state === "done" ? bar.max : state.rows_done;
    if (state.download_url) field("download").href = state.download_url;
    field("message").textContent = state.message;
    show(".export-ready", state.state === "done");
    show(".export-problem", state.state === "failed" || state.state === "expired");
    show(".export-waiting", !state.finished);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (state) {
        update(state);
        if (!state.finished) window.setTimeout(poll, EVERY_MS);
      })
      .catch(function () {
        // A moment without the server (a restart): try again a little later.
        window.setTimeout(poll, EVERY_MS * 4);
      });
  }

  window.setTimeout(poll, EVERY_MS);
})();
