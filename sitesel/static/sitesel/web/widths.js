/* Bar widths from data-width (a percentage). The Content-Security-Policy forbids style attributes in the HTML;
   setting a style from a script file (CSSOM) is allowed. */
(function () {
    "use strict";
    document.querySelectorAll("[data-width]").forEach(function (el) {
        el.style.width = el.dataset.width + "%";
    });
})();
