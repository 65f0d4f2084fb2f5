/* Live progress of a scoring run: polls the API until the run ends, then reloads to show the ranking. */
(function () {
    "use strict";
    var box = document.getElementById("run-progress");
    if (!box || box.dataset.status === "succeeded" || box.dataset.status === "failed") { return; }
    var labels = {queued: "Queued", running: "Running", succeeded: "Succeeded", failed: "Failed"};

    function poll() {
        fetch(box.dataset.apiUrl, {credentials: "same-origin", headers: {Accept: "application/json"}})
            .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
            .then(function (run) {
                document.getElementById("progress-bar").style.width = run.progress_pct + "%";
                document.getElementById("run-pct").textContent = Math.round(run.progress_pct);
                document.getElementById("run-status").textContent = labels[run.status] || run.status;
                document.getElementById("run-chunks").textContent = run.chunks_done + " / " + run.chunks_total;
                box.dataset.status = run.status;
                if (run.status === "succeeded") { window.location.reload(); return; }
                if (run.status === "failed") {
                    var err = document.getElementById("run-error");
                    err.textContent = run.error || "The run failed.";
                    err.hidden = false;
                    return;
                }
                window.setTimeout(poll, 1000);
            })
            .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 500);
})();
