/*
 * The offline geography base (docs/web-ui.md): urban areas, lakes, rivers, major highways and place names,
 * from /map/context/<kind>.json (our own files; no tile server, nothing leaves the host). Shared by the planner
 * maps (map.js) and the admin's map widgets (admin/boundaries.js): window.siteselBase.draw(map, url).
 *
 * Stacking: drawn on one canvas in pane "siteselContext" (z 255: above the state fill at 250, below the overlays
 * at 400); place labels are DOM labels in pane "siteselPlaces" (z 450) that take no pointer events, so the sites
 * (640) and the overlays keep every click. Labels follow the zoom: a place is named from its `min_zoom` on
 * (1,000,000 people at 4 … 10,000 at 9), largest first, and a label that would overlap a bigger one is skipped.
 * Colours live here only: the legend's swatches are painted from STYLES, so legend and map cannot disagree.
 */
(function () {
    "use strict";

    var STYLES = {
        urban_areas: {stroke: false, fillColor: "#e3c9a8", fillOpacity: 0.75},
        lakes: {color: "#6a9fc7", weight: 0.6, fillColor: "#b7d3ea", fillOpacity: 1},
        rivers: {color: "#6a9fc7", weight: 1.2, opacity: 0.9},
        highways: {color: "#b08a5a", weight: 1.3, opacity: 0.9},
        places: {color: "#33302b", fillColor: "#33302b"},
        counties: {color: "#8c98a4", weight: 0.7, fill: false}  // drawn by map.js from our counties layer
    };
    var ORDER = ["urban_areas", "lakes", "rivers", "highways", "places"];
    var CREDIT = {
        places: "Places: contains data from GeoNames (geonames.org), CC BY 4.0",
        other: "Highways, rivers, lakes, urban areas: Natural Earth (public domain)"
    };
    var MAX_LABELS = 250;

    function paintSwatches(root) {
        (root || document).querySelectorAll("[data-base-swatch]").forEach(function (el) {
            var s = STYLES[el.dataset.baseSwatch];
            if (!s) { return; }
            el.style.backgroundColor = s.fillColor || "transparent";
            el.style.borderColor = s.color || s.fillColor;
        });
    }

    function labelWidth(name) { return 7 + name.length * 6.2; }

    function Base(map, url) {
        this.map = map;
        this.url = url;
        this.layers = {};       // kind -> Leaflet layer (drawn or waiting for its data)
        this.data = {};         // kind -> Promise of the FeatureCollection
        this.on = {};
        if (!map.getPane("siteselContext")) { map.createPane("siteselContext").style.zIndex = 255; }
        if (!map.getPane("siteselPlaces")) {
            var pane = map.createPane("siteselPlaces");
            pane.style.zIndex = 450;
            pane.style.pointerEvents = "none";
        }
        this.renderer = L.canvas({pane: "siteselContext"});
        this.labels = L.layerGroup().addTo(map);
        var self = this;
        map.on("zoomend moveend", function () { self.placeLabels(); });
    }

    Base.prototype.fetch = function (kind) {
        if (!this.data[kind]) {
            this.data[kind] = fetch(this.url.replace("KIND", kind), {credentials: "same-origin"})
                .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); });
        }
        return this.data[kind];
    };

    Base.prototype.credit = function (kind, add) {
        var control = this.map.attributionControl;
        if (!control) { return; }
        var text = kind === "places" ? CREDIT.places : CREDIT.other;
        var others = ORDER.filter(function (k) { return k !== "places" && this.on[k]; }, this).length;
        if (kind !== "places" && (add ? others > 1 : others > 0)) { return; }  // one Natural Earth line for four layers
        if (add) { control.addAttribution(text); } else { control.removeAttribution(text); }
    };

    Base.prototype.show = function (kind, visible) {
        var self = this, map = this.map;
        if (!!this.on[kind] === visible) { return Promise.resolve(); }
        this.on[kind] = visible;
        this.credit(kind, visible);
        if (!visible) {
            if (kind === "places") { this.labels.clearLayers(); }
            else if (this.layers[kind]) { map.removeLayer(this.layers[kind]); }
            map.getContainer().dataset["base_" + kind] = "off";
            return Promise.resolve();
        }
        return this.fetch(kind).then(function (fc) {
            if (!self.on[kind]) { return; }
            if (kind === "places") {
                self.places = fc.features;
                self.placeLabels();
            } else {
                if (!self.layers[kind]) {
                    self.layers[kind] = L.geoJSON(fc, {
                        pane: "siteselContext", renderer: self.renderer, interactive: false, style: STYLES[kind]
                    });
                }
                self.layers[kind].addTo(map);
                self.restack();
            }
            map.getContainer().dataset["base_" + kind] = String(fc.features.length);
        }).catch(function (e) { map.getContainer().dataset["base_" + kind] = "error"; console.warn(kind, e); });
    };

    // Canvas layers paint in the order added: keep urban areas under water under roads.
    Base.prototype.restack = function () {
        var layers = this.layers, on = this.on;
        ORDER.forEach(function (kind) {
            if (layers[kind] && on[kind] && kind !== "places") { layers[kind].bringToFront(); }
        });
    };

    Base.prototype.placeLabels = function () {
        var map = this.map;
        this.labels.clearLayers();
        if (!this.on.places || !this.places) { return; }
        var zoom = map.getZoom(), view = map.getBounds().pad(0.1), taken = [], shown = 0;
        for (var i = 0; i < this.places.length && shown < MAX_LABELS; i++) {
            var f = this.places[i], p = f.properties;
            if (p.min_zoom > zoom) { continue; }
            var c = f.geometry.coordinates, latlng = L.latLng(c[1], c[0]);
            if (!view.contains(latlng)) { continue; }
            var pt = map.latLngToContainerPoint(latlng);
            var box = [pt.x - 3, pt.y - 8, pt.x + labelWidth(p.name), pt.y + 8];
            var clash = taken.some(function (t) {
                return box[0] < t[2] && t[0] < box[2] && box[1] < t[3] && t[1] < box[3];
            });
            if (clash) { continue; }
            taken.push(box);
            shown += 1;
            L.marker(latlng, {
                pane: "siteselPlaces", interactive: false, keyboard: false,
                icon: L.divIcon({className: "place-label" + (p.population >= 1000000 ? " big" : ""),
                                 html: "<span class=\"place-dot\"></span>" + escapeHtml(p.name), iconSize: null})
            }).addTo(this.labels);
        }
        map.getContainer().dataset.placeLabels = String(shown);
        map.getContainer().dataset.labelZoom = String(zoom);
    };

    function escapeHtml(text) {
        var d = document.createElement("div");
        d.textContent = text;
        return d.innerHTML;
    }

    window.siteselBase = {
        kinds: ORDER,
        styles: STYLES,
        paintSwatches: paintSwatches,
        // Draws the base on `map` from `url` ("…/KIND.json"); every layer on unless `visible` says otherwise.
        draw: function (map, url, visible) {
            var base = new Base(map, url);
            ORDER.forEach(function (kind) { base.show(kind, !visible || visible[kind] !== false); });
            return base;
        }
    };
})();
