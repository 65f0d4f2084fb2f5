/*
 * Offline base layer for the admin maps.
 *
 * LEAFLET_CONFIG has TILES = [], so django-leaflet draws no tile layer and the admin needs no
 * internet. This script listens for django-leaflet's `map:init` event and draws our own state
 * boundaries (the "states" layer, served by /api/v1/layers/states/features/) under the edited
 * geometry. The URL comes from <meta name="sitesel-boundaries-url"> in the change form template;
 * the admin session authenticates the request. Every page of the FeatureCollection is followed,
 * and the download is shared by all maps on the page. Over them, the planner map's geography base (places
 * with names by zoom, highways, rivers, lakes, urban areas: sitesel/web/context.js) from
 * <meta name="sitesel-context-url">, with the GeoNames credit in the map's attribution.
 */
(function () {
    "use strict";

    var PANE = "siteselBoundaries";
    var STYLE = {color: "#5b6b7a", weight: 1, opacity: 0.9, fillColor: "#f4f1e8", fillOpacity: 1};
    var pending = null;

    function boundariesUrl() {
        var meta = document.querySelector('meta[name="sitesel-boundaries-url"]');
        return meta ? meta.getAttribute("content") : null;
    }

    function fetchPage(url, features) {
        return fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
            .then(function (response) {
                if (!response.ok) {
                    throw new Error("HTTP " + response.status + " for " + url);
                }
                return response.json();
            })
            .then(function (page) {
                features = features.concat(page.features || []);
                return page.next ? fetchPage(page.next, features) : {type: "FeatureCollection", features: features};
            });
    }

    function loadBoundaries(url) {
        if (pending === null) {
            pending = fetchPage(url, []);
        }
        return pending;
    }

    window.addEventListener("map:init", function (event) {
        var map = event.detail && event.detail.map;
        var url = boundariesUrl();
        if (!map || !url || typeof L === "undefined") {
            return;
        }
        // Below the edited geometry (overlayPane, z-index 400), where tiles would be (200).
        if (!map.getPane(PANE)) {
            map.createPane(PANE).style.zIndex = 250;
        }
        var context = document.querySelector('meta[name="sitesel-context-url"]');
        if (context && window.siteselBase) {
            if (map.attributionControl) { map.attributionControl.setPrefix(false); }
            window.siteselBase.draw(map, context.getAttribute("content"));
        }
        loadBoundaries(url)
            .then(function (collection) {
                L.geoJSON(collection, {pane: PANE, interactive: false, style: STYLE}).addTo(map);
            })
            .catch(function (error) {
                if (window.console) {
                    window.console.warn("sitesel: state boundaries not loaded:", error);
                }
            });
    }, false);
})();
