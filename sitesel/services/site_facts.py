"""Derive each site's infrastructure facts from the current layers, in one set-based SQL statement.

Distances are measured between EPSG:5070 (CONUS Albers) geometries stored as generated columns,
so they are metres, not degrees, and nearest-neighbour searches use the GiST index (KNN `<->`).
tests/sitesel/test_site_facts.py checks the results against an independent geopandas computation.
"""

from __future__ import annotations

import json

from django.db import connection, transaction

from sitesel.models import Layer

FACT_LAYERS = (
    "hv_lines", "hv_substations", "power_plants", "datacenters", "network_nodes", "labor_force", "population",
    "household_income", "power_prices", "fema_risk", "water_use", "transfer_capacity_county", "counties",
)  # fmt: skip
GENERATION_RADIUS_M = 50_000
# The OSM/GridKit grid layers stop at about 106.4°W (no western US, SOURCES.md). West of that the
# nearest line would be hundreds of km away in another region, so the distance is unknown (NULL).
GRIDKIT_WEST_LIMIT_LON = -106.4
DATACENTER_RADIUS_M = 50_000


def _nearest(layer: str, expression: str, condition: str = "TRUE") -> str:
    """`expression` of the layer's current feature nearest the site (KNN on the 5070 GiST index)."""
    return f"""(
        SELECT {expression} FROM sitesel_feature f
        WHERE f.layer_id = %({layer})s AND f.valid_to IS NULL AND {condition}
        ORDER BY f.geom_albers <-> s.point_albers LIMIT 1
    )"""


def _nearest_km(layer: str, condition: str = "TRUE") -> str:
    return _nearest(layer, "ST_Distance(f.geom_albers, s.point_albers) / 1000.0", condition)


def _within_gridkit(expression: str) -> str:
    return f"CASE WHEN ST_X(s.point) >= {GRIDKIT_WEST_LIMIT_LON} THEN {expression} END"


def _county_value(layer: str, expression: str = "f.value") -> str:
    return f"""(
        SELECT {expression} FROM sitesel_feature f
        WHERE f.layer_id = %({layer})s AND f.valid_to IS NULL AND f.fips = s.county_fips LIMIT 1
    )"""


SUBSTATION_TYPES = "f.category IN ('substation', 'sub_station', 'station')"
BA_CODE = "f.properties ->> 'Balancing Authority Code'"

FACTS_SQL = f"""
INSERT INTO sitesel_sitefacts AS t (
    site_id, distance_hv_230_km, distance_hv_345_km, distance_hv_500_km, distance_substation_km,
    generation_capacity_50km_mw, plant_grid_voltage_kv_max_50km, balancing_authority,
    distance_datacenter_km, datacenters_within_50km, distance_network_pop_km,
    county_labor_force, county_unemployment_rate_pct, county_population, county_median_household_income_usd,
    state_industrial_price_cents_kwh, state_price_year, fema_risk_score, water_use_mgal_d,
    county_transfer_capacity_mw, layer_versions, computed_at
)
SELECT
    s.id,
    {_within_gridkit(_nearest_km("hv_lines", "f.voltage_kv >= 230"))},
    {_within_gridkit(_nearest_km("hv_lines", "f.voltage_kv >= 345"))},
    {_within_gridkit(_nearest_km("hv_lines", "f.voltage_kv >= 500"))},
    {_within_gridkit(_nearest_km("hv_substations", SUBSTATION_TYPES))},
    plants.capacity_mw, plants.voltage_kv,
    COALESCE({_nearest("power_plants", BA_CODE, f"{BA_CODE} IS NOT NULL")}, ''),
    {_nearest_km("datacenters")},
    (
        SELECT count(*) FROM sitesel_feature f WHERE f.layer_id = %(datacenters)s AND f.valid_to IS NULL
        AND ST_DWithin(f.geom_albers, s.point_albers, {DATACENTER_RADIUS_M})
    ),
    {_nearest_km("network_nodes")},
    {_county_value("labor_force", "f.value::bigint")},
    {_county_value("labor_force", "(f.properties ->> 'unemployment_rate_pct')::float")},
    {_county_value("population", "f.value::bigint")},
    {_county_value("household_income", "f.value::bigint")},
    price.value, price.year,
    {_county_value("fema_risk")},
    {_county_value("water_use")},
    (
        SELECT sum(f.value) FROM sitesel_feature f
        WHERE f.layer_id = %(transfer_capacity_county)s AND f.valid_to IS NULL
          AND (f.fips = s.county_fips OR f.properties ->> 'fips_rr' = s.county_fips)
    ),
    %(versions)s::jsonb,
    now()
FROM sitesel_site s
LEFT JOIN LATERAL (
    SELECT sum(f.capacity_mw) AS capacity_mw, max(f.voltage_kv) AS voltage_kv FROM sitesel_feature f
    WHERE f.layer_id = %(power_plants)s AND f.valid_to IS NULL
      AND ST_DWithin(f.geom_albers, s.point_albers, {GENERATION_RADIUS_M})
) plants ON TRUE
LEFT JOIN LATERAL (
    SELECT f.value, (f.properties ->> 'year')::int AS year FROM sitesel_feature f
    WHERE f.layer_id = %(power_prices)s AND f.valid_to IS NULL AND f.state = s.state
      AND f.category = 'Total Electric Industry' AND f.value IS NOT NULL
    ORDER BY (f.properties ->> 'year')::int DESC LIMIT 1
) price ON TRUE
WHERE (%(all)s OR s.id = ANY(%(ids)s))
ON CONFLICT (site_id) DO UPDATE SET
    distance_hv_230_km = EXCLUDED.distance_hv_230_km, distance_hv_345_km = EXCLUDED.distance_hv_345_km,
    distance_hv_500_km = EXCLUDED.distance_hv_500_km, distance_substation_km = EXCLUDED.distance_substation_km,
    generation_capacity_50km_mw = EXCLUDED.generation_capacity_50km_mw,
    plant_grid_voltage_kv_max_50km = EXCLUDED.plant_grid_voltage_kv_max_50km,
    balancing_authority = EXCLUDED.balancing_authority, distance_datacenter_km = EXCLUDED.distance_datacenter_km,
    datacenters_within_50km = EXCLUDED.datacenters_within_50km,
    distance_network_pop_km = EXCLUDED.distance_network_pop_km, county_labor_force = EXCLUDED.county_labor_force,
    county_unemployment_rate_pct = EXCLUDED.county_unemployment_rate_pct,
    county_population = EXCLUDED.county_population,
    county_median_household_income_usd = EXCLUDED.county_median_household_income_usd,
    state_industrial_price_cents_kwh = EXCLUDED.state_industrial_price_cents_kwh,
    state_price_year = EXCLUDED.state_price_year, fema_risk_score = EXCLUDED.fema_risk_score,
    water_use_mgal_d = EXCLUDED.water_use_mgal_d, county_transfer_capacity_mw = EXCLUDED.county_transfer_capacity_mw,
    layer_versions = EXCLUDED.layer_versions, computed_at = EXCLUDED.computed_at
"""


def current_layer_versions() -> dict[str, int]:
    return {
        kind: number
        for kind, number in Layer.objects.filter(current_version__isnull=False).values_list(
            "kind", "current_version__number"
        )
    }


def site_facts_refresh(*, site_ids: list[int] | None = None) -> int:
    """Recompute facts for the given sites (all when None); returns the number of rows written."""
    layer_ids = dict(Layer.objects.filter(kind__in=FACT_LAYERS).values_list("kind", "pk"))
    params: dict[str, object] = {kind: layer_ids.get(kind, -1) for kind in FACT_LAYERS}
    params.update(
        {
            "versions": json.dumps({k: v for k, v in current_layer_versions().items() if k in FACT_LAYERS}),
            "all": site_ids is None,
            "ids": site_ids or [],
        }
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(FACTS_SQL, params)
        return cursor.rowcount
