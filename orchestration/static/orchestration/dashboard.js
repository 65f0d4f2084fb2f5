/*
 * Program dashboard: each block's transition form POSTs {to_state, reason} to
 * /api/v1/blocks/<id>/transition/ with the session's CSRF token. A 409 shows the domain's
 * reasons (inputs and contract lines at fault) next to the block; a 200 reloads the page.
 */
(function () {
    "use strict";

    function csrfToken() {
        var input = document.querySelector("input[name=csrfmiddlewaretoken]");
        return input ? input.value : "";
    }

    function show(box, html, cls) {
        box.className = cls;
        box.innerHTML = html;
        box.hidden = false;
    }

    function esc(text) {
        var d = document.createElement("div");
        d.textContent = text == null ? "" : String(text);
        return d.innerHTML;
    }

    document.querySelectorAll("form.transition-form").forEach(function (form) {
        form.addEventListener("submit", function (event) {
            event.preventDefault();
            var box = document.getElementById("result-" + form.dataset.block);
            var body = {to_state: form.elements.to_state.value, reason: form.elements.reason.value || "Advanced from the dashboard"};
            form.querySelector("button").disabled = true;
            fetch(form.action, {
                method: "POST",
                credentials: "same-origin",
                headers: {"Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken()},
                body: JSON.stringify(body)
            }).then(function (response) {
                return response.json().then(function (data) { return {status: response.status, data: data}; });
            }).then(function (res) {
                form.querySelector("button").disabled = false;
                if (res.status === 200) {
                    show(box, "Moved to " + esc(res.data.state) + ".", "ok");
                    window.setTimeout(function () { window.location.reload(); }, 800);
                    return;
                }
                var items = (res.data.errors || []).map(function (e) {
                    var refs = e.line_refs && e.line_refs.length ? " (" + e.line_refs.map(esc).join(", ") + ")" : "";
                    return "<li>" + esc(e.message) + refs + "</li>";
                }).join("");
                show(box, "<strong>Refused (" + res.status + " " + esc(res.data.code || "") + ")</strong>" +
                    (items ? "<ul>" + items + "</ul>" : ": " + esc(res.data.message || "")), "refusal");
            }).catch(function (error) {
                form.querySelector("button").disabled = false;
                show(box, "Request failed: " + esc(error.message), "refusal");
            });
        });
    });
})();
