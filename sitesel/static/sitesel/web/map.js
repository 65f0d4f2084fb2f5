/*
 * Sites map (docs/web-ui.md). No tile layer: the base layer is our own state boundaries
 * (/map/boundaries.json); sites come embedded in the page; overlays are fetched for the
 * visible box from /map/overlays/<kind>.json. Every request stays on this server.
 *
 * Stacking: state boundaries (pane 250) < the geography base (context.js: 255, its place labels 450, which take
 * no pointer events) < overlays (canvas, pane 400) < sites (SVG, pane 640) < the top 10's
 * numbered badges (pane 650). The sites' SVG takes no clicks itself (CSS), only its circles do, so a click on a
 * site opens the site and a click beside it still reaches an overlay underneath.
 * Colours live in the CSS (legend swatches); the script reads them back, so legend and map cannot disagree.
 */
(function () {
    "use strict";

    // The capacity and run choices reload the page (no inline onchange: the CSP allows no inline script).
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
        select.addEventListener("change", function () { select.form.submit(); });
    });

    var el = document.getElementById("map");
    var sites = JSON.parse(document.getElementById("sites-data").textContent);
    var map = L.map(el, {preferCanvas: true, minZoom: 3, maxZoom: 12}).setView([39.5, -96], 4);
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Boundaries: US Census (cartographic)");
    map.createPane("boundaries").style.zIndex = 250;
    map.createPane("sites").style.zIndex = 640;
    map.createPane("ranks").style.zIndex = 650;
    var siteRenderer = L.svg({pane: "sites"});
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

    // The offline geography base (context.js): places, highways, rivers, lakes, urban areas; toggled by the
    // "Base map" checkboxes where the page has them.
    var baseChoices = {};
    document.querySelectorAll("input[data-base]").forEach(function (box) { baseChoices[box.dataset.base] = box.checked; });
    var base = window.siteselBase && el.dataset.contextUrl ? window.siteselBase.draw(map, el.dataset.contextUrl, baseChoices) : null;
    if (window.siteselBase) { window.siteselBase.paintSwatches(); }
    document.querySelectorAll("input[data-base]").forEach(function (box) {
        box.addEventListener("change", function () {
            if (box.dataset.base === "counties") { loadCounties(); } else if (base) { base.show(box.dataset.base, box.checked); }
        });
    });

    // A swatch's colours as the CSS draws them (a hidden probe when the page has no legend, e.g. a run page).
    function swatch(cls) {
        var probe = document.createElement("span");
        probe.className = "swatch " + cls;
        probe.hidden = true;
        document.body.appendChild(probe);
        var style = window.getComputedStyle(probe);
        var colours = {fill: style.backgroundColor, line: style.borderTopColor, dashed: style.borderTopStyle === "dashed"};
        probe.remove();
        return colours;
    }

    function overlayStyle(kind) {
        var c = swatch("overlay-" + kind);
        return {
            color: c.line, weight: 2, dashArray: c.dashed ? "6 4" : null,
            radius: 4, fillColor: c.fill, fillOpacity: 0.9
        };
    }

    var RANK_COLOURS = [0, 1, 2, 3, 4].map(function (k) { return swatch("rank-" + k).fill; });
    var UNRANKED = swatch("rank-none").fill;

    function esc(text) {
        var d = document.createElement("div");
        d.textContent = text == null ? "" : String(text);
        return d.innerHTML;
    }

    function popupHtml(s) {
        var score = s.score === null ? (s.binding ? "excluded: " + esc(s.binding) : "not scored")
            : "score " + s.score + " (rank " + s.rank + ")";
        var link = el.dataset.siteUrl
            ? '<br><a class="site-link" href="' + el.dataset.siteUrl.replace("ID", s.id) + '">Open site page</a>' : "";
        return '<strong>' + esc(s.name) + '</strong><br>' + esc(s.state) + ' · ' + esc(s.status) + '<br>' + score + link;
    }

    var bySite = {};
    var bounds = [];
    // Worst first, so the best are drawn last (on top) where markers overlap.
    sites.slice().sort(function (a, b) { return (b.rank || 1e9) - (a.rank || 1e9); }).forEach(function (s) {
        var ranked = s["class"] !== null && s["class"] !== undefined;
        var style = {
            renderer: siteRenderer, pane: "sites", radius: ranked ? 7 : 5, color: "#1d2733", weight: 1,
            fillColor: ranked ? RANK_COLOURS[s["class"]] : UNRANKED, fillOpacity: ranked ? 0.95 : 0.7
        };
        var m;
        if (s.cell_km) {
            // A national-screen cell is drawn as its square (approximately, in degrees at its latitude).
            var dLat = s.cell_km / 111.32 / 2, dLon = dLat / Math.cos(s.lat * Math.PI / 180);
            style.weight = 0.5;
            m = L.rectangle([[s.lat - dLat, s.lon - dLon], [s.lat + dLat, s.lon + dLon]], style);
        } else {
            m = L.circleMarker([s.lat, s.lon], style);
        }
        m.bindPopup(popupHtml(s));
        m.addTo(map);
        bySite[s.id] = m;
        if (ranked && s.rank !== null && s.rank <= 10) {
            // The top 10 carry their rank as a number (a DOM badge, readable at any zoom), opening the same popup.
            var badge = L.marker([s.lat, s.lon], {
                pane: "ranks", keyboard: false, title: "#" + s.rank + " " + s.name,
                icon: L.divIcon({className: "rank-icon", html: String(s.rank), iconSize: [22, 22]})
            });
            badge.on("click", function () { m.openPopup(); });
            badge.addTo(map);
        }
        bounds.push([s.lat, s.lon]);
    });
    // A site page's locator: the nearest line, substation and plant (drawn in their overlay colours, framed).
    var contextData = document.getElementById("context-data");
    if (contextData) {
        JSON.parse(contextData.textContent).forEach(function (f) {
            var kind = f.kind === "ehv_nodes_derived" ? "hv_substations" : f.kind;
            var style = overlayStyle(kind);
            var layer = L.geoJSON(f.geometry, {
                style: style, pointToLayer: function (g, latlng) { return L.circleMarker(latlng, style); }
            }).bindTooltip(esc(f.label)).addTo(map);
            var b = layer.getBounds();
            if (b.isValid()) { bounds.push(b.getSouthWest(), b.getNorthEast()); }
        });
        el.dataset.context = "drawn";
    }
    el.dataset.markers = String(sites.length);
    if (bounds.length) { map.fitBounds(bounds, {padding: [30, 30], maxZoom: contextData ? 11 : 7}); }

    // The ranked list beside the map: the keyboard and screen-reader way to the same popups.
    document.querySelectorAll("button.top-site").forEach(function (button) {
        button.addEventListener("click", function () {
            var m = bySite[button.dataset.site];
            if (!m) { return; }
            map.setView(m.getLatLng ? m.getLatLng() : m.getBounds().getCenter(), Math.max(map.getZoom(), 7));
            m.openPopup();
        });
    });

    // --- overlays: debounced, fetched for a padded box snapped to a 2° grid, cached by URL ---
    var overlays = {};      // kind -> {layer, box}
    var cache = {};         // url -> FeatureCollection (a few recent boxes per kind)
    var cacheOrder = [];
    var status = document.getElementById("overlay-status") || document.createElement("span");
    var GRID = 2;

    function snappedBox() {
        var b = map.getBounds().pad(0.25);
        var box = [
            Math.floor(b.getWest() / GRID) * GRID, Math.floor(b.getSouth() / GRID) * GRID,
            Math.ceil(b.getEast() / GRID) * GRID, Math.ceil(b.getNorth() / GRID) * GRID
        ];
        return [Math.max(-180, box[0]), Math.max(-90, box[1]), Math.min(180, box[2]), Math.min(90, box[3])];
    }

    function covers(box, view) {
        return box && box[0] <= view.getWest() && box[1] <= view.getSouth()
            && box[2] >= view.getEast() && box[3] >= view.getNorth();
    }

    function fetchBox(url) {
        if (cache[url]) { return Promise.resolve(cache[url]); }
        return fetch(url, {credentials: "same-origin"})
            .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
            .then(function (fc) {
                cache[url] = fc;
                cacheOrder.push(url);
                if (cacheOrder.length > 40) { delete cache[cacheOrder.shift()]; }
                return fc;
            });
    }

    function loadOverlay(kind) {
        var current = overlays[kind];
        if (current && covers(current.box, map.getBounds())) { return Promise.resolve(); }
        var box = snappedBox();
        var url = el.dataset.overlayUrl.replace("KIND", kind) + "?bbox=" + box.join(",");
        status.textContent = "loading " + kind + "…";
        return fetchBox(url)
            .then(function (fc) {
                if (!document.querySelector('input[data-overlay="' + kind + '"]').checked) { return; }
                if (overlays[kind]) { map.removeLayer(overlays[kind].layer); }
                var style = overlayStyle(kind);
                var layer = L.geoJSON(fc, {
                    style: style,
                    pointToLayer: function (f, latlng) { return L.circleMarker(latlng, style); },
                    onEachFeature: function (f, lyr) {
                        var p = f.properties, extra = p.voltage_kv ? " · " + p.voltage_kv + " kV" : "";
                        extra += p.capacity_mw ? " · " + Math.round(p.capacity_mw) + " MW" : "";
                        lyr.bindTooltip(esc(p.name || kind) + extra);
                    }
                }).addTo(map);
                overlays[kind] = {layer: layer, box: box};
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
                if (overlays[kind]) { map.removeLayer(overlays[kind].layer); delete overlays[kind]; }
            }
        });
    });
    // County outlines (our counties layer) under the sites once zoomed in far enough to tell them apart.
    var counties = null;
    var COUNTY_ZOOM = 7;
    function loadCounties() {
        var choice = document.querySelector('input[data-base="counties"]');
        if (map.getZoom() < COUNTY_ZOOM || (choice && !choice.checked)) {
            if (counties) { map.removeLayer(counties.layer); counties = null; }
            el.dataset.counties = "0";
            return;
        }
        if (counties && covers(counties.box, map.getBounds())) { return; }
        var box = snappedBox();
        fetchBox(el.dataset.boundariesUrl + "?kind=counties&bbox=" + box.join(","))
            .then(function (fc) {
                if (counties) { map.removeLayer(counties.layer); }
                var layer = L.geoJSON(fc, {
                    pane: "boundaries", interactive: false,
                    style: window.siteselBase ? window.siteselBase.styles.counties : {color: "#8c98a4", weight: 0.7, fill: false}
                }).addTo(map);
                counties = {layer: layer, box: box};
                el.dataset.counties = String(fc.features.length);
            })
            .catch(function (e) { console.warn("counties not loaded", e); });
    }

    var pending = null;
    map.on("moveend", function () {
        // One fetch per overlay after the planner stops panning, and none while the loaded box still covers the view.
        window.clearTimeout(pending);
        pending = window.setTimeout(function () {
            loadCounties();
            Object.keys(overlays).forEach(function (kind) { loadOverlay(kind); });
        }, 350);
    });
})();
