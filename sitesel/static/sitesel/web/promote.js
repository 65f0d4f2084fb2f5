/* Promote an area's best national-screen cell to a candidate site: POST {name} to the API's promote route with the
   session's CSRF token; show a link to the new site, or the API's reason. */
(function () {
    "use strict";
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    document.querySelectorAll("form.promote-form").forEach(function (form) {
        var out = form.parentNode.querySelector(".promote-result");
        form.addEventListener("submit", function (event) {
            event.preventDefault();
            form.querySelector("button").disabled = true;
            fetch(form.action, {
                method: "POST", credentials: "same-origin",
                headers: {"Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token ? token.value : ""},
                body: JSON.stringify({name: form.elements.name.value})
            }).then(function (r) {
                return r.json().then(function (data) { return {status: r.status, data: data}; });
            }).then(function (res) {
                out.hidden = false;
                out.textContent = "";
                if (res.status === 201) {
                    var a = document.createElement("a");
                    a.href = "/sites/" + res.data.id + "/";
                    a.className = "promoted";
                    a.textContent = "Site " + res.data.name + " created";
                    out.appendChild(a);
                    form.hidden = true;
                    return;
                }
                form.querySelector("button").disabled = false;
                out.className = "promote-result errorlist";
                out.textContent = (res.data.field ? res.data.field + ": " : "") + (res.data.message || ("HTTP " + res.status));
            }).catch(function (e) {
                form.querySelector("button").disabled = false;
                out.hidden = false;
                out.textContent = "Request failed: " + e.message;
            });
        });
    });
})();
