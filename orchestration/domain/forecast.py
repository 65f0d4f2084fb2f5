"""Critical-path forecast of block go-live dates, vectorized over deliveries with numpy.

Rules (the naive reference in forecast_reference.py implements the same rules with plain loops):

1. Delivery -> dated quantity events. The received part arrives on its actual date (as_of if the
   actual date is missing). The open part (qty - received) arrives on: expected date if given,
   else (confirmed else promised) + the line's supplier de-rate; no date at all -> UNSCHEDULED.
   Open quantities cannot arrive before as_of.
2. Line arrival = date of the event at which the line's cumulative quantity reaches its required
   quantity (UNSCHEDULED if it never does). Lines with nothing required "arrive" at as_of.
3. Line ready = installed date if installed, else max(arrival + install days, as_of).
4. Block ready = max over the lines gating it, and over the utility energisation date when the
   block has no power yet and one is tracked. The argmax is the binding constraint (ties: the
   line, lowest index). Go-live = max(ready + commissioning days, as_of); the actual live date
   for blocks already live.
5. Block power date (blocks without power) = max(ready of its power lines, grid date); unknown when
   neither exists or one is UNSCHEDULED.
6. Stranded: events of strandable lines (default chips, memory, networking) arriving more than
   `stranding_threshold_days` before the earliest power date among the blocks the line gates. If
   any of those blocks already has power, the equipment can be used there and is not stranded.
Everything is recomputed from scratch on every call: a slip in one promise shows up in the block
and project figures of the very next call, with no cached state to invalidate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

import numpy as np

from .categories import CATEGORY_CODE, POWER_CATEGORIES, Category, category_from_code
from .dates import UNSCHEDULED, from_ordinal, next_quarter, quarter_end, quarter_label, quarter_of
from .forecast_input import QTY_SCALE, ForecastInput, to_milli
from .power_paths import generation_counts, grid_dates

POWERED = -1  # block power date marker: the block already has power

BINDING_NONE, BINDING_LINE, BINDING_GRID = 0, 1, 2


class BindingKind(StrEnum):
    LINE = "line"
    GRID_POWER = "grid_power"


@dataclass(frozen=True)
class BindingConstraint:
    kind: BindingKind
    line_idx: int | None  # position in the input's line arrays
    category: Category | None
    ready_date: date | None  # None: cannot be dated (quantities never add up / no date promised)


@dataclass(frozen=True)
class BlockForecast:
    block_idx: int
    mw: float
    planned_go_live: date
    forecast_go_live: date | None  # None: some dependency cannot be dated
    days_late: int | None  # forecast - planned (negative = early)
    at_risk: bool  # not live and (undatable or forecast later than plan)
    is_live: bool
    binding: BindingConstraint | None  # None when live or nothing gates the block
    power_available: bool
    power_forecast: date | None  # when power is expected (None: powered already, or unknown)


@dataclass(frozen=True)
class QuarterMW:
    quarter: str  # "2027Q3"
    quarter_end: date
    planned_mw_cumulative: float
    forecast_mw_cumulative: float


@dataclass(frozen=True)
class StrandedEquipment:
    line_idx: int
    category: Category
    block_idxs: tuple[int, ...]
    quantity: float  # stranded quantity in the line's unit (received + forecast)
    received_quantity: float  # part of it already on site
    value_usd: Decimal | None  # None when no unit values were given
    first_arrival: date
    power_forecast: date | None  # None: power date unknown
    days_stranded: int | None  # power - first stranded arrival; None when power date unknown


@dataclass(frozen=True, eq=False)
class ProgramForecast:
    as_of: date
    blocks: tuple[BlockForecast, ...]
    project_go_live: date | None  # last block live; None if any block cannot be dated
    project_binding_block_idx: int | None
    project_binding: BindingConstraint | None
    mw_total: float
    mw_at_risk: float
    mw_by_quarter: tuple[QuarterMW, ...]
    stranded: tuple[StrandedEquipment, ...]
    stranded_value_usd: Decimal
    line_arrival_ordinal: np.ndarray  # per line, for drill-down (UNSCHEDULED = cannot be dated)
    line_ready_ordinal: np.ndarray


@dataclass(frozen=True, eq=False)
class ForecastCore:
    """Raw per-line / per-block results; both implementations produce this, assembly is shared."""

    line_arrival: np.ndarray
    line_ready: np.ndarray
    block_go_live: np.ndarray
    block_binding_kind: np.ndarray
    block_binding_line: np.ndarray  # -1 when not a line
    block_binding_ready: np.ndarray
    block_power: np.ndarray  # POWERED, a date ordinal, or UNSCHEDULED (unknown)
    # Stranded lines, ascending line index: (line_idx, qty_milli, received_milli, first_arrival, power).
    stranded: tuple[tuple[int, int, int, int, int], ...]


def _segment_starts(sorted_keys: np.ndarray) -> np.ndarray:
    """Boolean mask: True where a new key run starts in an already-sorted array."""
    starts = np.ones(sorted_keys.size, dtype=bool)
    starts[1:] = sorted_keys[1:] != sorted_keys[:-1]
    return starts


def bridge_power(
    e_ready: np.ndarray, grid: np.ndarray, *, e_line: np.ndarray, e_block: np.ndarray, line_category: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Rule 4b: of a block's two power paths, the grid and its on-site generation, the earlier one counts.

    A block without power that has on-site generation lines and a tracked grid date (`grid` > 0) waits for
    its generation lines (all of them: engines or turbines, fuel, permits) when they are ready no later than
    the grid date, and then not for the grid; otherwise it waits for the grid and not for those lines.
    `e_ready` may carry leading draw axes. Returns the edges' ready dates (-1 on edges that no longer count)
    and the grid dates that still count (0 = none).
    """
    is_gen = line_category[e_line] == CATEGORY_CODE[Category.ONSITE_GENERATION]
    if not is_gen.any():
        return e_ready, grid
    gen_ready = np.full((*e_ready.shape[:-1], grid.shape[-1]), -1, dtype=e_ready.dtype)
    for k in np.flatnonzero(is_gen).tolist():  # a few edges per block: a loop stays exact for any draw axes
        b = int(e_block[k])
        gen_ready[..., b] = np.maximum(gen_ready[..., b], e_ready[..., k])
    use_gen = generation_counts(gen_ready, grid)
    e_ready = np.where(is_gen & ~use_gen[..., e_block], -1, e_ready)
    return e_ready, np.where(use_gen, 0, grid)


def block_grid(inp: ForecastInput) -> np.ndarray:
    """The grid date that counts per block (0 = none), by the one rule of power_paths.grid_dates."""
    return grid_dates(
        power_available=inp.block_power_available,
        grid_ordinal=inp.block_grid_power_ordinal,
        grid_energised=inp.block_grid_energised,
        as_of=inp.as_of_ordinal,
    )


def compute_core(inp: ForecastInput) -> ForecastCore:
    """The vectorized implementation (no Python loop over deliveries, lines or edges)."""
    as_of = inp.as_of_ordinal
    n_lines, n_blocks = inp.n_lines, inp.n_blocks
    d_line = inp.delivery_line_idx

    # 1. Events: received part on its actual date, open part on its (de-rated) forecast date.
    qty_m = to_milli(inp.delivery_qty)
    rec_m = to_milli(inp.delivery_received_qty)
    open_m = np.maximum(qty_m - rec_m, 0)
    rec_date = np.where(inp.delivery_actual_ordinal > 0, inp.delivery_actual_ordinal, as_of)
    committed = np.where(
        inp.delivery_confirmed_ordinal > 0, inp.delivery_confirmed_ordinal, inp.delivery_promised_ordinal
    )
    derated = np.where(committed > 0, committed + inp.line_derate_days[d_line], UNSCHEDULED)
    open_date = np.where(inp.delivery_expected_ordinal > 0, inp.delivery_expected_ordinal, derated)
    open_date = np.where(open_date >= UNSCHEDULED, UNSCHEDULED, np.maximum(open_date, as_of))

    has_rec, has_open = rec_m > 0, open_m > 0
    ev_line = np.concatenate((d_line[has_rec], d_line[has_open]))
    ev_date = np.concatenate((rec_date[has_rec], open_date[has_open]))
    ev_qty = np.concatenate((rec_m[has_rec], open_m[has_open]))
    ev_received = np.concatenate((np.ones(int(has_rec.sum()), bool), np.zeros(int(has_open.sum()), bool)))
    # One int64 key (line, then date) sorts ~5x faster than lexsort on two keys; the order of
    # events sharing line and date does not affect any result.
    order = np.argsort(ev_line * (UNSCHEDULED + 1) + ev_date)
    ev_line, ev_date, ev_qty, ev_received = ev_line[order], ev_date[order], ev_qty[order], ev_received[order]

    # 2. Cumulative quantity within each line (exact integer cumsum, then subtract the run offset).
    cum = np.cumsum(ev_qty)
    starts = _segment_starts(ev_line)
    run_id = np.cumsum(starts) - 1
    offset = (cum - ev_qty)[starts]
    cum_in_line = cum - offset[run_id]
    required_m = to_milli(inp.line_required_qty)
    crossed = np.flatnonzero(cum_in_line >= required_m[ev_line])
    first = _segment_starts(ev_line[crossed])  # events sorted by date: first crossing = arrival
    line_arrival = np.full(n_lines, UNSCHEDULED, dtype=np.int64)
    line_arrival[ev_line[crossed[first]]] = ev_date[crossed[first]]
    line_arrival[required_m <= 0] = as_of

    # 3. Line ready.
    installed = inp.line_installed_ordinal > 0
    pending = np.where(
        line_arrival >= UNSCHEDULED, UNSCHEDULED, np.maximum(line_arrival + inp.line_install_days, as_of)
    )
    line_ready = np.where(installed, inp.line_installed_ordinal, pending)

    # 4. Block ready = argmax over gating lines (sort by block, ready desc, line asc; take first).
    e_line, e_block = inp.edge_line_idx, inp.edge_block_idx
    e_ready = line_ready[e_line]
    grid = block_grid(inp)
    e_ready, grid = bridge_power(e_ready, grid, e_line=e_line, e_block=e_block, line_category=inp.line_category)
    e_order = np.lexsort((e_line, -e_ready, e_block))
    e_first = e_order[_segment_starts(e_block[e_order])]
    block_ready = np.full(n_blocks, as_of, dtype=np.int64)
    bind_kind = np.full(n_blocks, BINDING_NONE, dtype=np.int8)
    bind_line = np.full(n_blocks, -1, dtype=np.int64)
    block_ready[e_block[e_first]] = e_ready[e_first]
    bind_kind[e_block[e_first]] = BINDING_LINE
    bind_line[e_block[e_first]] = e_line[e_first]
    waits_for_grid_only = block_ready < 0  # every gating line was on-site generation the grid makes moot
    block_ready[waits_for_grid_only] = as_of
    bind_kind[waits_for_grid_only], bind_line[waits_for_grid_only] = BINDING_NONE, -1

    grid_binds = grid > block_ready
    block_ready = np.where(grid_binds, grid, block_ready)
    bind_kind = np.where(grid_binds, BINDING_GRID, bind_kind).astype(np.int8)
    bind_line = np.where(grid_binds, -1, bind_line)

    live = inp.block_live_ordinal > 0
    go_live = np.where(
        block_ready >= UNSCHEDULED, UNSCHEDULED, np.maximum(block_ready + inp.block_commissioning_days, as_of)
    )
    go_live = np.where(live, inp.block_live_ordinal, go_live)
    binding_ready = np.where(live, 0, block_ready)
    bind_kind = np.where(live, BINDING_NONE, bind_kind).astype(np.int8)
    bind_line = np.where(live, -1, bind_line)

    # 5. Power date of blocks without power.
    power_codes = np.array(sorted(CATEGORY_CODE[c] for c in POWER_CATEGORIES))
    is_power_edge = np.isin(inp.line_category[e_line], power_codes)
    block_power = np.zeros(n_blocks, dtype=np.int64)
    np.maximum.at(block_power, e_block[is_power_edge], e_ready[is_power_edge])
    block_power = np.maximum(block_power, grid)
    block_power = np.where(block_power == 0, UNSCHEDULED, block_power)  # nothing tells us: unknown
    block_power = np.where(inp.block_power_available, POWERED, block_power)

    # 6. Stranding: the line waits for the earliest-powered block it gates.
    line_power = np.full(n_lines, UNSCHEDULED + 1, dtype=np.int64)
    np.minimum.at(line_power, e_line, block_power[e_block])
    strandable_codes = np.array(sorted(CATEGORY_CODE[c] for c in inp.strandable_categories), dtype=np.int64)
    candidate = np.isin(inp.line_category, strandable_codes) & (line_power != POWERED) & (line_power <= UNSCHEDULED)
    ev_power = line_power[ev_line]
    stranded_ev = (
        candidate[ev_line]
        & (ev_date < UNSCHEDULED)
        & ((ev_power >= UNSCHEDULED) | (ev_power - ev_date > inp.stranding_threshold_days))
    )
    s_idx = np.flatnonzero(stranded_ev)
    s_line = ev_line[s_idx]
    s_first = _segment_starts(s_line)
    lines = s_line[s_first]
    qty = np.bincount(s_line, weights=ev_qty[s_idx], minlength=n_lines)[lines]
    rec_weights = np.where(ev_received[s_idx], ev_qty[s_idx], 0)
    rec_qty = np.bincount(s_line, weights=rec_weights, minlength=n_lines)[lines]
    first_arrival = ev_date[s_idx[s_first]]  # events are date-sorted within a line
    stranded = tuple(
        zip(
            lines.tolist(),
            np.rint(qty).astype(np.int64).tolist(),
            np.rint(rec_qty).astype(np.int64).tolist(),
            first_arrival.tolist(),
            line_power[lines].tolist(),
            strict=True,
        )
    )

    return ForecastCore(
        line_arrival,
        line_ready,
        go_live.astype(np.int64),
        bind_kind,
        bind_line,
        binding_ready.astype(np.int64),
        block_power,
        stranded,
    )


def _binding(core: ForecastCore, inp: ForecastInput, b: int) -> BindingConstraint | None:
    kind = int(core.block_binding_kind[b])
    if kind == BINDING_NONE:
        return None
    ready = from_ordinal(int(core.block_binding_ready[b]))
    if kind == BINDING_GRID:
        return BindingConstraint(BindingKind.GRID_POWER, None, None, ready)
    line = int(core.block_binding_line[b])
    return BindingConstraint(BindingKind.LINE, line, category_from_code(int(inp.line_category[line])), ready)


def _quarters(inp: ForecastInput, go_live: np.ndarray) -> tuple[QuarterMW, ...]:
    planned = inp.block_planned_ordinal
    dated = go_live < UNSCHEDULED
    all_dates = np.concatenate((planned, go_live[dated]))
    if all_dates.size == 0:
        return ()
    year, q = quarter_of(date.fromordinal(int(all_dates.min())))
    last = quarter_of(date.fromordinal(int(all_dates.max())))
    rows = []
    while (year, q) <= last:
        end = quarter_end(year, q).toordinal()
        rows.append(
            QuarterMW(
                quarter_label(year, q),
                quarter_end(year, q),
                float(inp.block_mw[planned <= end].sum()),
                float(inp.block_mw[dated & (go_live <= end)].sum()),
            )
        )
        year, q = next_quarter(year, q)
    return tuple(rows)


def _value(inp: ForecastInput, line: int, qty_milli: int) -> Decimal | None:
    if inp.line_unit_value_usd is None:
        return None
    quantity = Decimal(qty_milli) / QTY_SCALE
    return (inp.line_unit_value_usd[line] * quantity).quantize(Decimal("0.01"))


def assemble(inp: ForecastInput, core: ForecastCore) -> ProgramForecast:
    """Per-block and per-project figures from the raw core (a loop over blocks only: ~20)."""
    as_of = inp.as_of_ordinal
    go_live = core.block_go_live
    live = inp.block_live_ordinal > 0
    blocks = []
    for b in range(inp.n_blocks):
        g = int(go_live[b])
        dated = g < UNSCHEDULED
        days_late = g - int(inp.block_planned_ordinal[b]) if dated else None
        power = int(core.block_power[b])
        blocks.append(
            BlockForecast(
                block_idx=b,
                mw=float(inp.block_mw[b]),
                planned_go_live=date.fromordinal(int(inp.block_planned_ordinal[b])),
                forecast_go_live=from_ordinal(g) if dated else None,
                days_late=days_late,
                at_risk=bool(not live[b] and (days_late is None or days_late > 0)),
                is_live=bool(live[b]),
                binding=_binding(core, inp, b),
                power_available=bool(inp.block_power_available[b]),
                power_forecast=None if power == POWERED else from_ordinal(power),
            )
        )

    project_go_live, binding_block = None, None
    if inp.n_blocks:
        binding_block = int(np.argmax(go_live))  # first max: undatable blocks sort last (UNSCHEDULED)
        if go_live[binding_block] < UNSCHEDULED:
            project_go_live = from_ordinal(int(go_live[binding_block]))

    edges_by_line: dict[int, set[int]] = {}
    on_stranded = np.isin(inp.edge_line_idx, [s[0] for s in core.stranded])
    for line, block in zip(
        inp.edge_line_idx[on_stranded].tolist(), inp.edge_block_idx[on_stranded].tolist(), strict=True
    ):
        edges_by_line.setdefault(line, set()).add(block)
    stranded = []
    for line, qty_m, rec_m, first, power in core.stranded:
        known = power < UNSCHEDULED
        stranded.append(
            StrandedEquipment(
                line_idx=line,
                category=category_from_code(int(inp.line_category[line])),
                block_idxs=tuple(sorted(edges_by_line.get(line, ()))),
                quantity=qty_m / QTY_SCALE,
                received_quantity=rec_m / QTY_SCALE,
                value_usd=_value(inp, line, qty_m),
                first_arrival=date.fromordinal(first),
                power_forecast=from_ordinal(power) if known else None,
                days_stranded=power - first if known else None,
            )
        )
    total_value = sum((s.value_usd for s in stranded if s.value_usd is not None), Decimal("0.00"))

    return ProgramForecast(
        as_of=date.fromordinal(as_of),
        blocks=tuple(blocks),
        project_go_live=project_go_live,
        project_binding_block_idx=binding_block,
        project_binding=blocks[binding_block].binding if binding_block is not None else None,
        mw_total=float(inp.block_mw.sum()),
        mw_at_risk=float(sum(b.mw for b in blocks if b.at_risk)),
        mw_by_quarter=_quarters(inp, go_live),
        stranded=tuple(stranded),
        stranded_value_usd=total_value,
        line_arrival_ordinal=core.line_arrival,
        line_ready_ordinal=core.line_ready,
    )


def forecast_program(inp: ForecastInput) -> ProgramForecast:
    """Recompute every block and project figure from the current promises."""
    return assemble(inp, compute_core(inp))
