"""Inputs and outputs of the build-economics model: frozen dataclasses with units in the names.

`SiteInputs` is one site as the Django side measures it; every field may be None when a layer has
no coverage. `SiteInputsArrays` holds the same fields as NumPy columns (NaN = missing) for bulk
scoring. How each missing value is filled is documented in docs/economics.md and reported back in
`EconomicsResult.missing_inputs`, so a planner can see which numbers rest on defaults.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import numpy as np

from sitesel.domain.errors import DomainError, InvalidSiteInput


@dataclass(frozen=True)
class SiteInputs:
    """Measured facts about one candidate site. None = no data (filled conservatively, and flagged)."""

    distance_hv_230_km: float | None = None
    distance_hv_345_km: float | None = None
    distance_hv_500_km: float | None = None
    distance_substation_km: float | None = None
    plant_grid_voltage_kv_max_50km: float | None = None
    generation_capacity_50km_mw: float | None = None
    county_labor_force: float | None = None
    county_unemployment_rate_pct: float | None = None
    county_population: float | None = None
    state_industrial_price_cents_kwh: float | None = None
    county_transfer_capacity_mw: float | None = None
    land_price_usd_per_acre: float | None = None
    iso_region: str | None = None
    state: str | None = None
    fema_risk_score: float | None = None
    water_use_mgal_d: float | None = None
    distance_network_pop_km: float | None = None
    distance_gas_pipeline_km: float | None = None
    gas_pipeline_diameter_in: float | None = None
    state_industrial_gas_price_usd_per_mcf: float | None = None
    county_queue_active_mw: float | None = None


# Numeric inputs in a fixed order; the index is the bit used in `missing_inputs_mask`.
NUMERIC_INPUT_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(SiteInputs) if f.name not in ("iso_region", "state")
)
TEXT_INPUT_FIELDS: tuple[str, ...] = ("iso_region", "state")
# Inputs carried for the caller (scoring) but not used by the economics model: never "defaulted".
UNUSED_INPUT_FIELDS: tuple[str, ...] = ("state", "fema_risk_score", "water_use_mgal_d")
# Bit i of `missing_inputs_mask` = MISSING_BITS[i] was missing (or, for iso_region, unrecognised).
MISSING_BITS: tuple[str, ...] = (
    *(name for name in NUMERIC_INPUT_FIELDS if name not in UNUSED_INPUT_FIELDS),
    "iso_region",
)

# Bounds that make a value impossible rather than merely unusual; NaN (missing) is always allowed.
_INPUT_BOUNDS: dict[str, tuple[float, float]] = {
    "county_unemployment_rate_pct": (0.0, 100.0),
    "fema_risk_score": (0.0, 100.0),
}


def _as_float_column(name: str, values: Any, n: int | None) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 0:
        arr = np.full(1 if n is None else n, float(arr))
    if arr.ndim != 1:
        raise InvalidSiteInput(name, f"must be one-dimensional, got shape {arr.shape}")
    if np.isinf(arr).any():
        raise InvalidSiteInput(name, f"must be finite or NaN (site index {int(np.flatnonzero(np.isinf(arr))[0])})")
    lo, hi = _INPUT_BOUNDS.get(name, (0.0, math.inf))
    bad = (arr < lo) | (arr > hi)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidSiteInput(name, f"must be between {lo:g} and {hi:g}, got {arr[i]:g} at site index {i}")
    return arr


def _as_text_column(values: Any, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, "", dtype=object)
    out = np.empty(n, dtype=object)
    seq = [values] * n if isinstance(values, str) else list(values)
    if len(seq) != n:
        raise InvalidSiteInput("iso_region/state", f"must have {n} rows, got {len(seq)}")
    for i, v in enumerate(seq):
        # NaN arrives from pandas for missing strings; treat it like None.
        out[i] = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
    return out


@dataclass(frozen=True, eq=False)
class SiteInputsArrays:
    """Column form of `SiteInputs` for N sites: float arrays with NaN for missing, text as object arrays."""

    distance_hv_230_km: np.ndarray
    distance_hv_345_km: np.ndarray
    distance_hv_500_km: np.ndarray
    distance_substation_km: np.ndarray
    plant_grid_voltage_kv_max_50km: np.ndarray
    generation_capacity_50km_mw: np.ndarray
    county_labor_force: np.ndarray
    county_unemployment_rate_pct: np.ndarray
    county_population: np.ndarray
    state_industrial_price_cents_kwh: np.ndarray
    county_transfer_capacity_mw: np.ndarray
    land_price_usd_per_acre: np.ndarray
    iso_region: np.ndarray
    state: np.ndarray
    fema_risk_score: np.ndarray
    water_use_mgal_d: np.ndarray
    distance_network_pop_km: np.ndarray
    distance_gas_pipeline_km: np.ndarray
    gas_pipeline_diameter_in: np.ndarray
    state_industrial_gas_price_usd_per_mcf: np.ndarray
    county_queue_active_mw: np.ndarray

    @property
    def n_sites(self) -> int:
        return int(self.distance_hv_230_km.shape[0])

    @classmethod
    def from_columns(cls, columns: Mapping[str, Any], n_sites: int | None = None) -> SiteInputsArrays:
        """Build from a mapping column -> sequence (e.g. `df.to_dict("series")`); absent columns are NaN."""
        unknown = set(columns) - set(NUMERIC_INPUT_FIELDS) - set(TEXT_INPUT_FIELDS)
        if unknown:
            raise InvalidSiteInput(sorted(unknown)[0], "unknown site input column")
        lengths = {len(np.atleast_1d(np.asarray(v, dtype=object))) for v in columns.values() if v is not None}
        if n_sites is None:
            if len(lengths) != 1:
                raise InvalidSiteInput("n_sites", f"columns have different or no lengths: {sorted(lengths)}")
            n_sites = lengths.pop()
        elif lengths - {n_sites, 1}:
            raise InvalidSiteInput("n_sites", f"columns must have {n_sites} rows, got {sorted(lengths)}")
        kwargs: dict[str, np.ndarray] = {}
        for name in NUMERIC_INPUT_FIELDS:
            raw = columns.get(name)
            col = np.full(n_sites, np.nan) if raw is None else _as_float_column(name, raw, n_sites)
            if col.shape[0] != n_sites:
                raise InvalidSiteInput(name, f"must have {n_sites} rows, got {col.shape[0]}")
            kwargs[name] = col
        for name in TEXT_INPUT_FIELDS:
            kwargs[name] = _as_text_column(columns.get(name), n_sites)
        return cls(**kwargs)

    @classmethod
    def from_sites(cls, sites: Sequence[SiteInputs]) -> SiteInputsArrays:
        cols: dict[str, Any] = {
            name: [np.nan if getattr(s, name) is None else getattr(s, name) for s in sites]
            for name in NUMERIC_INPUT_FIELDS
        }
        for name in TEXT_INPUT_FIELDS:
            cols[name] = [getattr(s, name) for s in sites]
        return cls.from_columns(cols, n_sites=len(sites))


def missing_inputs_from_mask(mask: int) -> tuple[str, ...]:
    """Names of the inputs that were missing (and therefore defaulted) for one site."""
    return tuple(name for bit, name in enumerate(MISSING_BITS) if mask & (1 << bit))


@dataclass(frozen=True)
class GridSwingResult:
    flag: bool
    reason: str
    swing_mw: float


@dataclass(frozen=True)
class EconomicsResult:
    """Build economics of one site at one capacity. USD are floats; use `money_as_decimals()` to store.
    Months are counted from the build decision unless the name says otherwise."""

    capacity_mw: float
    it_mw: float
    gpus: float
    blocks: float
    # Capex breakdown, USD. facility = C&W per-MW build (site share included) after learning, without the AI
    # premium; learning_adjustment = what learning adds (+, small sites) or saves (-, campuses) against
    # C&W's average, already inside facility and AI premium.
    facility_capex_usd: float
    ai_premium_capex_usd: float
    learning_adjustment_usd: float
    development_capex_usd: float
    it_equipment_capex_usd: float
    land_capex_usd: float
    substation_capex_usd: float
    transformer_capex_usd: float
    line_capex_usd: float
    labor_mobilization_capex_usd: float
    bridge_power_capex_usd: float
    gas_lateral_capex_usd: float
    total_capex_usd: float
    capex_per_mw_usd: float
    build_capex_per_mw_usd: float
    fixed_capex_usd: float
    variable_capex_usd: float
    interconnect_voltage_kv: float
    interconnect_circuits: float
    interconnect_distance_km: float
    substation_modules: float
    # Operating and levelised cost, and the value of time.
    power_price_usd_per_mwh: float
    energy_opex_usd_per_year: float
    staff_opex_usd_per_year: float
    upkeep_opex_usd_per_year: float
    opex_usd_per_year: float
    opex_usd_per_mw_year: float
    annualized_capex_usd_per_year: float
    usd_per_gpu_hour: float
    cost_of_delay_usd_per_mw_month: float
    cost_of_delay_rental_usd_per_mw_month: float
    # Phased time to compute, Monte Carlo percentiles (months from the decision).
    time_to_first_power_months_p10: float
    time_to_first_power_months_p50: float
    time_to_first_power_months_p90: float
    time_to_power_months_p10: float
    time_to_power_months_p50: float
    time_to_power_months_p90: float
    time_to_compute_months_p50: float
    construction_start_months_p50: float
    first_power_from_construction_start_months_p50: float
    site_control_months_p50: float
    interconnection_study_months_p50: float
    grid_energised_months_p50: float
    first_block_build_months_p50: float
    ramp_months_p50: float
    network_upgrade_probability: float
    binding_constraint: str
    full_capacity_binding: str
    bridge_power_used: bool
    bridge_power_mw: float
    bridge_mw_months_saved: float
    bridge_value_usd: float
    bridge_cost_usd: float
    gas_lateral_km: float
    gas_feasible: bool
    # Grid swing and labour.
    grid_swing_flag: bool
    grid_swing_reason: str
    grid_swing_mw: float
    labor_peak_workers: float
    labor_local_pool_workers: float
    labor_shortfall_workers: float
    schedule_stretch_months: float
    missing_inputs: tuple[str, ...]
    seed: int
    draws: int
    model_version: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: tuples become lists, and a non-finite float (e.g. $/GPU-hour of a build too
        small to hold one rack) becomes None, because JSON and Postgres jsonb have no NaN."""
        d = asdict(self)
        d["missing_inputs"] = list(self.missing_inputs)
        for key, value in d.items():
            if isinstance(value, float) and not math.isfinite(value):
                d[key] = None
        return d

    def money_as_decimals(self) -> dict[str, Decimal]:
        """Every `*_usd` figure as a cent-rounded Decimal, for DecimalField storage."""
        return {f.name: usd_to_decimal(getattr(self, f.name)) for f in fields(self) if f.name.endswith("_usd")}


@dataclass(frozen=True)
class ScaleComparison:
    """Per-MW capex of a small and a large build at the same site, and why they differ."""

    small_mw: float
    large_mw: float
    small_capex_per_mw_usd: float
    large_capex_per_mw_usd: float
    ratio: float
    small_build_capex_per_mw_usd: float
    large_build_capex_per_mw_usd: float
    build_ratio: float
    small_fixed_capex_per_mw_usd: float
    large_fixed_capex_per_mw_usd: float
    small_variable_capex_per_mw_usd: float
    large_variable_capex_per_mw_usd: float
    small: EconomicsResult
    large: EconomicsResult

    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("small", "large")}
        d["small"] = self.small.to_dict()
        d["large"] = self.large.to_dict()
        return d


_CENT = Decimal("0.01")


def usd_to_decimal(value: float) -> Decimal:
    """A float USD amount as a Decimal rounded to cents (banker's rounding); rejects NaN and infinity."""
    if not math.isfinite(value):
        raise DomainError(f"cannot store non-finite amount {value!r}", field="usd")
    # repr() of a float is the shortest string that round-trips, so no binary noise reaches the Decimal.
    return Decimal(repr(float(value))).quantize(_CENT, rounding=ROUND_HALF_EVEN)
