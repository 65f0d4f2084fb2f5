"""Bad input catalogue: malformed files to the import commands and payloads to the API.

Each case must be refused with a clear 4xx whose body names the field and why (API), or a non-zero CLI exit
whose report names the problem, and must leave the database exactly as it was (every row of every sitesel,
orchestration and beat table is fingerprinted before and after).

    DATABASE_URL=... TEST_REDIS_URL=... .venv/bin/pytest tests/security/test_bad_input_catalogue.py -q
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.test import APIClient

from orchestration.models import Category, Source
from orchestration.services.deliveries import ship_notice_apply
from sitesel.models import Layer, Scenario, ScoringRun
from tests.orchestration.conftest import today

pytestmark = pytest.mark.django_db

FINGERPRINTED_APPS = ("sitesel", "orchestration", "django_celery_beat")
BOWTIE = {"type": "Polygon", "coordinates": [[[-97, 32], [-96, 33], [-96, 32], [-97, 33], [-97, 32]]]}
SITES_CSV = "id,name,longitude,latitude\n"
PLANTS_CSV = "gppd_idnr,name,capacity_mw,primary_fuel,latitude,longitude\n"


@dataclass(frozen=True)
class Case:
    """One bad input. API: `target` is a URL template filled from the world's ids, `body` a payload (or a
    callable of the world), raw text when `content_type` is given. CLI: `target` is the command, `body` the
    file content written to `file_name`."""

    id: str
    target: str
    body: Any = None  # for a GET: the query parameters
    field: str | None = None  # the field the API error must name (None: not field-specific, e.g. a parse error)
    words: tuple[str, ...] = ()  # what the message (API) or report (CLI) must say, case-insensitive
    status: int = 400
    method: str = "post"
    content_type: str | None = None
    file_name: str = "sites.csv"
    args: tuple[str, ...] = ()

    @property
    def is_cli(self) -> bool:
        return not self.target.startswith("/")

    @property
    def is_web(self) -> bool:
        """A planner page's form (HTML): the error must show next to `field`."""
        return self.target.startswith("/") and not self.target.startswith("/api/")


def site(**overrides) -> dict:
    return {"name": "Probe site", "longitude": -97.0, "latitude": 32.0, **overrides}


def project(**overrides) -> Callable[[dict], dict]:
    def body(w: dict) -> dict:
        return {"site": w["site"], "name": "Probe project", "target_mw": 100, "block_mw": 50,
                "planned_first_go_live": "2028-01-01", **overrides}  # fmt: skip

    return body


def scenario(weights: dict | None = None, **spec) -> dict:
    return {"name": "Probe scenario", "spec": {**({"weights": weights} if weights is not None else {}), **spec}}


def delivery(**overrides) -> Callable[[dict], dict]:
    return lambda w: {"line": w["line"], "shipment_ref": "PROBE-1", "quantity": "1", **overrides}


def geojson(*features: tuple[dict, Any]) -> str:
    return json.dumps(
        {"type": "FeatureCollection",
         "features": [{"type": "Feature", "properties": p, "geometry": g} for p, g in features]}
    )  # fmt: skip


def point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


OVERSIZED = '{"name": "big", "notes": "' + "x" * (11 * 1024 * 1024) + '"}'


def nested(depth: int) -> str:
    return "[" * depth + "1" + "]" * depth


def ring(vertices: int, numbers_per_position: int = 2) -> dict:
    """A valid polygon around (-97, 32) with `vertices` corners (each position padded with zeros if asked)."""
    import math

    points = [[-97 + 0.01 * math.cos(2 * math.pi * i / vertices), 32 + 0.01 * math.sin(2 * math.pi * i / vertices)]
              + [0.0] * (numbers_per_position - 2) for i in range(vertices)]  # fmt: skip
    return {"type": "Polygon", "coordinates": [[*points, points[0]]]}


HUGE_EXPONENT = "-1E+300000"  # took 3.7 s of a worker (and -1E+1000000 about 35 s) before the numbers were bounded

CASES = [
    # --- sites API: broken GeoJSON, CRS, coordinates, geometry ----------------------------------------------
    Case("api-site-truncated-json", "/api/v1/sites/", '{"name": "x", "point": {"type": "Po',
         content_type="application/json", words=("json parse error",)),
    Case("api-site-body-is-a-list", "/api/v1/sites/", [site()], words=("expected a dictionary",)),
    Case("api-site-point-wrong-geometry-type", "/api/v1/sites/",
         {"name": "x", "point": {"type": "LineString", "coordinates": [[-97, 32], [-96, 33]]}}, "point", ("point",)),
    Case("api-site-point-missing-coordinates", "/api/v1/sites/", {"name": "x", "point": {"type": "Point"}}, "point"),
    Case("api-site-point-empty-coordinates", "/api/v1/sites/",
         {"name": "x", "point": {"type": "Point", "coordinates": []}}, "point"),
    Case("api-site-point-not-geojson", "/api/v1/sites/", {"name": "x", "point": "somewhere in Texas"}, "point"),
    Case("api-site-point-projected-coords-declared-wgs84", "/api/v1/sites/",
         {"name": "x", "point": point(500000, 4000000)}, "point", ("wgs84",)),
    Case("api-site-point-unknown-crs", "/api/v1/sites/",
         {"name": "x", "point": {**point(-97, 32), "crs": {"type": "name", "properties": {"name": "EPSG:999999"}}}},
         "point"),
    Case("api-site-latitude-above-90", "/api/v1/sites/", site(latitude=91), "latitude", ("between -90 and 90",)),
    Case("api-site-longitude-nan-literal", "/api/v1/sites/", '{"name": "x", "longitude": NaN, "latitude": 32}',
         content_type="application/json", words=("json parse error",)),
    Case("api-site-latitude-infinity-string", "/api/v1/sites/", site(latitude="Infinity"), "latitude"),
    Case("api-site-longitude-1e400", "/api/v1/sites/", '{"name": "x", "longitude": 1e400, "latitude": 32}',
         "longitude", content_type="application/json"),
    Case("api-site-point-huge-coordinates", "/api/v1/sites/", {"name": "x", "point": point(1e308, -1e308)}, "point"),
    Case("api-site-parcel-self-intersecting", "/api/v1/sites/", site(parcel=BOWTIE), "parcel", ("self-intersection",)),
    Case("api-site-parcel-empty-polygon", "/api/v1/sites/", site(parcel={"type": "Polygon", "coordinates": []}),
         "parcel"),
    Case("api-site-parcel-ring-not-closed", "/api/v1/sites/",
         site(parcel={"type": "Polygon", "coordinates": [[[-97, 32], [-96, 32], [-96, 33], [-97, 33]]]}), "parcel"),
    Case("api-site-parcel-too-few-points", "/api/v1/sites/",
         site(parcel={"type": "Polygon", "coordinates": [[[-97, 32], [-96, 33], [-97, 32]]]}), "parcel"),
    Case("api-site-parcel-is-a-point", "/api/v1/sites/", site(parcel=point(-97, 32)), "parcel"),
    # --- sites API: names, numbers, types, size ------------------------------------------------------------------
    Case("api-site-name-nul", "/api/v1/sites/", site(name="Beaver\x00Valley"), "name", ("null",)),
    Case("api-site-name-rtl-override", "/api/v1/sites/", site(name="Invoice\u202egpj.exe"), "name", ("u+202e",)),
    Case("api-site-name-control-character", "/api/v1/sites/", site(name="Beaver\x1b[31mValley"), "name",
         ("u+001b",)),
    Case("api-site-name-201-emoji", "/api/v1/sites/", site(name="\U0001f525" * 201), "name", ("200",)),
    Case("api-site-name-wrong-type", "/api/v1/sites/", site(name={"en": "x"}), "name"),
    Case("api-site-land-price-negative", "/api/v1/sites/", site(land_price_usd_per_acre=-5),
         "land_price_usd_per_acre"),
    Case("api-site-tags-not-a-list", "/api/v1/sites/", site(tags="a,b"), "tags"),
    Case("api-site-oversized-body", "/api/v1/sites/", OVERSIZED, status=413, content_type="application/json",
         words=("too large",)),
    Case("api-site-wrong-content-type", "/api/v1/sites/", "name=x", status=415, content_type="text/plain",
         words=("text/plain",)),
    # --- scenarios and scoring runs ---------------------------------------------------------------------------
    Case("api-scenario-weights-sum-not-1", "/api/v1/scenarios/",
         scenario({"distance_hv_230_km": 0.5, "fema_risk_score": 0.4}), "weights", ("sum to 1",)),
    Case("api-scenario-weight-zero", "/api/v1/scenarios/",
         scenario({"distance_hv_230_km": 1.0, "fema_risk_score": 0}), "weights.fema_risk_score", ("(0, 1]",)),
    Case("api-scenario-weight-negative", "/api/v1/scenarios/",
         scenario({"distance_hv_230_km": 1.5, "fema_risk_score": -0.5}), "weights.distance_hv_230_km"),
    Case("api-scenario-weight-not-a-number", "/api/v1/scenarios/", scenario({"distance_hv_230_km": "heavy"}),
         "weights.distance_hv_230_km"),
    Case("api-scenario-unknown-criterion", "/api/v1/scenarios/", scenario({"vibes": 1.0}), "weights.vibes"),
    Case("api-scenario-spec-not-an-object", "/api/v1/scenarios/", {"name": "x", "spec": [1, 2]}, "scenario"),
    Case("api-scenario-negative-capacity-mw", "/api/v1/scenarios/", scenario(capacities_mw=[-50]), "capacities_mw[0]"),
    Case("api-scenario-duplicate-name", "/api/v1/scenarios/", {"name": "Existing", "spec": {}}, "name", ("exists",)),
    Case("api-scoring-run-site-ids-not-a-list", "/api/v1/scoring-runs/", {"site_filter": {"ids": "all"}},
         "site_filter.ids"),
    Case("api-scoring-run-cell-size-zero", "/api/v1/scoring-runs/", {"mode": "national", "cell_size_km": 0},
         "cell_size_km"),
    Case("api-scoring-run-unknown-scenario", "/api/v1/scoring-runs/", {"scenario": 999999}, "scenario"),
    # --- projects: MW and dates ---------------------------------------------------------------------------------
    Case("api-project-negative-mw", "/api/v1/projects/", project(target_mw=-50), "target_mw"),
    Case("api-project-zero-mw", "/api/v1/projects/", project(block_mw=0), "block_mw"),
    Case("api-project-absurd-mw", "/api/v1/projects/", project(target_mw=1e9), "target_mw"),
    Case("api-project-nan-mw", "/api/v1/projects/", project(target_mw="NaN"), "target_mw"),
    Case("api-project-infinite-mw", "/api/v1/projects/", project(block_mw="Infinity"), "block_mw"),
    Case("api-project-go-live-past-year-9999", "/api/v1/projects/",
         project(planned_first_go_live="9999-12-01", blocks_interval_days=3650), "planned_first_go_live"),
    Case("api-project-go-live-not-a-date", "/api/v1/projects/", project(planned_first_go_live="next spring"),
         "planned_first_go_live"),
    Case("api-project-grid-power-before-year-1", "/api/v1/projects/", project(grid_power_date="0000-01-01"),
         "grid_power_date"),
    Case("api-project-duplicate-name", "/api/v1/projects/", project(name="Test program"), "name", ("exists",)),
    Case("api-project-unknown-site", "/api/v1/projects/", project(site=999999), "site"),
    # --- suppliers, contracts, lines ------------------------------------------------------------------------------
    Case("api-supplier-duplicate-name", "/api/v1/suppliers/", {"name": "Test program chips supplier",
         "category": "chips"}, "name"),  # fmt: skip
    Case("api-supplier-unknown-category", "/api/v1/suppliers/", {"name": "x", "category": "unobtainium"}, "category"),
    Case("api-supplier-check-interval-zero", "/api/v1/suppliers/",
         {"name": "x", "category": "chips", "check_interval_minutes": 0}, "check_interval_minutes"),
    Case("api-supplier-csv-dir-traversal", "/api/v1/suppliers/",
         {"name": "x", "category": "chips", "feed_kind": "csv_drop", "feed_csv_dir": "../../etc"}, "feed_csv_dir"),
    Case("api-supplier-name-nul", "/api/v1/suppliers/", {"name": "x\x00", "category": "chips"}, "name"),
    Case("api-contract-negative-value", "/api/v1/contracts/",
         lambda w: {"supplier": w["supplier"], "project": w["project"], "reference": "C-NEG", "value": "-1"}, "value"),
    Case("api-contract-absurd-value", "/api/v1/contracts/",
         lambda w: {"supplier": w["supplier"], "project": w["project"], "reference": "C-BIG", "value": "1e20"},
         "value"),
    Case("api-contract-lowercase-currency", "/api/v1/contracts/",
         lambda w: {"supplier": w["supplier"], "project": w["project"], "reference": "C-CUR", "value": "1",
                    "currency": "usd"}, "currency"),  # fmt: skip
    Case("api-contract-duplicate-reference", "/api/v1/contracts/",
         lambda w: {"supplier": w["supplier"], "project": w["project"], "reference": w["contract_ref"], "value": "1"},
         words=("reference",)),
    Case("api-contract-line-negative-quantity", "/api/v1/contract-lines/",
         lambda w: {"contract": w["contract"], "line_no": 99, "item": "x", "category": "chips", "quantity": "-1",
                    "unit": "ea"}, "quantity"),  # fmt: skip
    Case("api-contract-line-duplicate-line-no", "/api/v1/contract-lines/",
         lambda w: {"contract": w["contract"], "line_no": w["line_no"], "item": "x", "category": "chips",
                    "quantity": "1", "unit": "ea"}, words=("line_no",)),  # fmt: skip
    # --- deliveries: quantities and dates out of order -----------------------------------------------------------
    Case("api-delivery-quantity-above-line", "/api/v1/deliveries/",
         lambda w: delivery(quantity=str(w["line_quantity"] + 1))(w), "quantity", ("line",)),
    Case("api-delivery-promised-before-contract-signed", "/api/v1/deliveries/",
         lambda w: delivery(promised_date=w["before_signed"])(w), "promised_date", ("signed",)),
    Case("api-delivery-duplicate-shipment-ref", "/api/v1/deliveries/",
         lambda w: delivery(shipment_ref=w["shipment_ref"])(w), "shipment_ref", ("exists",)),
    Case("api-delivery-quantity-wrong-type", "/api/v1/deliveries/", delivery(quantity=[1]), "quantity"),
    Case("api-delivery-update-quantity-above-line", "/api/v1/deliveries/{delivery}/",
         lambda w: {"quantity": str(w["line_quantity"] + 1)}, "quantity", ("line",), method="patch"),
    Case("api-delivery-update-confirmed-before-contract-signed", "/api/v1/deliveries/{delivery}/",
         lambda w: {"confirmed_date": w["before_signed"]}, "confirmed_date", ("signed",), method="patch"),
    Case("api-delivery-receipt-before-shipped", "/api/v1/deliveries/{delivery}/receipt/",
         lambda w: {"received_quantity": "1", "actual_date": w["before_shipped"], "inspection": "passed"},
         "actual_date", ("shipped",)),
    Case("api-delivery-receipt-above-quantity", "/api/v1/deliveries/{delivery}/receipt/",
         lambda w: {"received_quantity": "999999", "actual_date": w["today"], "inspection": "passed"},
         "received_quantity"),
    Case("api-delivery-receipt-in-future", "/api/v1/deliveries/{delivery}/receipt/",
         lambda w: {"received_quantity": "1", "actual_date": w["tomorrow"], "inspection": "passed"}, "actual_date"),
    Case("api-ship-notice-quantity-above-line", "/api/v1/contract-lines/{line}/ship-notices/",
         lambda w: {"shipment_ref": "PROBE-9", "quantity": str(w["line_quantity"] + 1), "status": "scheduled"},
         "quantity", ("line",), status=409),
    Case("api-ship-notice-shipped-without-date", "/api/v1/contract-lines/{line}/ship-notices/",
         {"shipment_ref": "PROBE-8", "quantity": "1", "status": "shipped"}, "shipped_on"),
    Case("api-ship-notice-ref-with-rtl-override", "/api/v1/contract-lines/{line}/ship-notices/",
         {"shipment_ref": "PROBE\u202e7", "quantity": "1", "status": "scheduled"}, "shipment_ref"),
    Case("api-block-transition-unknown-state", "/api/v1/blocks/{block}/transition/",
         {"to_state": "teleported", "reason": "x"}, "to_state"),
    Case("api-block-facts-wrong-type", "/api/v1/blocks/{block}/facts/",
         {"power_available": "maybe", "reason": "x"}, "power_available"),
    # --- hostile-user review: nesting, NUL in free-form JSON, geometry size, numbers in query strings, web forms --
    Case("api-ship-notice-json-nested-1000-deep", "/api/v1/contract-lines/{line}/ship-notices/",
         '{"shipment_ref": "PROBE-D", "status": "scheduled", "quantity": ' + nested(1000) + "}", "quantity",
         ("nested more than 32",), content_type="application/json"),
    Case("api-ship-notice-json-nested-40-deep", "/api/v1/contract-lines/{line}/ship-notices/",
         '{"shipment_ref": "PROBE-D", "status": "scheduled", "quantity": ' + nested(40) + "}", "quantity",
         ("nested more than 32",), content_type="application/json"),
    Case("api-scoring-run-site-filter-state-nul", "/api/v1/scoring-runs/", {"site_filter": {"state": "P\x00A"}},
         "site_filter.state", ("null character",)),
    Case("api-scoring-run-site-filter-tags-nul", "/api/v1/scoring-runs/", {"site_filter": {"tags": ["ok", "b\x00"]}},
         "site_filter.tags[1]", ("null character",)),
    Case("api-scoring-run-site-filter-state-not-a-code", "/api/v1/scoring-runs/",
         {"site_filter": {"state": "Pennsylvania"}}, "site_filter.state"),
    Case("api-scoring-run-site-filter-unknown-key", "/api/v1/scoring-runs/", {"site_filter": {"county": "x"}},
         "site_filter.county", ("unknown site filter",)),
    Case("api-site-parcel-10001-vertices", "/api/v1/sites/", site(parcel=ring(10_001)), "parcel",
         ("at most 10,000 vertices", "10,002 given")),
    Case("api-site-parcel-over-1-mib", "/api/v1/sites/", site(parcel=ring(100, numbers_per_position=4_000)), "parcel",
         ("at most 1,048,576 bytes",)),
    Case("api-deliveries-contract-huge-exponent", "/api/v1/deliveries/", {"contract": HUGE_EXPONENT}, "contract",
         ("whole number",), method="get"),
    Case("api-deliveries-line-huge-exponent", "/api/v1/deliveries/", {"line": HUGE_EXPONENT}, "line", method="get"),
    Case("api-deliveries-project-1e1000000", "/api/v1/deliveries/", {"project": "-1E+1000000"}, "project",
         method="get"),
    Case("api-contract-lines-supplier-100000-digits", "/api/v1/contract-lines/", {"supplier": "9" * 100_000},
         "supplier", method="get"),
    Case("api-contract-lines-block-huge-exponent", "/api/v1/contract-lines/", {"block": HUGE_EXPONENT}, "block",
         method="get"),
    Case("api-blocks-phase-huge-exponent", "/api/v1/blocks/", {"phase": HUGE_EXPONENT}, "phase", ("no exponent",),
         method="get"),
    Case("api-results-max-rank-huge-exponent", "/api/v1/scoring-runs/{run}/results/", {"max_rank": HUGE_EXPONENT},
         "max_rank", method="get"),
    Case("api-results-capacity-nan", "/api/v1/scoring-runs/{run}/results/", {"capacity_mw": "NaN"}, "capacity_mw",
         method="get"),
    Case("api-results-min-score-above-100", "/api/v1/scoring-runs/{run}/results/", {"min_score": "101"},
         "min_score", ("between 0 and 100",), method="get"),
    Case("api-results-csv-max-rank-huge-exponent", "/api/v1/scoring-runs/{run}/results/csv/",
         {"max_rank": HUGE_EXPONENT}, "max_rank", method="get"),
    Case("api-sites-distance-huge-exponent", "/api/v1/sites/", {"max_distance_hv_230_km": "1E+300000"},
         "max_distance_hv_230_km", method="get"),
    Case("api-features-min-voltage-huge-exponent", "/api/v1/layers/{layer}/features/",
         {"min_voltage_kv": HUGE_EXPONENT}, "min_voltage_kv", method="get"),
    Case("api-features-version-huge-exponent", "/api/v1/layers/{layer}/features/", {"version": HUGE_EXPONENT},
         "version", method="get"),
    Case("api-sites-page-huge-exponent", "/api/v1/sites/", {"page": HUGE_EXPONENT}, "page", method="get"),
    Case("api-sites-page-size-huge-exponent", "/api/v1/sites/", {"page_size": HUGE_EXPONENT}, "page_size",
         method="get"),
    Case("api-scoring-runs-scenario-huge-exponent", "/api/v1/scoring-runs/", {"scenario": HUGE_EXPONENT},
         "scenario", method="get"),
    Case("api-login-username-300-characters", "/api/v1/auth/login/", {"username": "u" * 300, "password": "x"},
         "username", ("no more than 150",)),  # was a 500: the sign-in lockout's 255-character column
    Case("web-run-form-seed-above-2-31", "/runs/",
         lambda w: {"scenario": w["scenario"], "mode": "sites", "seed": str(2**31)}, "seed",
         ("less than or equal to 2147483647",)),
    # --- import_sites: broken files, CRS, coordinates, encodings, names ------------------------------------------
    Case("cli-sites-geojson-truncated", "import_sites", '{"type": "FeatureCollection", "features": [{"type": "Fe',
         file_name="sites.geojson", words=("cannot read",)),
    Case("cli-sites-geojson-empty-file", "import_sites", "", file_name="sites.geojson", words=("cannot read",)),
    Case("cli-sites-geojson-not-a-feature-collection", "import_sites", "[1, 2, 3]", file_name="sites.geojson",
         words=("cannot read",)),
    Case("cli-sites-geojson-point-missing-coordinates", "import_sites",
         geojson(({"id": "s1", "name": "A"}, {"type": "Point"})), file_name="sites.geojson", words=("coordinates",)),
    Case("cli-sites-geojson-projected-coords-declared-wgs84", "import_sites",
         geojson(({"id": "s1", "name": "A"}, point(500000, 4000000))), file_name="sites.geojson",
         words=("row 1", "out of range")),
    Case("cli-sites-geojson-latitude-above-90", "import_sites", geojson(({"id": "s1", "name": "A"}, point(-97, 91))),
         file_name="sites.geojson", words=("row 1", "out of range")),
    Case("cli-sites-geojson-empty-geometry-collection", "import_sites",
         geojson(({"id": "s1", "name": "A"}, {"type": "GeometryCollection", "geometries": []})),
         file_name="sites.geojson", words=("row 1",)),
    Case("cli-sites-geojson-nan-coordinates", "import_sites",
         geojson(({"id": "s1", "name": "A"}, point(-97, 32))).replace("-97", "NaN"), file_name="sites.geojson",
         words=("row 1",)),
    Case("cli-sites-csv-projected-coords-as-epsg4326", "import_sites", SITES_CSV + "s1,A,500000,4000000\n",
         args=("--source-crs", "EPSG:4326"), words=("row 2", "out of range")),
    Case("cli-sites-csv-semicolon-delimiter", "import_sites", "id;name;longitude;latitude\ns1;A;-97;32\n",
         words=("missing",)),
    Case("cli-sites-csv-header-junk", "import_sites", "Exported by GIS tool v2 on 2026-11-26\n" + SITES_CSV
         + "s1,A,-97,32\n", words=("missing",)),  # fmt: skip
    Case("cli-sites-csv-utf16-with-bom", "import_sites", (SITES_CSV + "s1,A,-97,32\n").encode("utf-16"),
         words=("cannot read",)),
    Case("cli-sites-csv-cp1252-bytes", "import_sites", SITES_CSV.encode() + "s1,Caf\xe9,-97,32\n".encode("cp1252"),
         words=("cannot read",)),
    Case("cli-sites-csv-infinite-longitude", "import_sites", SITES_CSV + "s1,A,inf,32\n",
         words=("row 2", "longitude")),
    Case("cli-sites-csv-nul-in-name", "import_sites", SITES_CSV + "s1,Beaver\x00Valley,-97,32\n",
         words=("line 2", "nul byte")),
    Case("cli-sites-csv-rtl-override-in-name", "import_sites", SITES_CSV + "s1,Invoice\u202egpj.exe,-97,32\n",
         words=("row 2", "name", "u+202e")),
    Case("cli-sites-csv-duplicate-id-with-bom", "import_sites",
         "\ufeff" + SITES_CSV + "s1,A,-97,32\ns1,B,-96,32\n", words=("row 3", "duplicate site id")),
    # --- import_layer: MW and coordinates -------------------------------------------------------------------------
    Case("cli-layer-plants-negative-mw", "import_layer", PLANTS_CSV + "P1,a,-50,Gas,35,-90\n",
         args=("power_plants",), words=("row 2", "capacity_mw")),
    Case("cli-layer-plants-absurd-mw", "import_layer", PLANTS_CSV + "P1,a,1e12,Gas,35,-90\n",
         args=("power_plants",), words=("row 2", "capacity_mw")),
    Case("cli-layer-plants-infinite-mw", "import_layer", PLANTS_CSV + "P1,a,inf,Gas,35,-90\n",
         args=("power_plants",), words=("row 2", "capacity_mw")),
]  # fmt: skip


@pytest.fixture
def world(program, planner) -> dict[str, Any]:
    """Ids the cases point at: a program (site, project, blocks, suppliers with contracts and lines), a
    signed contract with one shipped delivery on its first line, and an existing scenario."""
    contract = program.contracts[Category.CHIPS]
    contract.signed_on = today() - timedelta(days=30)
    contract.save(update_fields=["signed_on"])
    line = program.lines(Category.CHIPS)[0]
    shipped_on = today() - timedelta(days=3)
    notice = {"shipment_ref": "SHIPPED-1", "quantity": line.quantity, "status": "shipped", "shipped_on": shipped_on}
    shipped = ship_notice_apply(supplier=contract.supplier, line=line, notice=notice, source=Source.API).delivery
    scenario = Scenario.objects.create(name="Existing", spec={})
    run = ScoringRun.objects.create(scenario=scenario, scenario_spec={}, status=ScoringRun.Status.SUCCEEDED)
    layer = Layer.objects.create(kind="probe-lines", family="power", title="Probe lines")
    return {
        "scenario": scenario.pk,
        "run": run.pk,
        "layer": layer.kind,
        "site": program.project.site_id,
        "project": program.project.pk,
        "block": program.blocks[0].pk,
        "supplier": contract.supplier_id,
        "contract": contract.pk,
        "contract_ref": contract.reference,
        "line": line.pk,
        "line_no": line.line_no,
        "line_quantity": int(line.quantity),
        "delivery": shipped.pk,
        "shipment_ref": shipped.shipment_ref,
        "before_signed": str(contract.signed_on - timedelta(days=1)),
        "before_shipped": str(shipped_on - timedelta(days=1)),
        "today": str(today()),
        "tomorrow": str(today() + timedelta(days=1)),
        "planner": planner,
    }


def database_fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row of every table the cases could touch."""
    out = {}
    for label in FINGERPRINTED_APPS:
        for model in apps.get_app_config(label).get_models():
            rows = list(model.objects.order_by("pk").values_list())
            # default=str: geometries as EWKT, dates and decimals as text (a repr would include memory addresses).
            out[model._meta.db_table] = (len(rows), hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest())
    return out


def _api(case: Case, world: dict) -> tuple[int, dict]:
    client = APIClient()
    client.force_authenticate(world["planner"])
    url = case.target.format(**world)
    body = case.body(world) if callable(case.body) else case.body
    if case.method == "get":
        response = client.get(url, body)
    elif case.content_type:
        response = getattr(client, case.method)(url, body, content_type=case.content_type)
    else:
        response = getattr(client, case.method)(url, body, format="json")
    return response.status_code, response.json()


def _web(case: Case, world: dict) -> str:
    """The form page's answer: the status must be the case's, and the error shown in the field's own block."""
    client = Client()
    client.force_login(world["planner"])
    body = case.body(world) if callable(case.body) else case.body
    response = client.post(case.target.format(**world), body)
    assert response.status_code == case.status, response.status_code
    page = response.content.decode()
    block = page.split(f'id="field-{case.field}"', 1)[1].split('<div class="field"', 1)[0]
    assert 'class="errorlist' in block, block
    return html.unescape(block)


def _cli(case: Case, tmp_path, capsys) -> str:
    path = tmp_path / case.file_name
    if isinstance(case.body, bytes):
        path.write_bytes(case.body)
    else:
        path.write_text(case.body, encoding="utf-8")
    args = (*case.args, str(path)) if case.target == "import_layer" else (str(path), *case.args)
    with pytest.raises(CommandError) as failure:
        call_command(case.target, *args)
    return str(failure.value) + "\n" + capsys.readouterr().err


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_clearly_and_changes_nothing(case, world, tmp_path, capsys):
    before = database_fingerprint()
    if case.is_cli:
        report = _cli(case, tmp_path, capsys)
    elif case.is_web:
        report = _web(case, world)
    else:
        status, body = _api(case, world)
        assert status == case.status, body
        assert set(body) == {"code", "message", "field", "errors"}, body
        if case.field is not None:
            assert body["field"] == case.field, body
        report = body["message"] + "\n" + "\n".join(e["message"] for e in body["errors"])
    for word in case.words:
        assert word.lower() in report.lower(), report
    assert database_fingerprint() == before


def test_the_catalogue_has_at_least_50_cases():
    api = sum(not (c.is_cli or c.is_web) for c in CASES)
    print(f"bad input catalogue: {len(CASES)} cases ({sum(c.is_cli for c in CASES)} CLI, "
          f"{sum(c.is_web for c in CASES)} web form, {api} API)")  # fmt: skip
    assert len(CASES) >= 50
    assert len({c.id for c in CASES}) == len(CASES)


def test_emoji_and_accents_in_names_are_accepted(world):
    """The name rule refuses control and bidi-override characters only, not ordinary non-ASCII text."""
    client = APIClient()
    client.force_authenticate(world["planner"])
    response = client.post("/api/v1/suppliers/", {"name": "Société Générale 🔥 電力", "category": "chips"},
                           format="json")  # fmt: skip
    assert response.status_code == 201, response.json()
    assert response.json()["name"] == "Société Générale 🔥 電力"
