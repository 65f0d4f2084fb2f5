"""Naive reference forecast: the same rules as forecast.py written as plain Python loops.

Kept for two reasons: property tests check the vectorized code against it on random programs, and
bench/bench_forecast.py times it as the baseline. It deliberately shares nothing with the
vectorized core except the input, the constants and the final (per-block) assembly.
"""

from __future__ import annotations

import numpy as np

from .categories import CATEGORY_CODE, POWER_CATEGORIES, Category
from .dates import UNSCHEDULED
from .forecast import (
    BINDING_GRID,
    BINDING_LINE,
    BINDING_NONE,
    POWERED,
    ForecastCore,
    ProgramForecast,
    assemble,
    block_grid,
)
from .forecast_input import QTY_SCALE, ForecastInput
from .power_paths import generation_counts


def compute_core_naive(inp: ForecastInput) -> ForecastCore:
    as_of = inp.as_of_ordinal
    derate = inp.line_derate_days.tolist()
    category = inp.line_category.tolist()
    install = inp.line_install_days.tolist()
    installed_on = inp.line_installed_ordinal.tolist()

    events: list[list[tuple[int, int, bool]]] = [[] for _ in range(inp.n_lines)]
    for line, qty, rec, promised, confirmed, expected, actual in zip(
        inp.delivery_line_idx.tolist(),
        inp.delivery_qty.tolist(),
        inp.delivery_received_qty.tolist(),
        inp.delivery_promised_ordinal.tolist(),
        inp.delivery_confirmed_ordinal.tolist(),
        inp.delivery_expected_ordinal.tolist(),
        inp.delivery_actual_ordinal.tolist(),
        strict=True,
    ):
        qty_m, rec_m = round(qty * QTY_SCALE), round(rec * QTY_SCALE)
        if rec_m > 0:
            events[line].append((actual if actual else as_of, rec_m, True))
        if qty_m - rec_m > 0:
            if expected:
                when = expected
            else:
                committed = confirmed if confirmed else promised
                when = committed + derate[line] if committed else UNSCHEDULED
            if when < UNSCHEDULED:
                when = max(when, as_of)
            events[line].append((when, qty_m - rec_m, False))
    for line_events in events:
        line_events.sort(key=lambda e: e[0])

    arrival, ready = [], []
    for line, required in enumerate(inp.line_required_qty.tolist()):
        required_m = round(required * QTY_SCALE)
        when = UNSCHEDULED
        if required_m <= 0:
            when = as_of
        else:
            total = 0
            for event_date, qty_m, _ in events[line]:
                total += qty_m
                if total >= required_m:
                    when = event_date
                    break
        arrival.append(when)
        if installed_on[line]:
            ready.append(installed_on[line])
        elif when >= UNSCHEDULED:
            ready.append(UNSCHEDULED)
        else:
            ready.append(max(when + install[line], as_of))

    n_blocks = inp.n_blocks
    best: list[tuple[int, int] | None] = [None] * n_blocks  # (ready, line)
    power = [0] * n_blocks
    power_codes = {CATEGORY_CODE[c] for c in POWER_CATEGORIES}
    edges = list(zip(inp.edge_line_idx.tolist(), inp.edge_block_idx.tolist(), strict=True))
    # Bridge power: the earlier of the grid and the block's on-site generation lines counts, not both.
    grids = block_grid(inp).tolist()
    gen = CATEGORY_CODE[Category.ONSITE_GENERATION]
    gen_ready: list[int | None] = [None] * n_blocks
    for line, block in edges:
        if category[line] == gen:
            gen_ready[block] = max(gen_ready[block] or 0, ready[line])
    use_gen = [bool(generation_counts(np.array([-1 if g is None else g]), np.array([grids[b]]))[0])
               for b, g in enumerate(gen_ready)]  # fmt: skip
    for line, block in edges:
        if category[line] == gen and not use_gen[block]:
            continue
        r = ready[line]
        cur = best[block]
        if cur is None or r > cur[0] or (r == cur[0] and line < cur[1]):
            best[block] = (r, line)
        if category[line] in power_codes:
            power[block] = max(power[block], r)

    go_live, kinds, bind_lines, bind_ready, block_power = [], [], [], [], []
    for b in range(n_blocks):
        r, kind, line = as_of, BINDING_NONE, -1
        if best[b] is not None:
            r, line = best[b]
            kind = BINDING_LINE
        grid = 0 if use_gen[b] else grids[b]
        if grid > r:
            r, kind, line = grid, BINDING_GRID, -1
        g = UNSCHEDULED if r >= UNSCHEDULED else max(r + int(inp.block_commissioning_days[b]), as_of)
        if inp.block_live_ordinal[b] > 0:
            g, kind, line, r = int(inp.block_live_ordinal[b]), BINDING_NONE, -1, 0
        go_live.append(g)
        kinds.append(kind)
        bind_lines.append(line)
        bind_ready.append(r)
        p = max(power[b], grid)
        if inp.block_power_available[b]:
            block_power.append(POWERED)
        else:
            block_power.append(UNSCHEDULED if p == 0 else p)

    strandable = {CATEGORY_CODE[c] for c in inp.strandable_categories}
    line_power: dict[int, int] = {}
    for line, block in edges:
        line_power[line] = min(line_power.get(line, UNSCHEDULED + 1), block_power[block])
    stranded = []
    for line in sorted(line_power):
        p = line_power[line]
        if category[line] not in strandable or p == POWERED:
            continue
        qty = rec_qty = 0
        first = None
        for event_date, qty_m, received in events[line]:
            if event_date >= UNSCHEDULED:
                continue
            if p >= UNSCHEDULED or p - event_date > inp.stranding_threshold_days:
                qty += qty_m
                rec_qty += qty_m if received else 0
                first = event_date if first is None else min(first, event_date)
        if first is not None:
            stranded.append((line, qty, rec_qty, first, p))

    def ints(values: list[int]) -> np.ndarray:
        return np.asarray(values, dtype=np.int64)

    return ForecastCore(
        ints(arrival),
        ints(ready),
        ints(go_live),
        np.asarray(kinds, dtype=np.int8),
        ints(bind_lines),
        ints(bind_ready),
        ints(block_power),
        tuple(stranded),
    )


def forecast_program_naive(inp: ForecastInput) -> ProgramForecast:
    return assemble(inp, compute_core_naive(inp))
