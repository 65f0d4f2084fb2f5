"""Supplier scorecards and the slip distribution the program-risk Monte Carlo draws from.

A scorecard is computed from a supplier's closed deliveries (arrived on site), each a pair
(committed date, actual arrival), where committed is the supplier's last confirmed date, else its promise:

- slip = actual - committed in days; **on time** = slip <= grace days (the de-rate's rule, reliability.py);
- `slip_p50_days` is the median slip of all closed deliveries (early arrivals count as negative),
  `late_slip_p50_days` the median of the late ones and `slip_p90_days` the 90th percentile;
- **trend**: the deliveries in arrival order are split into an earlier and a later half; the trend is the
  later half's median slip minus the earlier half's (positive: getting later). Fewer than
  `2 * trend_min_half` deliveries give no trend; a change smaller than `trend_steady_days` is "steady";
- **below threshold**: at least `min_history` deliveries and an on-time rate under `on_time_threshold`.
  A supplier with less history is never flagged (its record does not say much yet).

The slip distribution of a supplier for the Monte Carlo (`slip_model`) is a **mixture** of its own closed
slips (weight n / (n + prior_strength)) and a prior: the slips of the other suppliers of its category, else
of every other supplier, else "on time" (no evidence at all). A supplier with 2 deliveries is thus mostly
its category; one with 50 is mostly itself (the shrinkage of a beta-binomial / credibility estimate, on
the whole distribution rather than one rate). Early arrivals are drawn as 0: open quantities are forecast
no earlier than committed, as the deterministic forecast does.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from .categories import CATEGORY_ORDER, Category, category_from_code
from .errors import InvalidInput

# Quantile resolution of the slip table: 256 levels so one random byte picks a level (risk.py).
SLIP_LEVELS = 256


class Trend(StrEnum):
    IMPROVING = "improving"
    STEADY = "steady"
    WORSENING = "worsening"
    TOO_FEW = "too_few"


class PriorSource(StrEnum):
    CATEGORY = "category"  # the other suppliers of the same category
    ALL = "all_suppliers"  # every other supplier (the category has no history)
    NONE = "none"  # nobody has history: slips drawn as 0 (the promise is taken as it stands)


@dataclass(frozen=True)
class ScorecardPolicy:
    grace_days: int = 0
    min_history: int = 5
    on_time_threshold: float = 0.8
    trend_min_half: int = 3
    trend_steady_days: float = 3.0

    def __post_init__(self) -> None:
        if self.grace_days < 0 or self.min_history < 1 or self.trend_min_half < 1 or self.trend_steady_days < 0:
            raise InvalidInput("grace_days, trend_steady_days >= 0; min_history, trend_min_half >= 1")
        if not 0.0 <= self.on_time_threshold <= 1.0:
            raise InvalidInput("on_time_threshold must be within 0..1")


DEFAULT_SCORECARD_POLICY = ScorecardPolicy()


@dataclass(frozen=True)
class Scorecard:
    supplier: int  # the caller's supplier key
    category: Category | None  # None: every category the supplier delivered
    n_deliveries: int
    on_time_rate: float | None  # None when there is no history
    slip_p50_days: float | None
    slip_p90_days: float | None
    late_slip_p50_days: float | None  # None when no delivery was late
    trend: Trend
    trend_days: float | None  # later half's median slip - earlier half's
    below_threshold: bool


def _closed(
    supplier: np.ndarray, category: np.ndarray, committed: np.ndarray, actual: np.ndarray
) -> tuple[np.ndarray, ...]:
    arrays = [np.asarray(a, dtype=np.int64).reshape(-1) for a in (supplier, category, committed, actual)]
    if len({a.size for a in arrays}) != 1:
        raise InvalidInput("supplier, category, committed and actual must have the same length")
    if arrays[1].size and (arrays[1].min() < 0 or arrays[1].max() >= len(CATEGORY_ORDER)):
        raise InvalidInput(f"category codes must index 0..{len(CATEGORY_ORDER) - 1}")
    if arrays[2].size and (arrays[2].min() < 1 or arrays[3].min() < 1):
        raise InvalidInput("committed and actual must be date ordinals")
    return tuple(arrays)


def _card(
    supplier: int, category: Category | None, slips: np.ndarray, arrived: np.ndarray, policy: ScorecardPolicy
) -> Scorecard:
    n = int(slips.size)
    if n == 0:
        return Scorecard(supplier, category, 0, None, None, None, None, Trend.TOO_FEW, None, False)
    late = slips > policy.grace_days
    on_time = float(1.0 - late.mean())
    trend, trend_days = Trend.TOO_FEW, None
    if n >= 2 * policy.trend_min_half:
        ordered = slips[np.argsort(arrived, kind="stable")]
        half = n // 2
        trend_days = float(np.median(ordered[n - half :]) - np.median(ordered[:half]))
        if abs(trend_days) < policy.trend_steady_days:
            trend = Trend.STEADY
        else:
            trend = Trend.WORSENING if trend_days > 0 else Trend.IMPROVING
    return Scorecard(
        supplier=supplier,
        category=category,
        n_deliveries=n,
        on_time_rate=on_time,
        slip_p50_days=float(np.median(slips)),
        slip_p90_days=float(np.quantile(slips, 0.9)),
        late_slip_p50_days=float(np.median(slips[late])) if late.any() else None,
        trend=trend,
        trend_days=trend_days,
        below_threshold=n >= policy.min_history and on_time < policy.on_time_threshold,
    )


def scorecards(
    supplier: np.ndarray,
    category: np.ndarray,
    committed_ordinal: np.ndarray,
    actual_ordinal: np.ndarray,
    *,
    suppliers: list[int] | None = None,
    policy: ScorecardPolicy = DEFAULT_SCORECARD_POLICY,
) -> tuple[Scorecard, ...]:
    """Per supplier (overall, then one card per category it delivered), from its closed deliveries.

    `suppliers` lists the supplier keys to report (a supplier without history gets an empty card);
    default: every supplier present in the deliveries.
    """
    sup, cat, committed, actual = _closed(supplier, category, committed_ordinal, actual_ordinal)
    slips = actual - committed
    keys = sorted(set(sup.tolist())) if suppliers is None else list(suppliers)
    cards: list[Scorecard] = []
    for key in keys:
        mine = sup == key
        cards.append(_card(key, None, slips[mine], actual[mine], policy))
        for code in np.unique(cat[mine]).tolist():
            both = mine & (cat == code)
            cards.append(_card(key, category_from_code(code), slips[both], actual[both], policy))
    return tuple(cards)


@dataclass(frozen=True, eq=False)
class SlipModel:
    """Per supplier position: its slip quantile table and where its evidence came from."""

    table: np.ndarray  # (n_suppliers, SLIP_LEVELS) int32 slip days at probability (j + 0.5) / SLIP_LEVELS
    own_weight: np.ndarray  # n / (n + prior_strength): the share of the supplier's own history
    n_own: np.ndarray
    prior: tuple[PriorSource, ...]

    @property
    def n_suppliers(self) -> int:
        return int(self.table.shape[0])

    def mean_slip_days(self) -> np.ndarray:
        return self.table.mean(axis=1)


def _mixture_quantiles(own: np.ndarray, prior: np.ndarray, w_own: float) -> np.ndarray:
    """Quantiles of w * F_own + (1 - w) * F_prior at the table's probability levels."""
    own, prior = np.sort(own), np.sort(prior)
    values = np.unique(np.concatenate((own, prior)))
    cdf = np.zeros(values.size)
    if own.size:
        cdf += w_own * np.searchsorted(own, values, side="right") / own.size
    if prior.size:
        cdf += (1.0 - w_own) * np.searchsorted(prior, values, side="right") / prior.size
    levels = (np.arange(SLIP_LEVELS) + 0.5) / SLIP_LEVELS
    pick = np.minimum(np.searchsorted(cdf, levels - 1e-12, side="left"), values.size - 1)
    return values[pick]


def slip_model(
    supplier_slips: list[np.ndarray], supplier_category: list[Category | str], *, prior_strength: float = 5.0
) -> SlipModel:
    """The slip distribution of each supplier position: own history shrunk towards its category's."""
    if len(supplier_slips) != len(supplier_category):
        raise InvalidInput("one category per supplier")
    if not np.isfinite(prior_strength) or prior_strength < 0:
        raise InvalidInput("prior_strength must be finite and >= 0")
    slips = [np.maximum(np.asarray(s, dtype=np.int64).reshape(-1), 0) for s in supplier_slips]
    cats = [Category(c) for c in supplier_category]
    n = len(slips)
    table = np.zeros((n, SLIP_LEVELS), dtype=np.int32)
    weight, sources = np.zeros(n), []
    for i in range(n):
        same = [slips[j] for j in range(n) if j != i and cats[j] == cats[i] and slips[j].size]
        others = [slips[j] for j in range(n) if j != i and slips[j].size]
        if same:
            prior, source = np.concatenate(same), PriorSource.CATEGORY
        elif others:
            prior, source = np.concatenate(others), PriorSource.ALL
        else:
            prior, source = np.zeros(0, np.int64), PriorSource.NONE
        own = slips[i]
        w = own.size / (own.size + prior_strength) if own.size else 0.0
        if not prior.size:
            w = 1.0 if own.size else 0.0
        weight[i] = w
        sources.append(source)
        if own.size or prior.size:
            table[i] = _mixture_quantiles(own, prior, w)
    return SlipModel(table, weight, np.array([s.size for s in slips], dtype=np.int64), tuple(sources))
