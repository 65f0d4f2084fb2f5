/*
 * Sites map (docs/web-ui.md). No tile layer: the base layer is our own state boundaries
 * (/map/boundaries.json); sites come embedded in the page; overlays are fetched for the
 * visible box from /map/overlays/<kind>.json. Every request stays on this server.
 */
(function () {
    "use strict";

    // The capacity and scenario choices reload the page (no inline onchange: the CSP allows no inline script).
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
        select.addEventListener("change", function () { select.form.submit(); });
    });

    var el = document.getElementById("map");
    var sites = JSON.parse(document.getElementById("sites-data").textContent);
    var map = L.map(el, {preferCanvas: true, minZoom: 3, maxZoom: 12}).setView([39.5, -96], 4);
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Boundaries: US Census (cartographic)");
    map.createPane("boundaries").style.zIndex = 250;
    window.siteselMap = map;
    el.dataset.boundaries = "loading";

    fetch(el.dataset.boundariesUrl, {credentials: "same-origin"})
        .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
        .then(function (fc) {
            L.geoJSON(fc, {
                pane: "boundaries", interactive: false,
                style: {color: "#5b6b7a", weight: 1, fillColor: "#f4f1e8", fillOpacity: 1}
            }).addTo(map);
            el.dataset.boundaries = String(fc.features.length);
        })
        .catch(function (e) { el.dataset.boundaries = "error"; console.warn("boundaries not loaded", e); });

    function colour(site) {
        if (site.score === null || site.eligible === false) { return "#9e9e9e"; }
        if (site.score >= 75) { return "#1a9850"; }
        if (site.score >= 50) { return "#91cf60"; }
        if (site.score >= 25) { return "#fee08b"; }
        return "#fc8d59";
    }

    function esc(text) {
        var d = document.createElement("div");
        d.textContent = text == null ? "" : String(text);
        return d.innerHTML;
    }

    var markers = L.layerGroup().addTo(map);
    var bounds = [];
    sites.forEach(function (s) {
        var m = L.circleMarker([s.lat, s.lon], {
            radius: 7, color: "#1d2733", weight: 1, fillColor: colour(s), fillOpacity: 0.9
        });
        var score = s.score === null ? (s.binding ? "excluded: " + esc(s.binding) : "not scored")
            : "score " + s.score + " (rank " + s.rank + ")";
        var link = el.dataset.siteUrl
            ? '<br><a class="site-link" href="' + el.dataset.siteUrl.replace("ID", s.id) + '">Open site page</a>' : "";
        m.bindPopup(
            '<strong>' + esc(s.name) + '</strong><br>' + esc(s.state) + ' · ' + esc(s.status) + '<br>' + score + link
        );
        m.addTo(markers);
        bounds.push([s.lat, s.lon]);
    });
    el.dataset.markers = String(sites.length);
    if (bounds.length) { map.fitBounds(bounds, {padding: [30, 30], maxZoom: 7}); }

    var overlays = {};
    var status = document.getElementById("overlay-status") || document.createElement("span");
    var OVERLAY_STYLE = {
        hv_lines: {color: "#c2185b", weight: 2},
        hv_substations: {radius: 4, color: "#6a1b9a", fillColor: "#ce93d8", fillOpacity: 0.9, weight: 1},
        power_plants: {radius: 5, color: "#e65100", fillColor: "#ffb74d", fillOpacity: 0.9, weight: 1},
        datacenters: {radius: 4, color: "#0d47a1", fillColor: "#64b5f6", fillOpacity: 0.9, weight: 1},
        network_nodes: {radius: 4, color: "#004d40", fillColor: "#4db6ac", fillOpacity: 0.9, weight: 1},
        hifld_lines: {color: "#ad1457", weight: 2, dashArray: "6 3"},
        hifld_hvdc_lines: {color: "#4a148c", weight: 3, dashArray: "2 4"},
        hifld_substations: {radius: 4, color: "#4a148c", fillColor: "#b39ddb", fillOpacity: 0.9, weight: 1},
        osm_substations_west: {radius: 4, color: "#4a148c", fillColor: "#d1c4e9", fillOpacity: 0.9, weight: 1},
        gas_pipelines: {color: "#ef6c00", weight: 2}
    };

    function loadOverlay(kind) {
        var b = map.getBounds();
        var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) {
            return Math.max(-180, Math.min(180, v)).toFixed(3);
        });
        bbox[1] = Math.max(-90, bbox[1]); bbox[3] = Math.min(90, bbox[3]);
        var url = el.dataset.overlayUrl.replace("KIND", kind) + "?bbox=" + bbox.join(",");
        status.textContent = "loading " + kind + "…";
        return fetch(url, {credentials: "same-origin"})
            .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
            .then(function (fc) {
                if (overlays[kind]) { map.removeLayer(overlays[kind]); }
                var style = OVERLAY_STYLE[kind] || {};
                overlays[kind] = L.geoJSON(fc, {
                    style: style,
                    pointToLayer: function (f, latlng) { return L.circleMarker(latlng, style); },
                    onEachFeature: function (f, layer) {
                        var p = f.properties, extra = p.voltage_kv ? " · " + p.voltage_kv + " kV" : "";
                        extra += p.capacity_mw ? " · " + Math.round(p.capacity_mw) + " MW" : "";
                        layer.bindTooltip(esc(p.name || kind) + extra);
                    }
                }).addTo(map);
                status.textContent = kind + ": " + fc.features.length + " features";
                el.dataset["overlay_" + kind] = String(fc.features.length);
            })
            .catch(function (e) { status.textContent = kind + " not loaded (" + e.message + ")"; });
    }

    document.querySelectorAll("#overlays input[data-overlay]").forEach(function (box) {
        box.addEventListener("change", function () {
            var kind = box.dataset.overlay;
            // The credit line the layer's licence asks for (ODbL, CC BY), shown while it is on the map.
            if (box.checked) { loadOverlay(kind); map.attributionControl.addAttribution(box.dataset.attribution); }
            else {
                map.attributionControl.removeAttribution(box.dataset.attribution);
                if (overlays[kind]) { map.removeLayer(overlays[kind]); delete overlays[kind]; }
            }
        });
    });
    map.on("moveend", function () {
        Object.keys(overlays).forEach(function (kind) { loadOverlay(kind); });
    });
})();
