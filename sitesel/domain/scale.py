"""50 MW against 1 GW at one site: three per-MW ratios and the waterfall of terms that makes each.

- facility only: capex per MW of the grid-connected build without IT equipment (the part scale economies
  act on);
- all-in: the same with the GPUs, which cost the same per MW at any size;
- time-adjusted: all-in plus what each option spends to go live sooner (on-site generation and its gas
  lateral, where the model takes them) plus the cost of the months by which its MW go live later than the
  other's (the capacity-weighted go-live month, priced at the cost of delay per MW-month).

Every ratio minus one is the sum of its waterfall terms, each term being (small - large) $/MW divided by the
large option's $/MW, so a planner sees which mechanism buys how much of the difference.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from sitesel.domain.economics import compute_economics_arrays, result_from_arrays
from sitesel.domain.parameters import DEFAULT_PARAMETERS, EconomicsParameters
from sitesel.domain.time_to_power import DEFAULT_DRAWS
from sitesel.domain.types import EconomicsResult, SiteInputs, SiteInputsArrays


def _fields(*names: str) -> Callable[[EconomicsResult], float]:
    return lambda r: sum(getattr(r, n) for n in names)


def _facility_at_average(r: EconomicsResult) -> float:
    # The learning adjustment sits inside the facility and AI-premium figures; here it is taken out so that it
    # shows as its own term.
    return (
        r.facility_capex_usd
        + r.ai_premium_capex_usd
        - r.learning_adjustment_usd
        + r.land_capex_usd
        + (r.transformer_capex_usd)
    )


# Waterfall terms: label -> the USD it sums. Facility at C&W's average, land and transformers are linear in MW,
# so their per-MW difference is zero but for rounding; the scale effects are the other rows.
CAPEX_TERMS: tuple[tuple[str, Callable[[EconomicsResult], float]], ...] = (
    ("per-site development (core team, fibre, permits)", _fields("development_capex_usd")),
    ("substation modules", _fields("substation_capex_usd")),
    ("N-1 transmission tie", _fields("line_capex_usd")),
    ("repetition learning on the labour share", _fields("learning_adjustment_usd")),
    ("imported labour (mobilisation, lodging, premium)", _fields("labor_mobilization_capex_usd")),
    ("facility, land and transformers at C&W's average", _facility_at_average),
)
BRIDGE_TERM = ("on-site generation and gas lateral", _fields("bridge_power_capex_usd", "gas_lateral_capex_usd"))
IT_TERM = ("IT equipment (whole racks)", _fields("it_equipment_capex_usd"))
DELAY_TERM = "cost of delay (later MW)"


@dataclass(frozen=True)
class WaterfallTerm:
    term: str
    small_usd_per_mw: float
    large_usd_per_mw: float
    contribution: float  # to the ratio: (small - large) / large total per MW


@dataclass(frozen=True)
class Ratio:
    name: str
    small_usd_per_mw: float
    large_usd_per_mw: float
    ratio: float
    waterfall: tuple[WaterfallTerm, ...]


@dataclass(frozen=True)
class ScaleComparison:
    """Per-MW cost of a small build and a large campus at the same site, and why they differ."""

    small: EconomicsResult
    large: EconomicsResult
    cost_of_delay_usd_per_mw_month: float
    facility: Ratio
    all_in: Ratio
    time_adjusted: Ratio

    @property
    def ratios(self) -> dict[str, float]:
        return {r.name: r.ratio for r in (self.facility, self.all_in, self.time_adjusted)}

    def to_dict(self) -> dict[str, Any]:
        d = {name: asdict(getattr(self, name)) for name in ("facility", "all_in", "time_adjusted")}
        return {
            **d,
            "cost_of_delay_usd_per_mw_month": self.cost_of_delay_usd_per_mw_month,
            "small": self.small.to_dict(),
            "large": self.large.to_dict(),
        }


def _per_mw(r: EconomicsResult, usd: Callable[[EconomicsResult], float]) -> float:
    return usd(r) / r.capacity_mw


def _ratio(name: str, small: EconomicsResult, large: EconomicsResult, terms, extra=()) -> Ratio:
    rows = [(label, _per_mw(small, usd), _per_mw(large, usd)) for label, usd in terms] + list(extra)
    small_total = sum(s for _, s, _ in rows)
    large_total = sum(lg for _, _, lg in rows)
    return Ratio(
        name=name,
        small_usd_per_mw=small_total,
        large_usd_per_mw=large_total,
        ratio=small_total / large_total,
        waterfall=tuple(WaterfallTerm(label, s, lg, (s - lg) / large_total) for label, s, lg in rows),
    )


def compare_results(small: EconomicsResult, large: EconomicsResult) -> ScaleComparison:
    """The three ratios from two already computed results at the same site."""
    cod = large.cost_of_delay_usd_per_mw_month
    first = min(small.time_to_compute_months_p50, large.time_to_compute_months_p50)
    delay = (
        DELAY_TERM,
        cod * (small.time_to_compute_months_p50 - first),
        cod * (large.time_to_compute_months_p50 - first),
    )
    return ScaleComparison(
        small=small,
        large=large,
        cost_of_delay_usd_per_mw_month=cod,
        facility=_ratio("facility only", small, large, CAPEX_TERMS),
        all_in=_ratio("all-in", small, large, (*CAPEX_TERMS, IT_TERM)),
        time_adjusted=_ratio("all-in with cost of delay", small, large, (*CAPEX_TERMS, IT_TERM, BRIDGE_TERM), (delay,)),
    )


def scale_comparison(
    site: SiteInputs,
    small_mw: float = 50.0,
    large_mw: float = 1000.0,
    params: EconomicsParameters = DEFAULT_PARAMETERS,
    seed: int = 0,
    draws: int = DEFAULT_DRAWS,
) -> ScaleComparison:
    """Per-MW cost of a small build vs a large campus at one site; ratios > 1 mean the campus is cheaper."""
    arrays = compute_economics_arrays(
        SiteInputsArrays.from_sites([site, site]), np.array([small_mw, large_mw], dtype=float), params, seed, draws
    )
    return compare_results(result_from_arrays(arrays, 0, seed, draws), result_from_arrays(arrays, 1, seed, draws))
