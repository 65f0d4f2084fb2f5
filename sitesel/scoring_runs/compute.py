"""Measures and economics for a batch of points: the work of one scoring chunk, with no database writes.

Sites and national-screen cells go through the same function: points in, one row of raw criteria and
economics per point and capacity out. Scores and ranks need every point of the run, so they are
computed later, once, when the run is finalized (sitesel/services/scoring_runs.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from sitesel.domain.economics import compute_economics_arrays
from sitesel.domain.parameters import EconomicsParameters
from sitesel.domain.regions import iso_region
from sitesel.domain.scoring import CRITERIA
from sitesel.domain.types import NUMERIC_INPUT_FIELDS, SiteInputsArrays
from sitesel.spatial.measures import STORED_WITH_SCORES, measure_points
from sitesel.spatial.snapshot import LayerSnapshot

# Economics kept with each result: the capex breakdown and what a planner compares across sizes.
ECONOMICS_FIELDS = (
    "capacity_mw", "it_mw", "gpus", "blocks", "total_capex_usd", "capex_per_mw_usd", "build_capex_per_mw_usd",
    "fixed_capex_usd", "variable_capex_usd", "facility_capex_usd", "ai_premium_capex_usd", "learning_adjustment_usd",
    "development_capex_usd", "it_equipment_capex_usd", "land_capex_usd", "substation_capex_usd",
    "transformer_capex_usd", "line_capex_usd", "labor_mobilization_capex_usd", "bridge_power_capex_usd",
    "gas_lateral_capex_usd", "interconnect_voltage_kv", "interconnect_distance_km", "substation_modules",
    "opex_usd_per_mw_year", "usd_per_gpu_hour", "cost_of_delay_usd_per_mw_month",
    "time_to_first_power_months_p10", "time_to_first_power_months_p50", "time_to_first_power_months_p90",
    "time_to_power_months_p10", "time_to_power_months_p50", "time_to_power_months_p90", "time_to_compute_months_p50",
    "construction_start_months_p50", "grid_energised_months_p50", "network_upgrade_probability",
    "binding_constraint", "full_capacity_binding", "bridge_power_used", "bridge_power_mw", "bridge_mw_months_saved",
    "gas_feasible", "grid_swing_flag", "grid_swing_reason", "labor_shortfall_workers", "schedule_stretch_months",
)  # fmt: skip


# The national screen simulates each cell's schedule with its new line's length rounded to 1 km: no finer
# than its cells, whose distances are measured from their centres (`schedule_arrays`). Sites are exact.
NATIONAL_LINE_KM_STEP = 1.0


@dataclass(frozen=True)
class Points:
    """A batch of points: stable ids (site ids or cell ids), lon/lat and EPSG:5070 x/y."""

    ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    x: np.ndarray
    y: np.ndarray
    land_price_usd_per_acre: np.ndarray | None = None  # per-site prices; NaN = use the default


@dataclass(frozen=True)
class ChunkRows:
    """Per-point outputs of a chunk; `located` marks points inside a US county (cells outside are dropped)."""

    points: Points
    located: np.ndarray
    state: np.ndarray
    county_fips: np.ndarray
    criteria_by_capacity: dict[float, dict[str, np.ndarray]]
    economics_by_capacity: dict[float, dict[str, np.ndarray]]


def within_counties(snapshot: LayerSnapshot, points: Points) -> Points:
    """The points inside a US county: the only national-screen cells that are scored. Dropping the others
    (about 40 % of the grid's squares: sea, Canada, Mexico) before measuring and pricing saves their work."""
    inside = np.zeros(len(points.ids), dtype=bool)
    if len(snapshot.counties.tree) and len(points.ids):
        inside[snapshot.counties.tree.query(shapely.points(points.x, points.y), predicate="within")[0]] = True
    return Points(**{name: None if values is None else values[inside] for name, values in vars(points).items()})


def economics_inputs(measures: dict[str, np.ndarray], land_price: np.ndarray | None) -> SiteInputsArrays:
    columns = {name: measures[name] for name in NUMERIC_INPUT_FIELDS if name in measures}
    if land_price is not None:
        columns["land_price_usd_per_acre"] = land_price
    columns["state"] = measures["state"]
    columns["iso_region"] = np.array([iso_region(ba) for ba in measures["balancing_authority"]], dtype=object)
    return SiteInputsArrays.from_columns(columns, n_sites=len(measures["state"]))


def compute_chunk(
    snapshot: LayerSnapshot,
    points: Points,
    capacities_mw: list[float],
    params: EconomicsParameters,
    seed: int,
    draws: int,
    line_km_step: float | None = None,
) -> ChunkRows:
    measures = measure_points(snapshot, points.lon, points.lat, points.x, points.y)
    inputs = economics_inputs(measures, points.land_price_usd_per_acre)
    effective_land_price = np.where(
        np.isnan(inputs.land_price_usd_per_acre), params.land_price_usd_per_acre, inputs.land_price_usd_per_acre
    )
    criteria_by_capacity: dict[float, dict[str, np.ndarray]] = {}
    economics_by_capacity: dict[float, dict[str, np.ndarray]] = {}
    # Each capacity is ranked on its own economics: a site's 50 MW rank uses its 50 MW capex and time, its
    # 1 GW rank its 1 GW ones (docs/scoring.md).
    for capacity in capacities_mw:
        economics = compute_economics_arrays(inputs, capacity, params, seed, draws, line_km_step)
        criteria = {name: measures[name] for name in (*CRITERIA, *STORED_WITH_SCORES) if name in measures}
        criteria["land_price_usd_per_acre"] = effective_land_price
        criteria["capex_per_mw_usd"] = economics["capex_per_mw_usd"]
        criteria["time_to_power_p50_months"] = economics["time_to_power_months_p50"]
        criteria["time_to_compute_p50_months"] = economics["time_to_compute_months_p50"]
        criteria_by_capacity[capacity] = criteria
        economics_by_capacity[capacity] = {name: economics[name] for name in ECONOMICS_FIELDS}
    return ChunkRows(
        points=points,
        located=measures["county_fips"] != "",
        state=measures["state"],
        county_fips=measures["county_fips"],
        criteria_by_capacity=criteria_by_capacity,
        economics_by_capacity=economics_by_capacity,
    )
