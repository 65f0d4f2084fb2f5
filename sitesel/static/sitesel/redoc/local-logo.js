/*
 * Redoc's footer always asks for the Redocly logo from Redocly's CDN. This script, loaded before Redoc's bundle,
 * points that one image at a copy served by this app, so the docs page sends no request off the host.
 * React sets an image's src through setAttribute; the property setter is covered too.
 */
(function () {
    "use strict";
    var CDN = "https://cdn.redoc.ly/redoc/logo-mini.svg";
    var local = document.currentScript.dataset.logo;
    var setAttribute = Element.prototype.setAttribute;
    Element.prototype.setAttribute = function (name, value) {
        if (value === CDN && name === "src" && this instanceof HTMLImageElement) { value = local; }
        return setAttribute.call(this, name, value);
    };
    var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
    Object.defineProperty(HTMLImageElement.prototype, "src", {
        configurable: true, enumerable: src.enumerable, get: src.get,
        set: function (value) { src.set.call(this, value === CDN ? local : value); }
    });
})();
