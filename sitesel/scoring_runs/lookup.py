"""Any national-screen cell's score and rank, read from the chunk that computed it.

A national run keeps result rows only for its best cells (sitesel/services/scoring_run_ranking.py `stored_rows`); the
score, rank and binding screen of every cell live with its chunk (`ScoringChunkRank`, one archive per capacity),
next to the measures and economics in the chunk's `payload`. A cell id gives its chunk (cells are chunked in
id ranges), and the chunk's sorted ids give its row.
"""

from __future__ import annotations

import numpy as np

from sitesel.models import ScoringChunk, ScoringResult, ScoringRun
from sitesel.scoring_runs.grid import cell_at, conus_grid
from sitesel.scoring_runs.store import by_capacity, chunk_ranked, clean

# What the lookup shows of each capacity's economics, under the names of a result row's columns.
CELL_ECONOMICS = {
    "capex_per_mw_usd": "capex_per_mw_usd",
    "gpus": "gpus",
    "time_to_power_p50_months": "time_to_power_months_p50",
    "time_to_compute_p50_months": "time_to_compute_months_p50",
    "power_binding_constraint": "binding_constraint",
}


def national_cell(run: ScoringRun, lon: float, lat: float) -> dict | None:
    """The cell of a succeeded national run that contains (lon, lat), per capacity; None outside US counties."""
    cell = cell_at(conus_grid(run.cell_size_km), lon, lat)
    if cell is None:
        return None
    index = (
        ScoringChunk.objects.filter(run=run, cell_start__lte=cell, cell_stop__gt=cell)
        .values_list("index", flat=True)
        .first()
    )
    arrays = chunk_ranked(run.pk, index) if index is not None else {}
    if not arrays:
        return None
    row = int(np.searchsorted(arrays["ids"], cell))
    if row >= len(arrays["ids"]) or arrays["ids"][row] != cell:
        return None  # the cell's centre is in no US county: it was not scored
    stored = dict(ScoringResult.objects.filter(run=run, cell_id=cell).values_list("capacity_mw", "pk"))
    capacities = []
    for k, capacity in enumerate(arrays["capacities"].tolist()):
        rank = int(arrays[f"c{k}:rank"][row])
        economics = by_capacity(arrays, k, "economics")
        capacities.append({
            "capacity_mw": capacity,
            "eligible": rank > 0,
            "rank": rank or None,
            "score": clean(arrays[f"c{k}:score"][row]),
            "binding_constraint": str(arrays[f"c{k}:binding"][row]),
            **{name: clean(economics[field][row]) for name, field in CELL_ECONOMICS.items()},
            "result_id": stored.get(capacity),
        })  # fmt: skip
    return {
        "cell_id": cell,
        "lon": clean(arrays["lon"][row]),
        "lat": clean(arrays["lat"][row]),
        "state": str(arrays["state"][row]),
        "county_fips": str(arrays["county_fips"][row]),
        "capacities": capacities,
    }
