"""Time to power, in months from the build decision, as a Monte Carlo distribution.

    time to power = max(grid path, equipment path) + (1 - overlap) x construction   (never < construction)

- grid path: large-load interconnection wait, uniform over a range set by region and load size;
- equipment path: max(transformer, switchgear) lead time, each triangular over its published range;
- construction: triangular, stretched by the site's labour shortfall;
- bridge power (if enabled): max(bridge generator lead, switchgear) replaces the grid path when its
  P50 is shorter; no HV transformer is needed for on-site generation.

Draws are *common random numbers*: draw d is one state of the world (equipment market, queue
conditions) shared by every site. That is why a site's result does not depend on which other sites
are in the batch (scalar == vectorized), and why rankings between sites carry less sampling noise.
Every random number comes from `numpy.random.default_rng(seed)`, so a seed fixes the answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sitesel.domain.errors import InvalidSiteInput
from sitesel.domain.parameters import DEFAULT_PARAMETERS, EconomicsParameters

WEEKS_PER_MONTH = 52.0 / 12.0
DEFAULT_DRAWS = 500
# Sites per block of the N x draws matrix; bounds memory at ~16 MB per temporary for 500 draws.
_CHUNK_SITES = 4096

INTERCONNECTION = "interconnection wait"
TRANSFORMER = "transformer lead time"
SWITCHGEAR = "switchgear lead time"
BRIDGE = "bridge power lead time"
LABOR = "labor shortfall"
BINDING_LABELS: tuple[str, ...] = (INTERCONNECTION, TRANSFORMER, SWITCHGEAR, BRIDGE, LABOR)

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
) -> tuple[np.ndarray, np.ndarray]:
    """Per-site grid-constraint weight (0 unconstrained .. 1 constrained) and whether the region was known.

    Missing ("" / None) and unrecognised names get `grid_constraint_unknown` and recognised=False:
    a site we cannot place is treated as constrained rather than given the benefit of the doubt.
    """
    names = np.asarray(["" if r is None else str(r) for r in iso_region], dtype=str)
    uniq, inverse = np.unique(names, return_inverse=True)
    weights = np.empty(uniq.shape[0])
    known = np.empty(uniq.shape[0], dtype=bool)
    for k, name in enumerate(uniq):
        key = _REGION_KEYS.get(_normalise_region(str(name)))
        known[k] = key is not None
        weights[k] = params.grid_constraint_unknown if key is None else getattr(params, f"grid_constraint_{key}")
    return weights[inverse], known[inverse]


def grid_wait_bounds_months(
    capacity_mw: np.ndarray, constraint_weight: np.ndarray, params: EconomicsParameters = DEFAULT_PARAMETERS
) -> tuple[np.ndarray, np.ndarray]:
    """Low/high of the uniform interconnection-wait range for each site."""
    p = params
    w = np.asarray(constraint_weight, dtype=float)
    lo = p.grid_wait_unconstrained_months_low + w * (
        p.grid_wait_constrained_months_low - p.grid_wait_unconstrained_months_low
    )
    hi = p.grid_wait_unconstrained_months_high + w * (
        p.grid_wait_constrained_months_high - p.grid_wait_unconstrained_months_high
    )
    # Utilities study loads above a size threshold as "large loads"; below it the wait is shorter.
    factor = np.where(np.asarray(capacity_mw) <= p.large_load_threshold_mw, p.small_load_wait_factor, 1.0)
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
    """One row per Monte Carlo draw, shared by all sites (common random numbers)."""

    grid_u: np.ndarray
    transformer_months: np.ndarray
    switchgear_months: np.ndarray
    construction_months: np.ndarray
    bridge_months: np.ndarray


def scenario_draws(
    params: EconomicsParameters = DEFAULT_PARAMETERS, seed: int = 0, draws: int = DEFAULT_DRAWS
) -> ScenarioDraws:
    if draws < 1:
        raise InvalidSiteInput("draws", f"must be at least 1, got {draws}")
    p = params
    u = np.random.default_rng(seed).random((5, draws))
    if p.bridge_uses_turbines:
        b_lo, b_hi = p.turbine_lead_months_low, p.turbine_lead_months_high
    else:
        b_lo, b_hi = p.recip_lead_months_low, p.recip_lead_months_high
    return ScenarioDraws(
        grid_u=u[0],
        transformer_months=_triangular_ppf(
            u[1], p.transformer_lead_weeks_low, p.transformer_lead_weeks_mode, p.transformer_lead_weeks_high
        )
        / WEEKS_PER_MONTH,
        switchgear_months=_triangular_ppf(
            u[2], p.switchgear_lead_weeks_low, p.switchgear_lead_weeks_mode, p.switchgear_lead_weeks_high
        )
        / WEEKS_PER_MONTH,
        construction_months=_triangular_ppf(
            u[3], p.construction_months_low, p.construction_months_mode, p.construction_months_high
        ),
        bridge_months=b_lo + (b_hi - b_lo) * u[4],
    )


@dataclass(frozen=True, eq=False)
class TimeToPowerArrays:
    """Per-site results; every array has one entry per site."""

    p10_months: np.ndarray
    p50_months: np.ndarray
    p90_months: np.ndarray
    grid_wait_p50_months: np.ndarray
    equipment_lead_p50_months: np.ndarray
    construction_p50_months: np.ndarray
    schedule_stretch_months: np.ndarray
    bridge_used: np.ndarray
    binding_constraint: np.ndarray
    region_known: np.ndarray


@dataclass(frozen=True)
class TimeToPowerResult:
    p10_months: float
    p50_months: float
    p90_months: float
    grid_wait_p50_months: float
    equipment_lead_p50_months: float
    construction_p50_months: float
    schedule_stretch_months: float
    bridge_used: bool
    binding_constraint: str


def _total(wait: np.ndarray, construction: np.ndarray, overlap: float) -> np.ndarray:
    # Part of the build can run while waiting, but power can never come before the build is done.
    return np.maximum(wait + (1.0 - overlap) * construction, construction)


def time_to_power_arrays(
    capacity_mw: np.ndarray | float,
    iso_region: np.ndarray,
    labor_stretch_share: np.ndarray | float = 0.0,
    params: EconomicsParameters = DEFAULT_PARAMETERS,
    seed: int = 0,
    draws: int = DEFAULT_DRAWS,
) -> TimeToPowerArrays:
    """P10/P50/P90 time to power for N sites from an N x draws simulation (processed in blocks).

    `labor_stretch_share` stretches construction: 0.1 means the build takes 10 % longer.
    """
    regions = np.asarray(iso_region, dtype=object).reshape(-1)
    n = regions.shape[0]
    cap = np.broadcast_to(np.asarray(capacity_mw, dtype=float), (n,))
    stretch = np.broadcast_to(np.asarray(labor_stretch_share, dtype=float), (n,))
    if not np.isfinite(cap).all() or (cap <= 0).any():
        raise InvalidSiteInput("capacity_mw", "must be a positive finite number of MW")
    if not np.isfinite(stretch).all() or (stretch < 0).any():
        raise InvalidSiteInput("labor_stretch_share", "must be finite and >= 0")
    p = params
    weight, region_known = region_constraint_weights(regions, p)
    lo, hi = grid_wait_bounds_months(cap, weight, p)
    d = scenario_draws(p, seed, draws)
    equipment = np.maximum(d.transformer_months, d.switchgear_months)
    bridge_wait = np.maximum(d.bridge_months, d.switchgear_months)

    # Component medians. The grid wait is an increasing affine map of the shared uniform draw, so
    # its median is the map of the draws' median - no per-site sort needed.
    g50 = lo + (hi - lo) * float(np.median(d.grid_u))
    t50 = float(np.median(d.transformer_months))
    s50 = float(np.median(d.switchgear_months))
    c50 = float(np.median(d.construction_months))
    b50 = float(np.median(d.bridge_months))
    cs50 = c50 * (1.0 + stretch)
    ov = p.construction_overlap_frac
    grid_w50 = np.maximum(g50, max(t50, s50))
    bridge_w50 = max(b50, s50)
    # Bridge is a planning decision made on medians; once chosen, its path is the distribution.
    bridge_used = (p.bridge_power_enabled == 1.0) & (
        _total(np.full(n, bridge_w50), cs50, ov) < _total(grid_w50, cs50, ov)
    )

    pct = np.empty((3, n))
    for start in range(0, n, _CHUNK_SITES):
        sl = slice(start, min(n, start + _CHUNK_SITES))
        grid = lo[sl, None] + (hi - lo)[sl, None] * d.grid_u[None, :]
        wait = np.maximum(grid, equipment[None, :])
        if bridge_used[sl].any():
            wait = np.where(bridge_used[sl, None], bridge_wait[None, :], wait)
        build = d.construction_months[None, :] * (1.0 + stretch[sl, None])
        pct[:, sl] = np.percentile(_total(wait, build, ov), [10.0, 50.0, 90.0], axis=1)

    binding = _binding_constraint(g50, t50, s50, b50, c50, cs50, bridge_used, ov)
    return TimeToPowerArrays(
        p10_months=pct[0],
        p50_months=pct[1],
        p90_months=pct[2],
        grid_wait_p50_months=g50,
        equipment_lead_p50_months=np.where(bridge_used, bridge_w50, max(t50, s50)),
        construction_p50_months=cs50,
        schedule_stretch_months=cs50 - c50,
        bridge_used=bridge_used,
        binding_constraint=binding,
        region_known=region_known,
    )


def _binding_constraint(
    g50: np.ndarray,
    t50: float,
    s50: float,
    b50: float,
    c50: float,
    cs50: np.ndarray,
    bridge_used: np.ndarray,
    ov: float,
) -> np.ndarray:
    """The constraint whose removal would shorten P50 time to power most (on component medians).

    Ties go to the earlier label in BINDING_LABELS, so a site whose grid wait equals its transformer
    lead time reports the interconnection wait.
    """
    n = g50.shape[0]
    zero = np.zeros(n)
    w_grid = np.maximum(g50, max(t50, s50))
    w_bridge = np.full(n, max(b50, s50))
    wait = np.where(bridge_used, w_bridge, w_grid)
    base = _total(wait, cs50, ov)
    gain = np.vstack(
        [
            np.where(bridge_used, zero, base - _total(np.full(n, max(t50, s50)), cs50, ov)),
            np.where(bridge_used, zero, base - _total(np.maximum(g50, s50), cs50, ov)),
            np.where(
                bridge_used,
                base - _total(np.full(n, b50), cs50, ov),
                base - _total(np.maximum(g50, t50), cs50, ov),
            ),
            np.where(bridge_used, base - _total(np.full(n, s50), cs50, ov), zero),
            base - _total(wait, np.full(n, c50), ov),
        ]
    )
    labels = np.asarray(BINDING_LABELS, dtype=object)
    return labels[np.argmax(gain, axis=0)]


def time_to_power(
    capacity_mw: float,
    iso_region: str | None = None,
    labor_stretch_share: float = 0.0,
    params: EconomicsParameters = DEFAULT_PARAMETERS,
    seed: int = 0,
    draws: int = DEFAULT_DRAWS,
) -> TimeToPowerResult:
    """Scalar convenience wrapper around `time_to_power_arrays` for one site."""
    r = time_to_power_arrays(
        np.array([capacity_mw], dtype=float),
        np.array([iso_region], dtype=object),
        np.array([labor_stretch_share], dtype=float),
        params,
        seed,
        draws,
    )
    return TimeToPowerResult(
        p10_months=float(r.p10_months[0]),
        p50_months=float(r.p50_months[0]),
        p90_months=float(r.p90_months[0]),
        grid_wait_p50_months=float(r.grid_wait_p50_months[0]),
        equipment_lead_p50_months=float(r.equipment_lead_p50_months[0]),
        construction_p50_months=float(r.construction_p50_months[0]),
        schedule_stretch_months=float(r.schedule_stretch_months[0]),
        bridge_used=bool(r.bridge_used[0]),
        binding_constraint=str(r.binding_constraint[0]),
    )
