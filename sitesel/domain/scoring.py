"""Site scoring: hard screens, then a weighted sum of normalized criteria on a 0-100 scale, then a rank.

    score = 100 x sum_c (w_c / sum w) x normalized_c        normalized_c in [0, 1], 1 = best

`score_sites` works on N sites at once (NumPy). Normalization is relative to the sites that pass the
screens in the same call, so a score compares sites within one run, not across runs. `keys` only break
ties, which makes the output independent of input order. Scenario, criteria and validation live in
sitesel/domain/scoring_scenario.py; formulas and rules are in docs/scoring.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from sitesel.domain.errors import InvalidSiteInput
from sitesel.domain.scoring_scenario import (
    CRITERIA,
    DEFAULT_SCENARIO,
    DEFAULT_WEIGHTS,
    FAMILIES,
    Constraint,
    Criterion,
    ScenarioSpec,
    scenario_from_dict,
    scenario_to_dict,
)

__all__ = [
    "CRITERIA",
    "DEFAULT_SCENARIO",
    "DEFAULT_WEIGHTS",
    "FAMILIES",
    "SCORING_VERSION",
    "Constraint",
    "Criterion",
    "ScenarioSpec",
    "ScoreOutput",
    "explain",
    "scenario_from_dict",
    "scenario_to_dict",
    "applied_weights",
    "good_is_high",
    "rank_scores",
    "score_sites",
    "screen",
]

# Stored with every result; bump when a formula or rule here changes so old results stay explicable.
SCORING_VERSION = "scoring-2026.12"


@dataclass(frozen=True, eq=False)
class ScoreOutput:
    """Scores of N sites, every array aligned to the input order and read-only.

    Non-eligible sites have score NaN, rank 0, and NaN normalized values and contributions.
    `contributions[c]` is in score points; over the weighted criteria they sum to `score`.
    """

    keys: np.ndarray
    eligible: np.ndarray
    binding_constraint: np.ndarray
    score: np.ndarray
    rank: np.ndarray
    normalized: Mapping[str, np.ndarray]
    contributions: Mapping[str, np.ndarray]
    # Raw measures of every criterion the scenario weights or screens on (NaN = missing), for explanations.
    raw: Mapping[str, np.ndarray]
    # Weights as applied: the scenario's, divided by their sum so that a perfect site scores exactly 100.
    weights_applied: Mapping[str, float]
    scenario: ScenarioSpec
    scoring_version: str = SCORING_VERSION

    @property
    def n_sites(self) -> int:
        return int(self.keys.shape[0])

    @property
    def n_eligible(self) -> int:
        return int(self.eligible.sum())


def score_sites(
    measures: Mapping[str, np.ndarray],
    keys: np.ndarray,
    states: np.ndarray | None,
    scenario: ScenarioSpec = DEFAULT_SCENARIO,
) -> ScoreOutput:
    """Screen, normalize, weight and rank N sites. `measures` maps criterion -> float array (NaN = missing);
    only the criteria the scenario weights or constrains are read. `keys` are unique ids (all numbers or
    all strings) used only to break score ties, ascending. `states` are postal codes, needed only when
    the scenario excludes states."""
    key_arr = _keys(keys)
    n = key_arr.shape[0]
    raw = measured(measures, scenario, n)

    eligible, binding = screen(raw, states, scenario, n)

    weights = applied_weights(scenario)
    normalized: dict[str, np.ndarray] = {}
    contributions: dict[str, np.ndarray] = {}
    score = np.zeros(n)
    for c, w in weights.items():  # registry order, so the sum is the same float for equal scenarios
        normalized[c] = _normalize(raw[c], eligible, good_is_high(c, scenario), scenario.normalization)
        contributions[c] = w * normalized[c] * 100.0
        score = score + contributions[c]
    # Rounding can leave a perfect site at 100.00000000000001; the scale is promised to be 0-100.
    score = np.clip(np.where(eligible, score, np.nan), 0.0, 100.0)

    return ScoreOutput(
        keys=_frozen(key_arr),
        eligible=_frozen(eligible),
        binding_constraint=_frozen(binding),
        score=_frozen(score),
        rank=_frozen(rank_scores(score, key_arr, eligible)),
        normalized=MappingProxyType({c: _frozen(a) for c, a in normalized.items()}),
        contributions=MappingProxyType({c: _frozen(a) for c, a in contributions.items()}),
        raw=MappingProxyType({c: _frozen(a) for c, a in raw.items()}),
        weights_applied=MappingProxyType(weights),
        scenario=scenario,
    )


def explain(output: ScoreOutput, index: int) -> dict[str, Any]:
    """JSON-ready breakdown of the site at position `index` (input order): why it scored what it did,
    or which screen ruled it out. Missing or not-applicable numbers are None (JSON has no NaN)."""
    if not 0 <= index < output.n_sites:
        raise IndexError(f"site index {index} out of range for {output.n_sites} sites")
    criteria: dict[str, dict[str, Any]] = {}
    families: dict[str, float | None] = {f: None for f in FAMILIES}
    for c in output.raw:
        meta = CRITERIA[c]
        points = _json_float(output.contributions[c][index]) if c in output.contributions else None
        criteria[c] = {
            "family": meta.family,
            "unit": meta.unit,
            "higher_is_better": meta.higher_is_better,
            "inverted": c in output.scenario.invert,
            "raw": _json_float(output.raw[c][index]),
            "weight": output.weights_applied.get(c, 0.0),
            "normalized": _json_float(output.normalized[c][index]) if c in output.normalized else None,
            "contribution": points,
        }
        if points is not None:
            families[meta.family] = (families[meta.family] or 0.0) + points
    return {
        "key": output.keys[index].item(),
        "eligible": bool(output.eligible[index]),
        "binding_constraint": str(output.binding_constraint[index]),
        "score": _json_float(output.score[index]),
        "rank": int(output.rank[index]),
        "normalization": output.scenario.normalization,
        "scoring_version": output.scoring_version,
        "families": families,
        "criteria": criteria,
    }


# --- Steps --------------------------------------------------------------------------------------------


def needed_criteria(scenario: ScenarioSpec) -> list[str]:
    """The criteria the scenario weights or screens on, in registry order."""
    return [c for c in CRITERIA if c in scenario.weights or any(k.criterion == c for k in scenario.constraints)]


def applied_weights(scenario: ScenarioSpec) -> dict[str, float]:
    """The scenario's weights divided by their sum, so that a perfect site scores exactly 100."""
    total_weight = math.fsum(scenario.weights.values())  # exactly 1.0 for weights that sum to 1
    return {c: w / total_weight for c, w in scenario.weights.items()}


def good_is_high(criterion: str, scenario: ScenarioSpec) -> bool:
    return CRITERIA[criterion].higher_is_better != (criterion in scenario.invert)


def screen(
    raw: Mapping[str, np.ndarray], states: np.ndarray | None, scenario: ScenarioSpec, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Eligibility and, for each excluded site, the first screen it failed: state exclusions, then the
    constraints in scenario order (so the scenario author decides which reason is reported)."""
    eligible = np.ones(n, dtype=bool)
    binding = np.full(n, "", dtype=object)

    def fail(mask: np.ndarray, reason: str) -> None:
        hit = eligible & mask
        binding[hit] = reason
        eligible[hit] = False

    if scenario.exclude_states:
        codes = _state_codes(states, n)
        for code in scenario.exclude_states:
            fail(codes == code, f"state excluded: {code}")
    for k in scenario.constraints:
        x = raw[k.criterion]
        if k.missing == "exclude":
            fail(np.isnan(x), f"{k.criterion} missing")
        # NaN compares False, so under missing="pass" a gap never fails a bound.
        if k.min is not None:
            fail(x < k.min, f"{k.criterion} < {_fmt(k.min)}")
        if k.max is not None:
            fail(x > k.max, f"{k.criterion} > {_fmt(k.max)}")
    return eligible, binding


def _normalize(x: np.ndarray, eligible: np.ndarray, good_is_high: bool, method: str) -> np.ndarray:
    """Map one criterion to [0, 1] (1 = best) over eligible sites that have a value.

    Eligible sites without a value get 0: a gap in the data must never lift a site above one that was
    measured. Non-eligible sites get NaN. Statistics ignore both, so screened-out outliers cannot
    squash the scale of the sites that remain.
    """
    out = np.where(eligible, 0.0, np.nan)
    has = eligible & ~np.isnan(x)
    v = x[has]
    if v.size == 0:
        return out
    if method == "minmax":
        lo, hi = v.min(), v.max()
        if hi == lo:
            # Nothing to tell the sites apart: all are as good as the best, rather than all worthless.
            out[has] = 1.0
        else:
            out[has] = (v - lo) / (hi - lo) if good_is_high else (hi - v) / (hi - lo)
        return out
    m = v.size
    if m == 1:
        out[has] = 1.0
        return out
    # Average rank (1-based) of each value, ties sharing the mean of the positions they occupy.
    _, inverse, counts = np.unique(v, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    avg_rank = ((ends - counts + 1) + ends) / 2.0
    r = avg_rank[inverse.reshape(-1)]
    out[has] = (r - 1.0) / (m - 1) if good_is_high else (m - r) / (m - 1)
    return out


def rank_scores(score: np.ndarray, keys: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """1 = best among the eligible (highest score, then smallest key); 0 for the others."""
    rank = np.zeros(score.shape[0], dtype=np.int64)
    idx = np.flatnonzero(eligible)
    # lexsort: last key is primary. Highest score first, then smallest key, so ties never depend on order.
    order = np.lexsort((keys[idx], -score[idx]))
    rank[idx[order]] = np.arange(1, idx.size + 1)
    return rank


# --- Input checks -------------------------------------------------------------------------------------


def _keys(keys: Any) -> np.ndarray:
    arr = np.asarray(keys)
    if arr.ndim != 1:
        raise InvalidSiteInput("keys", f"must be one-dimensional, got shape {arr.shape}")
    if arr.dtype == object:
        # Ids from the ORM arrive as a Python list/object array; give them a sortable dtype. Mixed ints and
        # strings would be silently stringified by NumPy, so refuse them.
        items = arr.tolist()
        if len({isinstance(k, str) for k in items}) > 1:
            raise InvalidSiteInput("keys", "must be all integers or all strings, not a mix")
        arr = np.array(items) if items else arr.astype(str)
    if arr.dtype.kind not in "iuUS":
        raise InvalidSiteInput("keys", f"must be all integers or all strings, got dtype {arr.dtype}")
    if np.unique(arr).size != arr.size:
        raise InvalidSiteInput("keys", "must be unique")
    return arr.copy()


def measured(measures: Mapping[str, Any], scenario: ScenarioSpec, n: int) -> dict[str, np.ndarray]:
    """The raw values of every criterion the scenario needs, checked (NaN = missing)."""
    return {c: _measure(measures, c, n) for c in needed_criteria(scenario)}


def _measure(measures: Mapping[str, Any], name: str, n: int) -> np.ndarray:
    if name not in measures:
        raise InvalidSiteInput(name, "measure not supplied but the scenario weights or constrains it")
    arr = np.array(measures[name], dtype=float)  # a copy, so the caller can reuse its buffers
    if arr.shape != (n,):
        raise InvalidSiteInput(name, f"must have shape ({n},) like keys, got {arr.shape}")
    if np.isinf(arr).any():
        raise InvalidSiteInput(name, f"must be finite or NaN (site index {int(np.flatnonzero(np.isinf(arr))[0])})")
    return arr


def _state_codes(states: Any, n: int) -> np.ndarray:
    if states is None:
        raise InvalidSiteInput("states", "required because the scenario excludes states")
    seq = list(states)
    if len(seq) != n:
        raise InvalidSiteInput("states", f"must have {n} rows like keys, got {len(seq)}")
    # A site with no state cannot match an exclusion; None/NaN become "" rather than the text "None".
    return np.array([s.strip().upper() if isinstance(s, str) else "" for s in seq], dtype=object)


def _frozen(arr: np.ndarray) -> np.ndarray:
    arr.flags.writeable = False
    return arr


def _fmt(value: float) -> str:
    # "fema_risk_score > 30", not "> 30.0"; keep full precision otherwise so the text is exact.
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _json_float(value: Any) -> float | None:
    f = float(value)
    return f if np.isfinite(f) else None
