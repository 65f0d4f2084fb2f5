"""Derive each site's location and infrastructure facts from the current layers.

The measures come from sitesel.spatial (STRtrees over the layers, in EPSG:5070 metres), the same
code that scores sites and national-screen cells, so a site's facts and its score never disagree; chosen over
a set-based PostGIS KNN statement by measurement (docs/decisions.md, "Measures"). tests/sitesel/test_site_facts.py
checks them against an independent geopandas computation on the source files.
"""

from __future__ import annotations

import math

import numpy as np
from django.db import connection, transaction

from sitesel.models import Site, SiteFacts
from sitesel.spatial.measures import measure_points
from sitesel.spatial.prices import PriceTable
from sitesel.spatial.provenance import point_provenance
from sitesel.spatial.snapshot import LayerSnapshot, get_snapshot

FLOAT_FACTS = (
    "distance_hv_230_km", "distance_hv_345_km", "distance_hv_500_km", "distance_substation_km",
    "substation_voltage_kv", "generation_capacity_50km_mw", "plant_grid_voltage_kv_max_50km",
    "distance_datacenter_km", "distance_network_pop_km", "county_unemployment_rate_pct",
    "state_industrial_price_cents_kwh", "fema_risk_score", "water_use_mgal_d", "county_transfer_capacity_mw",
    "county_queue_active_mw", "distance_gas_pipeline_km", "gas_pipeline_diameter_in",
    "state_industrial_gas_price_usd_per_mcf",
)  # fmt: skip
INTEGER_FACTS = (
    "datacenters_within_50km", "county_labor_force", "county_population", "county_median_household_income_usd",
    "state_price_year", "state_gas_price_year",
)  # fmt: skip
TEXT_FACTS = ("balancing_authority", "gas_pipeline_status")
PRICE_MEASURES = {
    "state_industrial_price_cents_kwh": "state_prices",
    "state_industrial_gas_price_usd_per_mcf": "gas_prices",
}


def sites_points(site_ids: list[int] | None) -> tuple[np.ndarray, ...]:
    """(ids, lon, lat, x, y) of the sites, x/y in EPSG:5070, read in one query."""
    where = "" if site_ids is None else "WHERE id = ANY(%s)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, ST_X(point), ST_Y(point), ST_X(point_albers), ST_Y(point_albers) FROM sitesel_site {where}",
            [site_ids] if site_ids is not None else [],
        )
        rows = cursor.fetchall()
    if not rows:
        return tuple(np.empty(0) for _ in range(5))
    columns = np.array(rows, dtype=float).T
    return columns[0].astype(np.int64), columns[1], columns[2], columns[3], columns[4]


def _number(value: float, integer: bool) -> float | int | None:
    if value is None or math.isnan(value):
        return None
    return int(round(value)) if integer else float(value)


def price_escalation(snapshot: LayerSnapshot, state: str) -> dict[str, dict]:
    """How each of the state's prices was brought to the common year: source year and value, factor."""
    out = {}
    for measure, table_name in PRICE_MEASURES.items():
        table: PriceTable = getattr(snapshot, table_name)
        price = table.by_state.get(state)
        if price is not None:
            out[measure] = {
                "layer": price.kind,
                "source_year": price.source_year,
                "source_value": price.source_value,
                "basis_year": price.basis_year,
                "factor": None if price.factor is None else round(price.factor, 4),
            }
    return out


def site_facts_refresh(*, site_ids: list[int] | None = None) -> int:
    """Locate the sites (state, county) and recompute their facts; returns the number of sites done."""
    ids, lon, lat, x, y = sites_points(site_ids)
    if len(ids) == 0:
        return 0
    snapshot = get_snapshot()
    measures = measure_points(snapshot, lon, lat, x, y)
    facts = []
    locations = []
    for i, site_id in enumerate(ids.tolist()):
        values = {name: _number(measures[name][i], False) for name in FLOAT_FACTS}
        values |= {name: _number(measures[name][i], True) for name in INTEGER_FACTS}
        values |= {name: str(measures[name][i]) for name in TEXT_FACTS}
        sources, vintages = point_provenance(measures, i, snapshot.vintages)
        facts.append(
            SiteFacts(
                site_id=site_id,
                layer_versions=snapshot.versions,
                measure_sources=sources,
                measure_vintages=vintages,
                oldest_vintage=str(measures["oldest_vintage"][i]),
                price_escalation=price_escalation(snapshot, measures["state"][i]),
                **values,
            )
        )
        locations.append(
            Site(
                pk=site_id,
                state=measures["state"][i],
                county_fips=measures["county_fips"][i],
                county_name=measures["county_name"][i],
            )
        )
    with transaction.atomic():
        Site.objects.bulk_update(locations, ["state", "county_fips", "county_name"], batch_size=2000)
        SiteFacts.objects.bulk_create(
            facts,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["site"],
            update_fields=[
                *FLOAT_FACTS,
                *INTEGER_FACTS,
                *TEXT_FACTS,
                "layer_versions",
                "measure_sources",
                "measure_vintages",
                "oldest_vintage",
                "price_escalation",
                "computed_at",
            ],  # fmt: skip
        )
    return len(facts)
