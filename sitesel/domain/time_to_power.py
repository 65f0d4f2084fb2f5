"""Time to compute: a phased Monte Carlo schedule from the build decision (month 0) to the last block live.

Phases, as practice runs them (docs/economics.md has the sources):

    site control & permits      S                                    from month 0
    interconnection study       Q   request -> agreement; region, size vs large-load threshold
    utility tie-in              U + line months + network upgrades   from the agreement
    HV transformers             T   reserved at month 0 (or ordered at the agreement)
    grid energised              E = max(Q + U + line + upgrade, T)
    ground-breaking             CS = max(S, Q)  (financing waits for the agreement) or S with on-site power
    first block built           A = max(CS + L x stretch, switchgear lead)
    block k built               A + (k - 1) x R x stretch / (N - 1)        (R: months from first to last)
    block k live                max(block k built, power for block k)

Power for a block is the grid at E, or on-site generation (ready when engines and the gas lateral are)
for the first blocks when the bridge option is taken. The county's interconnection queue shapes the
study: queued generator MW against the county's transfer capability sets the chance that the tie needs
network upgrades.

Draws are *common random numbers*: draw d is one state of the world (permitting climate, utility
crews, equipment market) shared by every site, so a site's result does not depend on which other
sites are in the batch, and rankings carry less sampling noise. `numpy.random.default_rng(seed)`
fixes every number.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sitesel.domain.errors import InvalidSiteInput
from sitesel.domain.parameters import DEFAULT_PARAMETERS, EconomicsParameters

WEEKS_PER_MONTH = 52.0 / 12.0
# The ramp parameters describe a 1 GW campus in 50 MW blocks.
RAMP_REFERENCE_BLOCKS = 20.0
DEFAULT_DRAWS = 500
# Sites per block of the N x draws matrices; bounds memory at ~16 MB per temporary for 500 draws.
_CHUNK_SITES = 1024

SITE_CONTROL = "site control and permits"
STUDY = "interconnection study"
UTILITY_BUILD = "utility tie-in construction"
UPGRADES = "network upgrades"
TRANSFORMER = "HV transformer lead time"
SWITCHGEAR = "switchgear lead time"
CONSTRUCTION = "construction"
LABOR = "labor shortfall"
GENERATION = "on-site generation lead time"
GAS_LATERAL = "gas lateral"
BINDING_LABELS: tuple[str, ...] = (
    STUDY, UTILITY_BUILD, UPGRADES, TRANSFORMER, SITE_CONTROL, SWITCHGEAR, CONSTRUCTION, LABOR, GENERATION, GAS_LATERAL
)  # fmt: skip
GRID_ENERGISATION = "grid energisation"
ON_SITE_POWER = "on-site power"
CONSTRUCTION_RAMP = "construction ramp"

# Normalised spelling (upper case, no spaces/hyphens/underscores) -> parameter suffix.
_REGION_KEYS: dict[str, str] = {
    "PJM": "pjm",
    "CAISO": "caiso",
    "ERCOT": "ercot",
    "NYISO": "nyiso",
    "ISONE": "isone",
    "NEISO": "isone",
    "MISO": "miso",
    "SPP": "spp",
    "NONISO": "non_iso",
}


def _normalise_region(name: str) -> str:
    return "".join(ch for ch in name.upper() if ch.isalnum())


def region_constraint_weights(
    iso_region: np.ndarray, params: EconomicsParameters = DEFAULT_PARAMETERS
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-site grid-constraint weight (0 unconstrained .. 1 constrained), whether the region was known,
    and the large-load threshold (MW) of its interconnection process.

    Missing ("" / None) and unrecognised names get `grid_constraint_unknown` and recognised=False:
    a site we cannot place is treated as constrained rather than given the benefit of the doubt.
    """
    names = np.asarray(["" if r is None else str(r) for r in iso_region], dtype=str)
    uniq, inverse = np.unique(names, return_inverse=True)
    weights = np.empty(uniq.shape[0])
    known = np.empty(uniq.shape[0], dtype=bool)
    threshold = np.full(uniq.shape[0], params.large_load_threshold_mw)
    for k, name in enumerate(uniq):
        key = _REGION_KEYS.get(_normalise_region(str(name)))
        known[k] = key is not None
        weights[k] = params.grid_constraint_unknown if key is None else getattr(params, f"grid_constraint_{key}")
        if key == "ercot":
            threshold[k] = params.large_load_threshold_mw_ercot
    return weights[inverse], known[inverse], threshold[inverse]


def study_bounds_months(
    capacity_mw: np.ndarray,
    constraint_weight: np.ndarray,
    threshold_mw: np.ndarray,
    params: EconomicsParameters = DEFAULT_PARAMETERS,
) -> tuple[np.ndarray, np.ndarray]:
    """Low/high of the uniform interconnection-study range (request -> agreement) for each site."""
    p = params
    w = np.asarray(constraint_weight, dtype=float)
    lo = p.study_unconstrained_months_low + w * (p.study_constrained_months_low - p.study_unconstrained_months_low)
    hi = p.study_unconstrained_months_high + w * (p.study_constrained_months_high - p.study_unconstrained_months_high)
    factor = np.where(np.asarray(capacity_mw) <= threshold_mw, p.small_load_study_factor, 1.0)
    return lo * factor, hi * factor


def _triangular_ppf(u: np.ndarray, low: float, mode: float, high: float) -> np.ndarray:
    """Inverse CDF of the triangular distribution; a degenerate range returns `low`."""
    if high <= low:
        return np.full_like(u, low)
    cut = (mode - low) / (high - low)
    left = low + np.sqrt(u * (high - low) * (mode - low))
    right = high - np.sqrt((1.0 - u) * (high - low) * (high - mode))
    return np.where(u < cut, left, right)


@dataclass(frozen=True, eq=False)
class ScenarioDraws:
    """One entry per Monte Carlo draw, shared by all sites (common random numbers). Months."""

    site_control: np.ndarray
    study_u: np.ndarray
    utility_build: np.ndarray
    upgrade_u: np.ndarray
    upgrade: np.ndarray
    transformer: np.ndarray
    switchgear: np.ndarray
    first_block: np.ndarray
    ramp: np.ndarray
    generation: np.ndarray
    gas_lateral: np.ndarray

    def medians(self) -> dict[str, float]:
        return {name: float(np.median(getattr(self, name))) for name in self.__dataclass_fields__}


def scenario_draws(
    params: EconomicsParameters = DEFAULT_PARAMETERS, seed: int = 0, draws: int = DEFAULT_DRAWS
) -> ScenarioDraws:
    if draws < 1:
        raise InvalidSiteInput("draws", f"must be at least 1, got {draws}")
    p = params
    u = np.random.default_rng(seed).random((11, draws))
    if p.bridge_uses_turbines:
        g_lo, g_hi = p.turbine_lead_months_low, p.turbine_lead_months_high
    else:
        g_lo, g_hi = p.recip_lead_months_low, p.recip_lead_months_high
    weeks = WEEKS_PER_MONTH
    return ScenarioDraws(
        site_control=_triangular_ppf(
            u[0], p.site_control_months_low, p.site_control_months_mode, p.site_control_months_high
        ),
        study_u=u[1],
        utility_build=_triangular_ppf(
            u[2], p.utility_build_months_low, p.utility_build_months_mode, p.utility_build_months_high
        ),
        upgrade_u=u[3],
        upgrade=_triangular_ppf(u[4], p.upgrade_months_low, p.upgrade_months_mode, p.upgrade_months_high),
        transformer=_triangular_ppf(
            u[5], p.transformer_lead_weeks_low, p.transformer_lead_weeks_mode, p.transformer_lead_weeks_high
        )
        / weeks,
        switchgear=_triangular_ppf(
            u[6], p.switchgear_lead_weeks_low, p.switchgear_lead_weeks_mode, p.switchgear_lead_weeks_high
        )
        / weeks,
        first_block=_triangular_ppf(
            u[7], p.first_block_months_low, p.first_block_months_mode, p.first_block_months_high
        ),
        ramp=_triangular_ppf(u[8], p.ramp_months_low, p.ramp_months_mode, p.ramp_months_high),
        generation=g_lo + (g_hi - g_lo) * u[9],
        gas_lateral=p.gas_lateral_months_low + (p.gas_lateral_months_high - p.gas_lateral_months_low) * u[10],
    )


@dataclass(frozen=True, eq=False)
class ScheduleInputs:
    """What the schedule needs per site (length-N arrays). Built by the economics model."""

    capacity_mw: np.ndarray
    iso_region: np.ndarray
    labor_stretch_share: np.ndarray
    line_km: np.ndarray  # routed length of the new tie (0 = on site)
    upgrade_probability: np.ndarray
    gas_feasible: np.ndarray  # bool: on-site gas can reach the site
    cost_of_delay_usd_per_mw_month: np.ndarray  # value of a MW-month earlier (NaN = do not bridge)
    bridge_fixed_usd: np.ndarray  # the gas lateral, whatever the bridged MW
    bridge_usd_per_mw: np.ndarray  # generation capex net of its residual value, per bridged MW
    bridge_fuel_premium_usd_per_mwh: np.ndarray  # on-site fuel + O&M minus the grid price

    @property
    def n_sites(self) -> int:
        return int(self.capacity_mw.shape[0])

    def take(self, sl: slice) -> ScheduleInputs:
        return ScheduleInputs(**{name: getattr(self, name)[sl] for name in self.__dataclass_fields__})


@dataclass(frozen=True, eq=False)
class SiteTiming:
    """Per-site arrays: what every block and phase depends on, before any draw is taken."""

    blocks: np.ndarray
    last_block_share: np.ndarray  # MW of the last block / block MW
    study_lo: np.ndarray
    study_hi: np.ndarray
    stretch: np.ndarray
    line_months: np.ndarray
    upgrade_probability: np.ndarray
    region_known: np.ndarray
    ramp_scale: np.ndarray  # a smaller campus ramps over a shorter time than a 1 GW one


def site_timing(x: ScheduleInputs, params: EconomicsParameters) -> SiteTiming:
    cap = x.capacity_mw
    if not np.isfinite(cap).all() or (cap <= 0).any():
        raise InvalidSiteInput("capacity_mw", "must be a positive finite number of MW")
    stretch = np.asarray(x.labor_stretch_share, dtype=float)
    if not np.isfinite(stretch).all() or (stretch < 0).any():
        raise InvalidSiteInput("labor_stretch_share", "must be finite and >= 0")
    weight, known, threshold = region_constraint_weights(x.iso_region, params)
    lo, hi = study_bounds_months(cap, weight, threshold, params)
    blocks = np.maximum(np.ceil(cap / params.block_mw - 1e-9), 1.0)
    small = cap <= threshold
    return SiteTiming(
        blocks=blocks,
        last_block_share=(cap - (blocks - 1.0) * params.block_mw) / params.block_mw,
        study_lo=lo,
        study_hi=hi,
        stretch=1.0 + stretch,
        line_months=params.line_build_months_per_100km * np.asarray(x.line_km, dtype=float) / 100.0,
        # Loads below the threshold rarely trigger network upgrades: the same factor as their study.
        upgrade_probability=x.upgrade_probability * np.where(small, params.small_load_study_factor, 1.0),
        region_known=known,
        ramp_scale=((blocks - 1.0) / (RAMP_REFERENCE_BLOCKS - 1.0)) ** params.ramp_size_exponent,
    )


@dataclass(frozen=True, eq=False)
class Phases:
    """Phase times (months from the decision) for sites x draws, or for one path of medians."""

    construction_start: np.ndarray
    first_built: np.ndarray  # A: first block built
    cadence: np.ndarray  # months between blocks
    grid: np.ndarray  # E: grid energised
    bridge_power: np.ndarray  # when on-site generation can carry the bridged blocks (inf = none)
    bridged_blocks: np.ndarray  # blocks powered on site until the grid arrives


def _phases(
    t: SiteTiming,
    d: dict[str, np.ndarray],
    bridge: np.ndarray,
    bridged_blocks: np.ndarray,
    params: EconomicsParameters,
) -> Phases:
    """The schedule's phase times. `t` arrays and `d` draws broadcast against each other (sites x draws, or
    one value per site for the path of medians); `bridge` marks sites that take on-site generation."""
    p = params
    study = t.study_lo + (t.study_hi - t.study_lo) * d["study_u"]
    upgrade = np.where(d["upgrade_u"] < t.upgrade_probability, d["upgrade"], 0.0)
    tie = study + d["utility_build"] + t.line_months + upgrade
    transformer = d["transformer"] if p.hv_equipment_ordered_at_decision else study + d["transformer"]
    grid = np.maximum(tie, transformer)
    start = np.where(bridge, d["site_control"], np.maximum(d["site_control"], study))
    first_built = np.maximum(start + d["first_block"] * t.stretch, d["switchgear"])
    # A one-block site has no cadence; any positive value keeps the closed forms finite ((N - 1) x cadence = 0).
    cadence = np.where(t.blocks > 1, d["ramp"] * t.ramp_scale * t.stretch / np.maximum(t.blocks - 1.0, 1.0), 1.0)
    if np.any(bridge):
        on_site = np.maximum(np.maximum(d["generation"], d["gas_lateral"]), d["switchgear"])
        bridge_power = np.where(bridge, np.minimum(on_site, grid), np.inf)
    else:  # no site takes the bridge: skip a sites x draws array nobody reads
        bridge_power = np.full(np.shape(bridge), np.inf, dtype=np.result_type(grid))
    return Phases(
        construction_start=start,
        first_built=first_built,
        cadence=cadence,
        grid=grid,
        bridge_power=bridge_power,
        bridged_blocks=np.where(bridge, bridged_blocks, 0.0),
    )


def _sum_live(a: np.ndarray, delta: np.ndarray, g: np.ndarray, k0: np.ndarray, k1: np.ndarray) -> np.ndarray:
    """sum over blocks k = k0..k1 of max(a + (k - 1) delta, g): each block goes live when it is built and
    powered. Closed form (blocks are built at a steady cadence), so no per-block loop; in-place passes, as
    this runs on sites x draws arrays. `delta` must be > 0 and `g` finite; k1 < k0 is an empty range."""
    n = np.maximum(k1 - k0 + 1.0, 0.0)
    count = g - a
    count /= delta
    np.ceil(count, out=count)
    count -= k0 - 1.0
    np.clip(count, 0.0, n, out=count)  # blocks built before their power arrives: they go live at g
    total = count * g
    rest = n - count
    rest *= a
    total += rest
    # The others go live when built: a + (k - 1) delta for k from k0 + count to k1.
    first_late = count
    first_late += k0 - 1.0
    ramp = first_late - 1.0
    ramp *= first_late
    np.subtract((k1 - 1.0) * k1, ramp, out=ramp)
    ramp *= delta
    ramp *= 0.5
    total += ramp
    return total


def _live(ph: Phases, k: np.ndarray) -> np.ndarray:
    """When block k (1-based) goes live."""
    power = np.where(k <= ph.bridged_blocks, ph.bridge_power, ph.grid)
    return np.maximum(ph.first_built + (k - 1.0) * ph.cadence, power)


def _mw_weighted_live(ph: Phases, t: SiteTiming) -> np.ndarray:
    """Capacity-weighted mean month at which a MW goes live (the last block weighs its share)."""
    n = t.blocks
    nb = np.minimum(ph.bridged_blocks, n - 1.0)
    full_blocks = _sum_live(ph.first_built, ph.cadence, ph.grid, nb + 1.0, n - 1.0)
    rows = np.flatnonzero(nb.reshape(nb.shape[0], -1).max(axis=1) > 0)
    if rows.size:  # the bridged blocks, computed on the rows of the sites that take on-site power only
        full_blocks[rows] += _sum_live(
            ph.first_built[rows], ph.cadence[rows], ph.bridge_power[rows], np.ones_like(n[rows]), nb[rows]
        )
    last = _live(ph, n)
    # A single block is its own mean (dividing share x live by share would only add rounding).
    return np.where(n > 1, (full_blocks + t.last_block_share * last) / (n - 1.0 + t.last_block_share), last)


# The sites x draws arithmetic runs in float32: months need no more than 7 digits, and half the memory traffic
# is most of the speed of these elementwise passes.
_WORK = np.float32


def _percentiles(values: np.ndarray, qs: tuple[float, ...]) -> list[np.ndarray]:
    """Row-wise percentiles with linear interpolation (numpy's default method), from one sort: NumPy's
    vectorised sort of float32 rows is an order of magnitude faster than the partition np.percentile uses."""
    ordered = np.sort(values, axis=1)
    last = ordered.shape[1] - 1
    out = []
    for q in qs:
        position = q / 100.0 * last
        lo = int(np.floor(position))
        hi = min(lo + 1, last)
        out.append(ordered[:, lo] + (position - lo) * (ordered[:, hi] - ordered[:, lo]))
    return out


def _draw_columns(d: ScenarioDraws) -> dict[str, np.ndarray]:
    return {name: getattr(d, name)[None, :].astype(_WORK) for name in d.__dataclass_fields__}


def _column(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values)
    return values[:, None].astype(_WORK) if values.dtype.kind == "f" else values[:, None]


def _timing_columns(t: SiteTiming) -> SiteTiming:
    return SiteTiming(**{name: _column(getattr(t, name)) for name in t.__dataclass_fields__})


@dataclass(frozen=True, eq=False)
class BridgePlan:
    """The on-site generation decision per site, made on the path of medians."""

    used: np.ndarray
    blocks: np.ndarray  # blocks carried on site until the grid arrives
    mw: np.ndarray
    mw_months_saved: np.ndarray
    value_usd: np.ndarray
    cost_usd: np.ndarray


def _bridge_plan(x: ScheduleInputs, t: SiteTiming, med: dict[str, float], params: EconomicsParameters) -> BridgePlan:
    """Take on-site generation where gas can reach the site and the MW-months it brings forward are worth
    more (at the cost of delay) than the engines, the lateral and the fuel premium while bridging."""
    p = params
    n = x.n_sites
    no = np.zeros(n, dtype=bool)
    everyone = np.ones(n, dtype=bool)
    grid_only = _phases(t, med, no, np.zeros(n), p)
    # Size the bridge to the blocks built before the grid arrives (on the bridge path's earlier start).
    early = _phases(t, med, everyone, t.blocks, p)
    waiting = np.ceil((early.grid - early.first_built) / early.cadence)
    cap_blocks = np.floor(p.bridge_coverage_frac * x.capacity_mw / p.block_mw + 1e-9)
    # Generation that arrives no sooner than the grid brings nothing forward (only the earlier start would,
    # and that is a decision to break ground at risk, not a reason to buy engines).
    waiting = np.where(early.bridge_power < early.grid, waiting, 0.0)
    blocks = np.clip(waiting, 0.0, np.minimum(t.blocks, cap_blocks))
    bridged = _phases(t, med, everyone, blocks, p)
    mw = np.minimum(blocks * p.block_mw, x.capacity_mw)
    total_mw = x.capacity_mw
    saved = (_mw_weighted_live(grid_only, t) - _mw_weighted_live(bridged, t)) * total_mw
    # MWh generated on site: each bridged block from its go-live to the grid date (all of them are built before
    # the grid arrives, so each goes live at max(built, on-site power) <= grid).
    hours = 8760.0 / 12.0 * p.utilization
    on_site = np.where(np.isfinite(bridged.bridge_power), bridged.bridge_power, bridged.grid)
    live_sum = _sum_live(bridged.first_built, bridged.cadence, on_site, np.ones(n), blocks)
    bridge_mwh = p.block_mw * hours * np.maximum(blocks * bridged.grid - live_sum, 0.0)
    cost = x.bridge_fixed_usd + mw * x.bridge_usd_per_mw + bridge_mwh * x.bridge_fuel_premium_usd_per_mwh
    value = saved * np.nan_to_num(x.cost_of_delay_usd_per_mw_month, nan=0.0)
    used = (p.bridge_power_enabled == 1.0) & x.gas_feasible & (blocks > 0) & (saved > 0) & (value > cost)
    return BridgePlan(
        used=used,
        blocks=np.where(used, blocks, 0.0),
        mw=np.where(used, mw, 0.0),
        mw_months_saved=np.where(used, saved, 0.0),
        value_usd=np.where(used, value, 0.0),
        cost_usd=np.where(used, cost, 0.0),
    )


@dataclass(frozen=True, eq=False)
class ScheduleArrays:
    """Per-site results; every array has one entry per site. Months from the decision."""

    first_power_p10: np.ndarray
    first_power_p50: np.ndarray
    first_power_p90: np.ndarray
    full_power_p10: np.ndarray
    full_power_p50: np.ndarray
    full_power_p90: np.ndarray
    time_to_compute_p50: np.ndarray  # capacity-weighted mean go-live month
    construction_start_p50: np.ndarray  # this and the phase times below: on the path of medians
    first_power_from_start_p50: np.ndarray
    site_control_p50: np.ndarray
    study_p50: np.ndarray
    grid_p50: np.ndarray
    first_block_build_p50: np.ndarray
    ramp_p50: np.ndarray
    upgrade_probability: np.ndarray
    blocks: np.ndarray
    binding_constraint: np.ndarray
    full_capacity_binding: np.ndarray
    bridge: BridgePlan
    region_known: np.ndarray


@dataclass(frozen=True, eq=False)
class SimulatedRows:
    """The distinct schedules to simulate (`timing`, `used`, `blocks`) and which one each site reads
    (`of_site`, None: one row per site)."""

    timing: SiteTiming
    used: np.ndarray
    blocks: np.ndarray
    of_site: np.ndarray | None


def _simulated_rows(t: SiteTiming, plan: BridgePlan, params: EconomicsParameters, line_km_step: float | None):
    """The rows the Monte Carlo runs: one per site, or with `line_km_step` one per distinct schedule once the
    new line's length is rounded to that many km. A site's draws depend only on its timing and bridge plan, and
    across a national grid only the line length differs from cell to cell within a county: rounded to the grid's
    resolution, a 1 km grid chunk has 5-9x fewer distinct schedules than cells (docs/performance.md)."""
    quantum = params.line_build_months_per_100km * (line_km_step or 0.0) / 100.0
    if quantum <= 0.0:
        return SimulatedRows(t, plan.used, plan.blocks, None)
    line_months = np.round(t.line_months / quantum) * quantum
    fields = [name for name in t.__dataclass_fields__ if name != "line_months"]
    key = np.column_stack([line_months, plan.used, plan.blocks, *(getattr(t, name) for name in fields)])
    _, first, of_site = np.unique(key, axis=0, return_index=True, return_inverse=True)
    timing = SiteTiming(**{name: getattr(t, name)[first] for name in fields}, line_months=line_months[first])
    return SimulatedRows(timing, plan.used[first], plan.blocks[first], of_site.reshape(-1))


def schedule_arrays(
    x: ScheduleInputs,
    params: EconomicsParameters = DEFAULT_PARAMETERS,
    seed: int = 0,
    draws: int = DEFAULT_DRAWS,
    line_km_step: float | None = None,
) -> ScheduleArrays:
    """P10/P50/P90 of first power and full power, the time to compute and the phase medians for N sites,
    from an N x draws simulation processed in blocks of sites.

    `line_km_step` (km): simulate each distinct schedule once, with the new line's length rounded to that step
    (the national screen, whose cells are no finer than it); None: every site as it is."""
    p = params
    t = site_timing(x, p)
    d = scenario_draws(p, seed, draws)
    med = d.medians()
    plan = _bridge_plan(x, t, med, p)
    cols = _draw_columns(d)
    n = x.n_sites
    rows = _simulated_rows(t, plan, p, line_km_step)
    m = len(rows.used)
    out = {name: np.empty(m) for name in ("f10", "f50", "f90", "l10", "l50", "l90", "w50")}
    for start in range(0, m, _CHUNK_SITES):
        sl = slice(start, min(m, start + _CHUNK_SITES))
        tc = _timing_columns(SiteTiming(**{k: getattr(rows.timing, k)[sl] for k in t.__dataclass_fields__}))
        ph = _phases(tc, cols, _column(rows.used[sl]), _column(rows.blocks[sl]), p)
        first = _live(ph, np.ones_like(tc.blocks))
        full = _live(ph, tc.blocks)
        out["f10"][sl], out["f50"][sl], out["f90"][sl] = _percentiles(first, (10.0, 50.0, 90.0))
        out["l10"][sl], out["l50"][sl], out["l90"][sl] = _percentiles(full, (10.0, 50.0, 90.0))
        (out["w50"][sl],) = _percentiles(_mw_weighted_live(ph, tc), (50.0,))
    if rows.of_site is not None:
        out = {name: values[rows.of_site] for name, values in out.items()}
    study = t.study_lo + (t.study_hi - t.study_lo) * med["study_u"]
    # Phase times are read on the path of medians, like every phase median reported.
    path = _phases(t, med, plan.used, plan.blocks, p)
    path_first = _live(path, np.ones_like(t.blocks))
    return ScheduleArrays(
        first_power_p10=out["f10"],
        first_power_p50=out["f50"],
        first_power_p90=out["f90"],
        full_power_p10=out["l10"],
        full_power_p50=out["l50"],
        full_power_p90=out["l90"],
        time_to_compute_p50=out["w50"],
        construction_start_p50=path.construction_start,
        first_power_from_start_p50=path_first - path.construction_start,
        site_control_p50=np.full(n, med["site_control"]),
        study_p50=study,
        grid_p50=path.grid,
        first_block_build_p50=med["first_block"] * t.stretch,
        ramp_p50=np.where(t.blocks > 1, med["ramp"] * t.ramp_scale * t.stretch, 0.0),
        upgrade_probability=t.upgrade_probability,
        blocks=t.blocks,
        binding_constraint=_binding_constraint(t, med, plan, p),
        full_capacity_binding=_full_capacity_binding(path, t.blocks),
        bridge=plan,
        region_known=t.region_known,
    )


def _full_capacity_binding(path: Phases, blocks: np.ndarray) -> np.ndarray:
    """What the last block waits for on the path of medians: its power (grid or on-site) or its construction."""
    on_site = blocks <= path.bridged_blocks
    power = np.where(on_site, path.bridge_power, path.grid)
    built = path.first_built + (blocks - 1.0) * path.cadence
    waits_for_power = np.where(on_site, ON_SITE_POWER, GRID_ENERGISATION)
    return np.where(power >= built, waits_for_power, CONSTRUCTION_RAMP).astype(object)


def _binding_constraint(t: SiteTiming, med: dict[str, float], plan: BridgePlan, p: EconomicsParameters) -> np.ndarray:
    """The phase whose removal would bring first power forward most, on the path of medians.

    Ties go to the earlier label in BINDING_LABELS (the grid before the site, the site before the build).
    """

    def first_power(timing: SiteTiming = t, **changes: float) -> np.ndarray:
        return _live(_phases(timing, {**med, **changes}, plan.used, plan.blocks, p), np.ones_like(t.blocks))

    base = first_power()
    removals = [
        first_power(study_u=0.0),
        first_power(replace(t, line_months=np.zeros_like(t.line_months)), utility_build=0.0),
        first_power(upgrade=0.0),
        first_power(transformer=0.0),
        first_power(site_control=0.0),
        first_power(switchgear=0.0),
        first_power(first_block=0.0),
        first_power(replace(t, stretch=np.ones_like(t.stretch))),
        first_power(generation=0.0),
        first_power(gas_lateral=0.0),
    ]
    gain = np.vstack([base - r for r in removals])
    # Removing the build removes its labour stretch too: count only the unstretched part as construction, so a
    # shortfall that stretches the build more than the build itself takes reads as the labour shortfall.
    gain[6] -= gain[7]
    # The on-site generation phases bind only where the bridge is taken.
    gain[8:] = np.where(plan.used, gain[8:], -np.inf)
    labels = np.asarray(BINDING_LABELS, dtype=object)
    return labels[np.argmax(gain, axis=0)]


@dataclass(frozen=True)
class BlockTiming:
    index: int
    mw: float
    on_site_power: bool
    live_months_p10: float
    live_months_p50: float
    live_months_p90: float


@dataclass(frozen=True)
class SiteSchedule:
    """One site's phased schedule: every block's go-live band and the MW-live curve by quarter."""

    capacity_mw: float
    blocks: tuple[BlockTiming, ...]
    quarters: tuple[int, ...]  # quarter q ends at month 3q
    mw_live_p10: tuple[float, ...]
    mw_live_p50: tuple[float, ...]
    mw_live_p90: tuple[float, ...]
    phases_p50: dict[str, float | None]  # None: the phase does not happen (no on-site power)


def site_schedule(
    x: ScheduleInputs,
    params: EconomicsParameters = DEFAULT_PARAMETERS,
    seed: int = 0,
    draws: int = DEFAULT_DRAWS,
    quarters: int = 40,
) -> SiteSchedule:
    """The full schedule of the first site in `x` (the same draws and decision as `schedule_arrays`)."""
    p = params
    one = x.take(slice(0, 1))
    t = site_timing(one, p)
    d = scenario_draws(p, seed, draws)
    med = d.medians()
    plan = _bridge_plan(one, t, med, p)
    ph = _phases(t, _draw_columns(d), plan.used[:, None], plan.blocks[:, None], p)
    n = int(t.blocks[0])
    k = np.arange(1.0, n + 1.0)[:, None]  # blocks x draws
    ph_blocks = Phases(**{name: np.broadcast_to(getattr(ph, name), (1, draws)) for name in ph.__dataclass_fields__})
    live = _live(ph_blocks, k)
    sizes = np.full(n, p.block_mw)
    sizes[-1] = float(one.capacity_mw[0]) - p.block_mw * (n - 1)
    pct = np.percentile(live, [10.0, 50.0, 90.0], axis=1)
    months = 3.0 * np.arange(1, quarters + 1)
    mw_live = (sizes[:, None, None] * (live[:, None, :] <= months[None, :, None])).sum(axis=0)  # quarters x draws
    curve = np.percentile(mw_live, [10.0, 50.0, 90.0], axis=1)
    path = _phases(t, med, plan.used, plan.blocks, p)
    return SiteSchedule(
        capacity_mw=float(one.capacity_mw[0]),
        blocks=tuple(
            BlockTiming(i + 1, float(sizes[i]), bool(i + 1 <= plan.blocks[0]), *map(float, pct[:, i])) for i in range(n)
        ),
        quarters=tuple(range(1, quarters + 1)),
        mw_live_p10=tuple(map(float, curve[0])),
        mw_live_p50=tuple(map(float, curve[1])),
        mw_live_p90=tuple(map(float, curve[2])),
        phases_p50={
            "site_control": med["site_control"],
            "interconnection_study": float(t.study_lo[0] + (t.study_hi[0] - t.study_lo[0]) * med["study_u"]),
            "construction_start": float(path.construction_start[0]),
            "grid_energised": float(path.grid[0]),
            "on_site_power": float(path.bridge_power[0]) if plan.used[0] else None,
            "first_block_built": float(path.first_built[0]),
            "months_between_blocks": float(path.cadence[0]),
        },
    )


def build_months_p50(
    blocks: np.ndarray, stretch_share: np.ndarray, params: EconomicsParameters, seed: int, draws: int
) -> np.ndarray:
    """Months of construction at each site, ground-breaking to the last block built (labour is on site for this
    long): the median first block plus the median ramp at the site's size, stretched by its labour shortfall."""
    d = scenario_draws(params, seed, draws)
    blocks = np.asarray(blocks, dtype=float)
    scale = ((blocks - 1.0) / (RAMP_REFERENCE_BLOCKS - 1.0)) ** params.ramp_size_exponent
    build = float(np.median(d.first_block)) + float(np.median(d.ramp)) * scale
    return build * (1.0 + np.asarray(stretch_share, dtype=float))


def months_to_mw(
    x: ScheduleInputs, target_mw: np.ndarray, params: EconomicsParameters, seed: int, draws: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per site, the months from ground-breaking until `target_mw` is live: (p10, p50, p90) arrays.
    Used to compare with observed campuses, which are dated from construction start."""
    p = params
    t = site_timing(x, p)
    d = scenario_draws(p, seed, draws)
    plan = _bridge_plan(x, t, d.medians(), p)
    tc = _timing_columns(t)
    ph = _phases(tc, _draw_columns(d), _column(plan.used), _column(plan.blocks), p)
    k = _column(np.clip(np.ceil(np.asarray(target_mw, dtype=float) / p.block_mw - 1e-9), 1.0, t.blocks))
    since_start = _live(ph, k) - ph.construction_start
    return tuple(np.percentile(since_start, [10.0, 50.0, 90.0], axis=1))


@dataclass(frozen=True, eq=False)
class MedianPath:
    """Each site's schedule on the path of medians (every phase at its median draw), with the bridge
    decision taken: what a plan built from P50 dates looks like."""

    phases: Phases
    blocks: np.ndarray
    block_build_months: np.ndarray  # ground-breaking to the first block built, labour stretch included

    def live_months(self, site: int) -> np.ndarray:
        """Go-live month of each block of one site."""
        k = np.arange(1.0, self.blocks[site] + 1.0)
        one = Phases(**{name: getattr(self.phases, name)[site] for name in self.phases.__dataclass_fields__})
        return _live(one, k)


def median_path(
    x: ScheduleInputs, params: EconomicsParameters = DEFAULT_PARAMETERS, seed: int = 0, draws: int = DEFAULT_DRAWS
) -> MedianPath:
    p = params
    t = site_timing(x, p)
    med = scenario_draws(p, seed, draws).medians()
    plan = _bridge_plan(x, t, med, p)
    return MedianPath(
        phases=_phases(t, med, plan.used, plan.blocks, p),
        blocks=t.blocks,
        block_build_months=med["first_block"] * t.stretch,
    )
