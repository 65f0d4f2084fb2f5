"""Which layer answered each measure, and how old that data is, per point.

measure_points returns, next to each measure whose source varies from point to point, the layer kind that
answered it under SOURCE_PREFIX + measure ("" where nothing did). Every other measure always comes from one
layer (FIXED_SOURCES), and some measures follow another's source (FOLLOWS: a substation's voltage comes from
the substation that was nearest). A measure's vintage is its layer's vintage, except prices, whose vintage is
the year of the price itself. Boundary layers (counties) only locate a point and are not a measure's source.
No Django: plain dictionaries and numpy arrays.
"""

from __future__ import annotations

import numpy as np

from sitesel.vintage import ABSENT_KEY, keys_to_vintages, vintage_key

SOURCE_PREFIX = "source:"
FIXED_SOURCES: dict[str, str] = {
    "generation_capacity_50km_mw": "power_plants", "plant_grid_voltage_kv_max_50km": "power_plants",
    "balancing_authority": "power_plants", "distance_datacenter_km": "datacenters",
    "datacenters_within_50km": "datacenters", "distance_network_pop_km": "network_nodes",
    "county_labor_force": "labor_force", "county_unemployment_rate_pct": "labor_force",
    "county_population": "population", "county_median_household_income_usd": "household_income",
    "fema_risk_score": "fema_risk", "water_use_mgal_d": "water_use",
    "county_transfer_capacity_mw": "transfer_capacity_county",
}  # fmt: skip
VARYING_SOURCES: tuple[str, ...] = (
    "distance_hv_230_km", "distance_hv_345_km", "distance_hv_500_km", "distance_substation_km",
    "distance_gas_pipeline_km", "state_industrial_price_cents_kwh", "state_industrial_gas_price_usd_per_mcf",
)  # fmt: skip
FOLLOWS: dict[str, str] = {
    "substation_voltage_kv": "distance_substation_km",
    "gas_pipeline_diameter_in": "distance_gas_pipeline_km",
    "gas_pipeline_status": "distance_gas_pipeline_km",
    "state_price_year": "state_industrial_price_cents_kwh",
    "state_gas_price_year": "state_industrial_gas_price_usd_per_mcf",
}
# Prices are dated by their own year: the measure whose value is that year.
PRICE_YEARS: dict[str, str] = {
    "state_industrial_price_cents_kwh": "state_price_year",
    "state_industrial_gas_price_usd_per_mcf": "state_gas_price_year",
}


def layer_of(source: str) -> str:
    """The layer kind in a source code ("hifld_lines:345kv_only" -> "hifld_lines")."""
    return source.split(":", 1)[0]


def has_value(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values)
    if values.dtype.kind == "f":
        return ~np.isnan(values)
    if values.dtype.kind in "iub":
        return np.ones(len(values), dtype=bool)
    return values != ""


def _year_keys(years: np.ndarray) -> np.ndarray:
    years = np.asarray(years, dtype=float)
    return np.where(np.isnan(years), ABSENT_KEY, np.nan_to_num(years) * 10_000).astype(np.int64)


def oldest_vintages(measures: dict[str, np.ndarray], vintages: dict[str, str]) -> np.ndarray:
    """Per point, the oldest vintage among the measures that have a value there ("" if any is unknown)."""
    n = len(measures["state"])
    oldest = np.full(n, ABSENT_KEY, dtype=np.int64)
    for measure, kind in FIXED_SOURCES.items():
        if measure in measures:
            key = vintage_key(vintages.get(kind, ""))
            oldest = np.where(has_value(measures[measure]), np.minimum(oldest, key), oldest)
    for measure in VARYING_SOURCES:
        if measure in PRICE_YEARS:
            oldest = np.minimum(oldest, _year_keys(measures[PRICE_YEARS[measure]]))
            continue
        sources = measures.get(SOURCE_PREFIX + measure)
        if sources is None:
            continue
        unique, inverse = np.unique(np.asarray(sources, dtype=str), return_inverse=True)
        keys = np.array(
            [vintage_key(vintages.get(layer_of(s), "")) if s else ABSENT_KEY for s in unique.tolist()], dtype=np.int64
        )
        oldest = np.minimum(oldest, keys[inverse])
    return keys_to_vintages(oldest)


def point_provenance(
    measures: dict[str, np.ndarray], i: int, vintages: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """({measure: source}, {measure: vintage}) of point i, for the measures that have a value there."""
    sources: dict[str, str] = {}
    for measure, kind in FIXED_SOURCES.items():
        if measure in measures and has_value(measures[measure][i : i + 1])[0]:
            sources[measure] = kind
    for measure in VARYING_SOURCES:
        source = str(measures.get(SOURCE_PREFIX + measure, [""] * (i + 1))[i])
        if source:
            sources[measure] = source
    for measure, leader in FOLLOWS.items():
        if leader in sources and measure in measures and has_value(measures[measure][i : i + 1])[0]:
            sources[measure] = sources[leader]
    dated = {}
    for measure, source in sources.items():
        year_measure = PRICE_YEARS.get(measure) or (measure if measure in PRICE_YEARS.values() else None)
        if year_measure is not None:
            dated[measure] = str(int(measures[year_measure][i]))
        else:
            dated[measure] = vintages.get(layer_of(source), "")
    return sources, dated
