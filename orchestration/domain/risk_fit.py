"""Fit the Monte Carlo's two judgement parameters from closed deliveries, or say why the default stands.

**Within-supplier share s** (risk.py: a delivery takes its supplier's shared quantile level with probability
s, so two deliveries of one supplier in one draw have the same level with probability s², and the
correlation of their levels is s²). Measured as the intraclass correlation of slip *ranks* among deliveries
of the same supplier committed in the same calendar quarter: each slip becomes its mid-rank within its
supplier's history (u in (0, 1), so a habitually late supplier is not mistaken for a correlated one), the
deliveries are grouped by (supplier, quarter), and the one-way ANOVA ICC(1) of u over those groups is
ρ̂; s = √ρ̂ (0 when ρ̂ <= 0). A draw stands for the open book of one moment, and a quarter is the unit of
"the same moment" here.

**Prior strength k** (scorecards.slip_model: own history weighed n / (n + k) against the category's). That is
the posterior-mean weight of a beta-binomial model whose supplier lateness rates p_i vary around their
category's mean μ_c with variance μ_c(1 − μ_c) / (k + 1). Method of moments on the late share
(slip > grace) of each supplier, across suppliers of a category: with S = Σ n_i (p̂_i − μ̂_c)²,
E[S] = Σ_c v_c (m_c − 1) + ρ Σ_c v_c (N_c − Σ n_i² / N_c − m_c + 1), v_c = μ̂_c (1 − μ̂_c), ρ = 1 / (k + 1);
solved for ρ, then k = 1/ρ − 1. Suppliers no more different than chance (ρ̂ <= 0) give the cap `K_MAX`.

Thin data keep the default, with the reason; `Fit.n` is the evidence counted either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

# Evidence needed before a fit replaces the judgement value (below it the estimate's error is larger than the
# parameter's useful range).
MIN_GROUPS = 10  # (supplier, quarter) groups with two or more closed deliveries
MIN_GROUPED = 30  # deliveries in those groups
MIN_SUPPLIERS = 5  # suppliers with MIN_HISTORY closed deliveries, in categories with two or more of them
MIN_HISTORY = 5
K_MAX = 1000.0  # "suppliers of a category do not differ": the own history barely moves the prior


@dataclass(frozen=True)
class Fit:
    value: float
    fitted: bool  # False: the default (the setting), kept for `reason`
    n: int  # deliveries (share) or suppliers (prior strength) the estimate used or would have used
    estimate: float | None  # the raw estimate (ρ̂ for the share, k̂ for the prior) when one could be made
    reason: str


def _quarter(ordinals: np.ndarray) -> np.ndarray:
    days = [date.fromordinal(int(o)) for o in ordinals.tolist()]
    return np.array([d.year * 4 + (d.month - 1) // 3 for d in days], dtype=np.int64)


def _mid_rank_levels(values: np.ndarray) -> np.ndarray:
    """Each value's mid-rank within `values`, scaled into (0, 1): ties share the middle of their ranks."""
    ordered = np.sort(values)
    below = np.searchsorted(ordered, values, side="left")
    upto = np.searchsorted(ordered, values, side="right")
    return (below + upto) / (2.0 * values.size)


def fit_supplier_share(supplier: np.ndarray, committed: np.ndarray, slip: np.ndarray, *, default: float) -> Fit:
    """s from closed deliveries: `supplier` ids, `committed` date ordinals, `slip` days (arrival − commitment)."""
    supplier, committed, slip = (np.asarray(a, dtype=np.int64) for a in (supplier, committed, slip))
    level = np.zeros(slip.size)
    for s in np.unique(supplier).tolist():
        mine = supplier == s
        level[mine] = _mid_rank_levels(slip[mine])
    keys = supplier * 100_000 + _quarter(committed) if slip.size else np.zeros(0, np.int64)
    groups, group_of, sizes = np.unique(keys, return_inverse=True, return_counts=True)
    kept = sizes[group_of] >= 2
    n_groups, n = int((sizes >= 2).sum()), int(kept.sum())
    if n_groups < MIN_GROUPS or n < MIN_GROUPED:
        why = f"{n_groups} supplier-quarters with two or more closed deliveries ({n} deliveries)"
        return Fit(default, False, n, None, f"too few to fit: {why}; need {MIN_GROUPS} and {MIN_GROUPED}")
    u, g = level[kept], np.unique(group_of[kept], return_inverse=True)[1]
    sizes = np.bincount(g).astype(float)
    means = np.bincount(g, weights=u) / sizes
    within = float(((u - means[g]) ** 2).sum()) / (n - n_groups)
    between = float((sizes * (means - u.mean()) ** 2).sum()) / (n_groups - 1)
    k0 = (n - (sizes**2).sum() / n) / (n_groups - 1)
    if between + (k0 - 1) * within <= 0:
        return Fit(default, False, n, None, "slips do not vary within suppliers: nothing to fit")
    icc = (between - within) / (between + (k0 - 1) * within)
    share = float(np.sqrt(min(max(icc, 0.0), 1.0)))
    return Fit(share, True, n, float(icc), f"intraclass correlation of slip ranks over {n_groups} supplier-quarters")


def fit_prior_strength(supplier: np.ndarray, category: np.ndarray, late: np.ndarray, *, default: float) -> Fit:
    """k from closed deliveries: `supplier` ids, `category` codes of their lines, `late` (slip > grace)."""
    supplier, category = np.asarray(supplier, dtype=np.int64), np.asarray(category, dtype=np.int64)
    late = np.asarray(late, dtype=bool)
    # One row per (supplier, category) with enough history; categories with two or more such suppliers.
    pairs, pair_of, n_i = np.unique(np.stack([category, supplier]), axis=1, return_inverse=True, return_counts=True)
    if pairs.size == 0:
        return Fit(default, False, 0, None, "no closed deliveries to fit on")
    late_i = np.bincount(pair_of.reshape(-1), weights=late, minlength=n_i.size)
    enough = n_i >= MIN_HISTORY
    cats, m_c = np.unique(pairs[0][enough], return_counts=True)
    used = enough & np.isin(pairs[0], cats[m_c >= 2])
    n_sup = int(used.sum())
    if n_sup < MIN_SUPPLIERS:
        why = f"{n_sup} suppliers with {MIN_HISTORY}+ closed deliveries in a category shared with another"
        return Fit(default, False, n_sup, None, f"too few to fit: {why}; need {MIN_SUPPLIERS}")
    s_total = base = slope = 0.0
    for c in np.unique(pairs[0][used]).tolist():
        rows = used & (pairs[0] == c)
        n, x = n_i[rows].astype(float), late_i[rows]
        total = n.sum()
        mu = x.sum() / total
        v = mu * (1 - mu)
        s_total += float((n * (x / n - mu) ** 2).sum())
        base += v * (rows.sum() - 1)
        slope += v * (total - (n**2).sum() / total - rows.sum() + 1)
    if slope <= 0:
        return Fit(default, False, n_sup, None, "every supplier of each category always or never late: nothing to fit")
    rho = (s_total - base) / slope
    k = K_MAX if rho <= 1 / (K_MAX + 1) else max(1.0 / min(rho, 1.0) - 1.0, 0.0)
    reason = f"method of moments on the late share of {n_sup} suppliers across their categories"
    return Fit(float(k), True, n_sup, float(1.0 / rho - 1.0) if rho > 0 else None, reason)
