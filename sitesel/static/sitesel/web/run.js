/* Live progress of a scoring run: polls the API until the run ends, then reloads to show the ranking. */
(function () {
    "use strict";
    var box = document.getElementById("run-progress");
    var ended = {succeeded: true, failed: true, cancelled: true};
    if (!box || ended[box.dataset.status]) { return; }
    var labels = {queued: "Queued", running: "Running", succeeded: "Succeeded", failed: "Failed", cancelled: "Cancelled"};

    function eta(seconds) {
        if (seconds === null || seconds === undefined) { return "–"; }
        return seconds < 120 ? Math.round(seconds) + " s" : Math.round(seconds / 60) + " min";
    }

    function poll() {
        fetch(box.dataset.apiUrl, {credentials: "same-origin", headers: {Accept: "application/json"}})
            .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
            .then(function (run) {
                document.getElementById("progress-bar").style.width = run.progress_pct + "%";
                document.getElementById("run-pct").textContent = Math.round(run.progress_pct);
                document.getElementById("run-status").textContent = labels[run.status] || run.status;
                document.getElementById("run-chunks").textContent = run.chunks_done + " / " + run.chunks_total;
                document.getElementById("run-items").textContent = run.items_done + " / " + run.items_total;
                document.getElementById("run-phase").textContent = run.phase || "";
                document.getElementById("run-speed").textContent =
                    run.items_per_second ? Math.round(run.items_per_second) : "–";
                document.getElementById("run-eta").textContent = eta(run.eta_seconds);
                document.getElementById("run-rate").hidden = run.status !== "running";
                box.dataset.status = run.status;
                if (run.status === "succeeded") { window.location.reload(); return; }
                if (run.status === "cancelled") { window.location.reload(); return; }  // drops the Cancel button
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
