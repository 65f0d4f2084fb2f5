"""Rule 4b in one place: a block has two power paths, the grid and its on-site generation; the first counts.

The forecast, its naive reference, the Monte Carlo, the cost of delay (through `forecast.bridge_power`) and
the workflow gate (`gates.generation_or_grid`) all decide with `generation_counts`, so the gate can never be
stricter than the forecast: a block whose grid came first is not held back by its generation lines anywhere.
"""

from __future__ import annotations

import numpy as np

# The gate judges facts as of now: "now" and "later" are enough ordinals for the same rule.
_NOW, _LATER = 1, 2


def grid_dates(
    *, power_available: np.ndarray, grid_ordinal: np.ndarray, grid_energised: np.ndarray, as_of: int
) -> np.ndarray:
    """The grid date that counts per block (0 = none): `as_of` when the grid has energised the block (a
    recorded fact), the utility's forecast (not before `as_of`) for a block without power, else none."""
    forecast = np.where(~power_available & (grid_ordinal > 0), np.maximum(grid_ordinal, as_of), 0)
    return np.where(grid_energised, as_of, forecast)


def generation_counts(gen_ready: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """True where a block's on-site generation lines gate it: it has some (`gen_ready` >= 0: when all of them
    are ready) and the grid does not reach it first (no grid date, or one before generation is ready)."""
    return (gen_ready >= 0) & ~((grid > 0) & (gen_ready > grid))


def generation_gates_now(*, generation_installed: bool, grid_energised: bool) -> bool:
    """The same rule on today's facts: do a block's generation lines still gate it? Not when the grid has
    energised it and they are not all in (the grid came first); yes otherwise."""
    ready = np.array([_NOW if generation_installed else _LATER])
    return bool(generation_counts(ready, np.array([_NOW if grid_energised else 0]))[0])
