"""A score in words: each criterion's raw value, its weight and the points it earned, the colour class of a
rank, and why one site outranks another. Plain Python (no Django): inputs are a result's breakdown (criterion
-> points), its measures (criterion -> raw value) and the run's weights."""

from __future__ import annotations

from collections.abc import Mapping

from sitesel.web.formatting import criterion_label, criterion_value

# Colour classes of the map, by rank rather than by score: a score is relative to its run, so fixed score bins
# paint a whole national screen one colour. Class 0 is the top 10; then quarters of the eligible ranking.
RANK_CLASSES = ("top 10", "top quarter", "second quarter", "third quarter", "bottom quarter")


def rank_class(rank: int | None, n_eligible: int) -> int | None:
    """0 for the top 10, then 1-4 for the quarters of the ranking; None when not ranked."""
    if rank is None or n_eligible <= 0:
        return None
    if rank <= 10:
        return 0
    quarter = int(4 * (rank - 1) / n_eligible)
    return 1 + min(quarter, 3)


def max_points(weights: Mapping[str, float]) -> dict[str, float]:
    """The points each weighted criterion can earn at most (its share of the 0-100 score)."""
    total = sum(weights.values()) or 1.0
    return {name: 100.0 * w / total for name, w in weights.items()}


def breakdown_lines(
    breakdown: Mapping[str, float], measures: Mapping[str, float | None], weights: Mapping[str, float]
) -> list[dict]:
    """One line per criterion, most points first: "Time to power (P50): 76 months → 16.6 of 18 points"."""
    ceilings = max_points(weights)
    lines = []
    for name, points in sorted(breakdown.items(), key=lambda kv: -kv[1]):
        ceiling = ceilings.get(name, 0.0)
        value = criterion_value(name, measures.get(name))
        label = criterion_label(name)
        lines.append(
            {
                "criterion": name,
                "label": label,
                "value": value,
                "points": points,
                "max_points": ceiling,
                "weight_pct": ceiling,
                "share": points / ceiling if ceiling else 0.0,
                "text": f"{label}: {value} → {points:.1f} of {ceiling:.0f} points",
            }
        )
    return lines


def why_ahead(
    first: Mapping[str, float],
    second: Mapping[str, float],
    first_measures: Mapping[str, float | None],
    second_measures: Mapping[str, float | None],
    *,
    limit: int = 4,
) -> list[dict]:
    """The criteria that separate two results, largest point difference first (positive: the first leads)."""
    rows = []
    for name in first.keys() | second.keys():
        gap = first.get(name, 0.0) - second.get(name, 0.0)
        if abs(gap) < 0.05:
            continue
        rows.append(
            {
                "criterion": name,
                "label": criterion_label(name),
                "first": criterion_value(name, first_measures.get(name)),
                "second": criterion_value(name, second_measures.get(name)),
                "gap": gap,
            }
        )
    rows.sort(key=lambda r: -abs(r["gap"]))
    return rows[:limit]
