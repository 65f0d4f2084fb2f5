"""The split ranking (chunks reduce, the ranking step merges) gives `score_sites`'s scores and ranks exactly,
bit for bit, whatever the chunking: ties, gaps, screens and both normalizations included."""

from __future__ import annotations

import numpy as np
import pytest

from sitesel.domain.ranking_split import chunk_contributions, chunk_part, chunk_scores, scales
from sitesel.domain.scoring import DEFAULT_WEIGHTS, Constraint, ScenarioSpec, rank_scores, score_sites

FEMA = "fema_risk_score"
HV = "distance_hv_230_km"


def _measures(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    measures = {}
    for k, c in enumerate(sorted({*DEFAULT_WEIGHTS, FEMA, HV})):
        values = rng.normal(10.0, 5.0, n)
        if k % 2:
            values = np.round(values)  # a county statistic: few distinct values, many ties
        values[rng.random(n) < 0.05] = np.nan  # gaps
        measures[c] = values
    return measures


@pytest.mark.parametrize("normalization", ["percentile", "minmax"])
@pytest.mark.parametrize("chunk_sizes", [(5_000,), (1, 999, 1_000, 3_000), (1_700, 0, 3_300)])
def test_the_split_ranking_gives_score_sites_numbers_exactly(normalization, chunk_sizes):
    rng = np.random.default_rng(7)
    n = 5_000
    measures = _measures(n, rng)
    keys = rng.permutation(np.arange(10 * n))[:n]
    states = rng.choice(np.array(["VA", "TX", "OH", "CA"], dtype=object), n)
    spec = ScenarioSpec(
        normalization=normalization,
        exclude_states=("OH",),
        constraints=(Constraint(FEMA, None, 18.0, "exclude"), Constraint(HV, 0.0, 20.0, "pass")),
    )
    whole = score_sites(measures, keys, states, spec)

    bounds = np.cumsum((0, *chunk_sizes))
    parts = [
        chunk_part({c: v[a:b] for c, v in measures.items()}, states[a:b], spec)
        for a, b in zip(bounds[:-1], bounds[1:], strict=True)
    ]
    merged = scales(parts, spec)
    score = np.concatenate([chunk_scores(part, i, merged, spec) for i, part in enumerate(parts)])
    eligible = np.concatenate([part.eligible for part in parts])

    np.testing.assert_array_equal(eligible, whole.eligible)
    np.testing.assert_array_equal(np.concatenate([p.binding for p in parts]), whole.binding_constraint)
    np.testing.assert_array_equal(score, whole.score)  # NaN where not eligible, equal floats elsewhere
    np.testing.assert_array_equal(rank_scores(score, keys, eligible), whole.rank)
    rows = np.flatnonzero(parts[-1].eligible)[:50]
    offset = bounds[-2]
    for c, points in chunk_contributions(parts[-1], len(parts) - 1, merged, spec, rows).items():
        np.testing.assert_array_equal(points, whole.contributions[c][offset + rows])
    assert 0 < eligible.sum() < n
