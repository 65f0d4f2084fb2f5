"""Probabilistic go-live: a Monte Carlo over the open deliveries, vectorised over draws with numpy.

Each draw gives every open delivery that a supplier has committed to (promised, or confirmed) a slip drawn
from its supplier's distribution (scorecards.slip_model: own closed deliveries shrunk towards the
category's), then applies the deterministic forecast's rules (forecast.py) to the slipped dates: line
arrival when the cumulative quantity reaches the required one, ready = arrival + install days, block ready =
the latest gating line or the utility energisation date, go-live = ready + commissioning. What is already
received, installed or live, and carrier ETAs (`expected` dates), do not slip, as in the forecast.

**Correlation within a supplier** (a factory that slips one shipment tends to slip the next): in each draw a
supplier has one shared quantile level; each of its deliveries takes that shared level with probability
`supplier_share` and an independent level otherwise. Two deliveries of one supplier thus have the same
slip rank with probability `supplier_share`², and slips of different suppliers are independent.

**Tornado**: a driver's effect is the program P80 minus the P80 of the same draws with that supplier's
(or line's) deliveries on their commitments (common random numbers, so the difference is not noise). Only
a supplier or line that sets the program's go-live in at least one draw can move it; the candidates are the
ones that do so most often (their *criticality*: the share of draws in which they set it).

**Portfolio** (`simulate_portfolio`): several programs in the same draws, a supplier's shared level common to
every program it serves, MW live by quarter added draw by draw before the band is read.

Lines are computed three ways, all exact: lines with nothing open to slip keep the forecast's date; lines
that need every scheduled quantity arrive at the latest of their events (a max over draws x deliveries);
over-scheduled lines (more quantity than required) sort their events per draw.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import numpy as np

from .dates import UNSCHEDULED, from_ordinal, next_quarter, quarter_end, quarter_label, quarter_of
from .errors import InvalidInput
from .forecast import block_grid, bridge_power, compute_core
from .forecast_input import ForecastInput, to_milli
from .scorecards import SlipModel

PERCENTILES = (0.5, 0.8, 0.9)
MAX_DRAWS = 20_000


@dataclass(frozen=True)
class RiskSettings:
    draws: int = 2000
    seed: int = 0
    supplier_share: float = 0.7
    drivers: int = 10  # suppliers and lines evaluated for the tornado (by criticality)
    # Draws simulated at once. 100 keeps a chunk's (draws x open deliveries) arrays near the CPU caches: 20-25 %
    # less CPU than 250 on the 1 GW benchmark (docs/performance.md). Memory: threads x chunk x open deliveries.
    chunk: int = 100
    threads: int = 1  # chunks computed at once on a thread pool; the answer does not depend on it

    def __post_init__(self) -> None:
        if not 1 <= self.draws <= MAX_DRAWS:
            raise InvalidInput(f"draws must be within 1..{MAX_DRAWS}")
        if not 0.0 <= self.supplier_share <= 1.0:
            raise InvalidInput("supplier_share must be within 0..1")
        if self.drivers < 0 or self.chunk < 1 or not 1 <= self.threads <= 16:
            raise InvalidInput("drivers must be >= 0, chunk >= 1 and threads within 1..16")


@dataclass(frozen=True)
class BlockRisk:
    block_idx: int
    mw: float
    planned_go_live: date
    nominal_go_live: date | None  # every open commitment kept (no slip, no de-rate)
    p50: date | None  # None: undatable in more than (1 - p) of the draws
    p80: date | None
    p90: date | None
    prob_late: float  # share of draws later than plan (or undatable)
    expected_days_late: float  # mean over dated draws of max(go-live - plan, 0)


@dataclass(frozen=True)
class QuarterBand:
    quarter: str
    quarter_end: date
    planned_mw_cumulative: float
    mw_p10: float  # nine draws in ten have at least this many MW live by the quarter's end
    mw_p50: float
    mw_p90: float


@dataclass(frozen=True)
class Driver:
    key: int  # supplier position (slip model row) or line index
    criticality: float  # share of draws in which it sets the program's go-live
    p80_without: date | None  # program P80 with its deliveries on their commitments
    p80_days: int | None  # program P80 - p80_without: what its slips cost the P80


@dataclass(frozen=True, eq=False)
class ProgramRisk:
    as_of: date
    settings: RiskSettings
    blocks: tuple[BlockRisk, ...]
    planned_go_live: date | None  # the last block's plan
    p50: date | None
    p80: date | None
    p90: date | None
    prob_late: float
    mw_by_quarter: tuple[QuarterBand, ...]
    supplier_drivers: tuple[Driver, ...]  # largest P80 effect first
    line_drivers: tuple[Driver, ...]
    line_arrival: np.ndarray  # (draws, lines) ordinals, UNSCHEDULED = cannot be dated
    block_go_live: np.ndarray  # (draws, blocks)

    def line_arrival_percentiles(self, lines: np.ndarray) -> np.ndarray:
        """(len(PERCENTILES), len(lines)) arrival ordinals of the given lines (UNSCHEDULED = undatable)."""
        return _quantiles(self.line_arrival[:, np.asarray(lines, dtype=np.int64)])

    def prob_arrival_after(self, lines: np.ndarray, ordinals: np.ndarray) -> np.ndarray:
        """Share of draws in which each line arrives after the given date (e.g. its required-on-site date)."""
        lines = np.asarray(lines, dtype=np.int64)
        return (self.line_arrival[:, lines] > np.asarray(ordinals, dtype=np.int64)[None, :]).mean(axis=0)


def _quantiles(x: np.ndarray, ps=PERCENTILES) -> np.ndarray:
    # inverted_cdf returns an actual draw, so a percentile is a real date (not a midpoint of two).
    return np.quantile(x, ps, axis=0, method="inverted_cdf").astype(np.int64)


def _date(ordinal: int) -> date | None:
    return None if ordinal >= UNSCHEDULED else from_ordinal(ordinal)


@dataclass(frozen=True, eq=False)
class _OverScheduled:
    """Lines scheduled for more than they need: their events padded to one width per line (pads sort last)."""

    lines: np.ndarray  # (G,)
    dates: np.ndarray  # (G, width) int32: fixed event dates; slippable slots are filled per draw
    qty: np.ndarray  # (G, width) milli-units, 0 on pads
    required: np.ndarray  # (G,) milli-units
    kth: np.ndarray | None  # (G,) equal quantities: the arrival is the kth earliest event (0-based)
    cols: np.ndarray  # columns of the slippable deliveries in these lines
    slot: tuple[np.ndarray, np.ndarray]  # their (row, slot) in `dates`

    @classmethod
    def build(cls, mask, uniform, required, f_line, f_date, f_qty, s_line, s_qty) -> _OverScheduled:
        lines = np.flatnonzero(mask)
        row = np.full(mask.size, -1, dtype=np.int64)
        row[lines] = np.arange(lines.size)
        width = int(np.bincount(np.concatenate((f_line, s_line)), minlength=mask.size)[lines].max())
        dates = np.full((lines.size, width), UNSCHEDULED + 1, dtype=np.int32)
        qty = np.zeros((lines.size, width), dtype=np.int64)
        fill = np.zeros(lines.size, dtype=np.int64)
        fixed = np.flatnonzero(mask[f_line])
        for when, quantity, r in zip(f_date[fixed].tolist(), f_qty[fixed].tolist(), row[f_line[fixed]].tolist(),
                                     strict=True):  # fmt: skip
            dates[r, fill[r]], qty[r, fill[r]] = when, quantity
            fill[r] += 1
        cols = np.flatnonzero(mask[s_line])
        slot_row = row[s_line[cols]]
        slot = np.zeros(cols.size, dtype=np.int64)
        for i, r in enumerate(slot_row.tolist()):
            slot[i] = fill[r]
            fill[r] += 1
        qty[slot_row, slot] = s_qty[cols]
        need = required[lines]
        kth = -(-need // qty[:, 0]) - 1 if uniform else None  # events needed to reach the quantity, minus 1
        return cls(lines, dates, qty, need, kth, cols, (slot_row, slot))

    def arrival(self, slipped: np.ndarray) -> np.ndarray:
        """(n, G) arrival ordinals, given the (n, S) slipped dates of every slippable delivery."""
        n = slipped.shape[0]
        events = np.broadcast_to(self.dates, (n, *self.dates.shape)).copy()
        events[:, self.slot[0], self.slot[1]] = slipped[:, self.cols]
        if self.kth is not None:
            events.sort(axis=2)
            return np.take_along_axis(events, np.broadcast_to(self.kth[None, :, None], (n, self.lines.size, 1)),
                                      axis=2)[..., 0]  # fmt: skip
        order = np.argsort(events, axis=2)
        cum = np.cumsum(self.qty[np.arange(self.lines.size)[:, None], order], axis=2)
        first = np.argmax(cum >= self.required[:, None], axis=2)
        return np.take_along_axis(events, np.take_along_axis(order, first[..., None], axis=2), axis=2)[..., 0]


@dataclass(frozen=True, eq=False)
class _Plan:
    """The input rearranged once for the draws: slippable deliveries grouped by line, line classes."""

    as_of: int
    nominal_arrival: np.ndarray  # (L,) zero-slip arrival (the forecast without de-rate)
    nominal_ready: np.ndarray
    s_committed: np.ndarray  # (S,) slippable open deliveries, sorted by supplier, then line
    s_runs: tuple[tuple[int, int, int], ...]  # (slip-model row, first, end): the columns of each supplier
    s_line: np.ndarray
    simple_lines: np.ndarray  # lines whose arrival is the latest of their events, in column order
    simple_starts: np.ndarray  # segment starts of the simple lines' deliveries in the s_ arrays
    simple_cols: np.ndarray  # columns of the s_ arrays that belong to simple lines
    simple_fixed: np.ndarray  # per simple line: the latest fixed event date (received, ETA), at least as_of
    over: tuple[_OverScheduled, ...]  # over-scheduled lines: equal event quantities, then mixed
    installed: np.ndarray
    installed_ordinal: np.ndarray
    install_days: np.ndarray


def _prepare(inp: ForecastInput, line_supplier: np.ndarray) -> _Plan:
    as_of, n_lines = inp.as_of_ordinal, inp.n_lines
    nominal = compute_core(dataclasses.replace(inp, line_derate_days=np.zeros(n_lines, dtype=np.int64)))
    d_line = inp.delivery_line_idx
    qty_m, rec_m = to_milli(inp.delivery_qty), to_milli(inp.delivery_received_qty)
    open_m = np.maximum(qty_m - rec_m, 0)
    committed = np.where(
        inp.delivery_confirmed_ordinal > 0, inp.delivery_confirmed_ordinal, inp.delivery_promised_ordinal
    )
    slippable = (open_m > 0) & (inp.delivery_expected_ordinal == 0) & (committed > 0)

    # Fixed events: received parts on their actual date, open parts with an ETA or no date at all.
    rec_date = np.where(inp.delivery_actual_ordinal > 0, inp.delivery_actual_ordinal, as_of)
    eta = np.where(inp.delivery_expected_ordinal > 0, np.maximum(inp.delivery_expected_ordinal, as_of), UNSCHEDULED)
    fixed_open = (open_m > 0) & ~slippable
    f_line = np.concatenate((d_line[rec_m > 0], d_line[fixed_open]))
    f_date = np.concatenate((rec_date[rec_m > 0], eta[fixed_open]))
    f_qty = np.concatenate((rec_m[rec_m > 0], open_m[fixed_open]))

    required = to_milli(inp.line_required_qty)
    total = np.bincount(d_line, weights=rec_m + open_m, minlength=n_lines)
    n_slip = np.bincount(d_line[slippable], minlength=n_lines)
    smallest = np.full(n_lines, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(smallest, np.concatenate((f_line, d_line[slippable])), np.concatenate((f_qty, open_m[slippable])))
    installed = inp.line_installed_ordinal > 0
    moving = (required > 0) & (n_slip > 0) & (total >= required) & ~installed
    simple = moving & (total - smallest < required)  # every event is needed: arrival = the latest one
    general = moving & ~simple

    # Columns sorted by supplier, then line (a line has one supplier): each supplier's deliveries are one
    # run of columns, so a draw looks its slips up in that supplier's table row without a gather.
    s_idx = np.flatnonzero(slippable)
    line_supplier = np.asarray(line_supplier, dtype=np.int64)
    s_idx = s_idx[np.lexsort((d_line[s_idx], line_supplier[d_line[s_idx]]))]
    s_line = d_line[s_idx]
    s_supplier = line_supplier[s_line]
    run_starts = np.flatnonzero(np.r_[True, s_supplier[1:] != s_supplier[:-1]]) if s_idx.size else np.zeros(0, int)
    run_ends = np.r_[run_starts[1:], s_idx.size][: run_starts.size]
    s_runs = tuple(zip(s_supplier[run_starts].tolist(), run_starts.tolist(), run_ends.tolist(), strict=True))
    in_simple = simple[s_line]
    simple_cols = np.flatnonzero(in_simple)
    seg = s_line[simple_cols]
    simple_starts = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]]) if seg.size else np.zeros(0, np.int64)
    simple_lines = seg[simple_starts]
    fixed_max = np.full(n_lines, as_of, dtype=np.int64)
    np.maximum.at(fixed_max, f_line, f_date)

    # Over-scheduled lines: when every event has the same quantity the arrival is the k-th earliest event
    # (a plain sort); otherwise the events are sorted with their quantities and accumulated.
    events_qty = (np.concatenate((f_line, d_line[slippable])), np.concatenate((f_qty, open_m[slippable])))
    largest = np.zeros(n_lines, dtype=np.int64)
    np.maximum.at(largest, *events_qty)
    uniform = general & (largest == smallest)
    events = (f_line, f_date, f_qty, s_line, open_m[s_idx])
    over = tuple(
        _OverScheduled.build(mask, same, required, *events)
        for mask, same in ((uniform, True), (general & ~uniform, False))
        if mask.any()
    )
    return _Plan(
        as_of=as_of,
        nominal_arrival=nominal.line_arrival.astype(np.int32),
        nominal_ready=nominal.line_ready.astype(np.int32),
        s_committed=committed[s_idx].astype(np.int32),
        s_runs=s_runs,
        s_line=s_line,
        simple_lines=simple_lines,
        simple_starts=simple_starts,
        simple_cols=simple_cols,
        simple_fixed=fixed_max[simple_lines],
        over=over,
        installed=installed,
        installed_ordinal=inp.line_installed_ordinal.astype(np.int32),
        install_days=inp.line_install_days.astype(np.int32),
    )


def shared_levels(rng: np.random.Generator, n: int, n_suppliers: int) -> np.ndarray:
    """(n, n_suppliers) uint8: each supplier's shared quantile level per draw (one random byte each)."""
    return np.frombuffer(rng.bytes(n * n_suppliers), dtype=np.uint8).reshape(n, n_suppliers)


@dataclass(frozen=True, eq=False)
class _Randoms:
    """One chunk's random bytes for one program: drawn on the calling thread in a fixed order, so the answer
    does not depend on how many threads do the arithmetic."""

    own: np.ndarray  # (n, S) uint8: each delivery's own quantile level
    shared: np.ndarray | None  # (n, suppliers) uint8: each supplier's shared level (None: share 0)
    take: np.ndarray | None  # (n, S) uint8: below round(share * 256) = the delivery takes the shared level


def _randoms(
    plan: _Plan, slips: SlipModel, rng: np.random.Generator, n: int, share: float, shared: np.ndarray | None
) -> _Randoms:
    """`shared`: the suppliers' levels of these draws when several programs must see the same supplier slip
    (the portfolio); drawn here otherwise."""
    s_count = plan.s_committed.size
    if s_count == 0:
        return _Randoms(np.zeros((n, 0), np.uint8), None, None)
    own = np.frombuffer(rng.bytes(n * s_count), dtype=np.uint8).reshape(n, s_count)
    if share <= 0:
        return _Randoms(own, None, None)
    if shared is None:
        shared = shared_levels(rng, n, slips.n_suppliers)
    return _Randoms(own, shared, np.frombuffer(rng.bytes(n * s_count), dtype=np.uint8).reshape(n, s_count))


def _arrivals(plan: _Plan, slips: SlipModel, randoms: _Randoms, share: float) -> np.ndarray:
    """(n, L) line arrival ordinals for one chunk of draws (numpy only: safe to run on several threads)."""
    own = randoms.own
    arrival = np.broadcast_to(plan.nominal_arrival, (own.shape[0], plan.nominal_arrival.size)).copy()
    if own.shape[1] == 0:
        return arrival
    take = None if randoms.take is None else (randoms.take < round(share * 256)).view(np.uint8) * np.uint8(255)
    # int32 throughout: ordinals and UNSCHEDULED fit, and half the memory traffic of int64.
    dates = np.empty(own.shape, dtype=np.int32)
    for row, first, end in plan.s_runs:
        level = own[:, first:end]
        if take is not None:
            # level = take ? shared : own, as a branch-free byte blend (about twice as fast as np.where here)
            level = np.bitwise_xor(level, randoms.shared[:, row, None])
            level &= take[:, first:end]
            level ^= own[:, first:end]
        dates[:, first:end] = np.take(slips.table[row], level)
    dates += plan.s_committed
    np.maximum(dates, plan.as_of, out=dates)
    if plan.simple_lines.size:
        latest = np.maximum.reduceat(dates[:, plan.simple_cols], plan.simple_starts, axis=1)
        arrival[:, plan.simple_lines] = np.maximum(latest, plan.simple_fixed)
    for group in plan.over:
        arrival[:, group.lines] = group.arrival(dates)
    return arrival


def _draw_arrivals(
    plans: list[_Plan], slips: SlipModel, settings: RiskSettings, pool: Executor, *, shared_suppliers: bool = False
) -> list[np.ndarray]:
    """(draws, L) line arrivals of each plan. Chunks of `settings.chunk` draws; the random bytes are drawn in
    order here and the arithmetic of `settings.threads` chunks runs at once on as many threads (numpy releases
    the GIL), which bounds memory to threads x chunk x open deliveries. `shared_suppliers`: every plan sees
    the same shared level of a supplier in a draw."""
    rng = np.random.default_rng(settings.seed)
    share = settings.supplier_share
    starts = list(range(0, settings.draws, settings.chunk))
    out: list[list[np.ndarray]] = [[] for _ in plans]
    for first in range(0, len(starts), settings.threads):
        jobs = []
        for start in starts[first : first + settings.threads]:
            n = min(settings.chunk, settings.draws - start)
            shared = shared_levels(rng, n, slips.n_suppliers) if shared_suppliers and share > 0 else None
            jobs.extend((k, _randoms(plan, slips, rng, n, share, shared)) for k, plan in enumerate(plans))
        done = pool.map(lambda job: _arrivals(plans[job[0]], slips, job[1], share), jobs)
        for (k, _), arrival in zip(jobs, done, strict=True):
            out[k].append(arrival)
    return [np.concatenate(chunks) for chunks in out]


def _ready(plan: _Plan, arrival: np.ndarray) -> np.ndarray:
    pending = np.where(arrival >= UNSCHEDULED, UNSCHEDULED, np.maximum(arrival + plan.install_days, plan.as_of))
    return np.where(plan.installed, plan.installed_ordinal, pending)


@dataclass(frozen=True, eq=False)
class _Blocks:
    """Line ready -> block go-live, for all draws at once (edges sorted by block for a segmented max)."""

    inp: ForecastInput

    def __post_init__(self) -> None:
        inp = self.inp
        order = np.argsort(inp.edge_block_idx, kind="stable")
        e_block, e_line = inp.edge_block_idx[order], inp.edge_line_idx[order]
        starts = np.flatnonzero(np.r_[True, e_block[1:] != e_block[:-1]]) if e_block.size else np.zeros(0, np.int64)
        grid = block_grid(inp)
        for name, value in (("e_block", e_block), ("e_line", e_line), ("starts", starts), ("grid", grid),
                            ("gated", e_block[starts])):  # fmt: skip
            object.__setattr__(self, name, value)

    def go_live(
        self, ready: np.ndarray, blocks: np.ndarray | None = None, kept: tuple[np.ndarray, np.ndarray] | None = None
    ) -> np.ndarray:
        """(draws, B) go-live ordinals. With `blocks`, only those columns are computed (the others: as_of);
        with `kept` = (lines, their ready ordinals), those lines are taken as ready then in every draw."""
        inp = self.inp
        e_block, e_line, starts = self.e_block, self.e_line, self.starts
        if blocks is not None:
            keep = np.isin(e_block, blocks)
            e_block, e_line = e_block[keep], e_line[keep]
            starts = np.flatnonzero(np.r_[True, e_block[1:] != e_block[:-1]]) if e_block.size else starts[:0]
        block_ready = np.full((ready.shape[0], inp.n_blocks), inp.as_of_ordinal, dtype=ready.dtype)
        grid = np.broadcast_to(self.grid, block_ready.shape)
        if e_block.size:
            gathered = ready[:, e_line]
            if kept is not None:
                where = np.flatnonzero(np.isin(e_line, kept[0]))
                gathered[:, where] = kept[1][np.searchsorted(kept[0], e_line[where])]
            gathered, grid = bridge_power(gathered, grid, e_line=e_line, e_block=e_block,
                                          line_category=inp.line_category)  # fmt: skip
            block_ready[:, e_block[starts]] = np.maximum.reduceat(gathered, starts, axis=1)
            block_ready[block_ready < 0] = inp.as_of_ordinal  # only moot generation lines: as if none
        block_ready = np.maximum(block_ready, grid)
        go = np.where(block_ready >= UNSCHEDULED, UNSCHEDULED,
                      np.maximum(block_ready + inp.block_commissioning_days, inp.as_of_ordinal))  # fmt: skip
        return np.where(inp.block_live_ordinal > 0, inp.block_live_ordinal, go)

    def binding_line(self, ready: np.ndarray, go: np.ndarray) -> np.ndarray:
        """Per draw, the line that sets the program's go-live (-1: the grid date, or a live block)."""
        program_block = np.argmax(go, axis=1)
        out = np.full(ready.shape[0], -1, dtype=np.int64)
        live = self.inp.block_live_ordinal > 0
        for b in np.unique(program_block).tolist():
            rows = np.flatnonzero(program_block == b)
            mine = self.e_block == b
            lines = self.e_line[mine]
            if live[b] or lines.size == 0:
                continue
            grid = np.zeros((rows.size, self.inp.n_blocks), dtype=np.int64)
            grid[:, b] = self.grid[b]
            sub, grid = bridge_power(ready[np.ix_(rows, lines)], grid, e_line=lines, e_block=self.e_block[mine],
                                     line_category=self.inp.line_category)  # fmt: skip
            best = np.argmax(sub, axis=1)
            by_line = sub[np.arange(rows.size), best] >= grid[:, b]
            out[rows[by_line]] = lines[best[by_line]]
        return out


def _drivers(
    keys: np.ndarray,
    binding_key: np.ndarray,
    lines_of,
    blocks: _Blocks,
    ready,
    go,
    plan: _Plan,
    settings,
    pool: Executor,
) -> tuple[Driver, ...]:
    """The tornado bars of the most critical keys (suppliers or lines), computed on the pool's threads."""
    if go.shape[1] == 0:
        return ()
    draws = go.shape[0]
    program = go.max(axis=1)
    p80 = int(_quantiles(program, (0.8,))[0])
    bound = binding_key[binding_key >= 0]
    counts = np.bincount(bound, minlength=int(keys.max(initial=-1)) + 1) if bound.size else np.zeros(0, np.int64)
    candidates = np.argsort(-counts, kind="stable")[: settings.drivers]

    def bar(key: int) -> Driver:
        lines = lines_of(key)
        touched = np.unique(blocks.e_block[np.isin(blocks.e_line, lines)])
        go_kept = go.copy()
        go_kept[:, touched] = blocks.go_live(ready, touched, (lines, plan.nominal_ready[lines]))[:, touched]
        p80_kept = int(_quantiles(go_kept.max(axis=1), (0.8,))[0])
        dated = p80 < UNSCHEDULED and p80_kept < UNSCHEDULED
        return Driver(key, float(counts[key] / draws), _date(p80_kept), p80 - p80_kept if dated else None)

    out = list(pool.map(bar, candidates[counts[candidates] > 0].tolist()))
    out.sort(key=lambda d: (-(d.p80_days if d.p80_days is not None else 10**9), -d.criticality, d.key))
    return tuple(out)


def quarter_bands(planned: np.ndarray, mw: np.ndarray, go: np.ndarray) -> tuple[QuarterBand, ...]:
    """MW live at each quarter's end as a band over the draws; `go` is (draws, blocks) go-live ordinals and
    the blocks may come from several programs (the portfolio adds them draw by draw)."""
    if planned.size == 0:
        return ()
    tail = _quantiles(go)[-1]  # the blocks' P90: the band runs to the last of them
    dated_go, dated_tail = go[go < UNSCHEDULED], tail[tail < UNSCHEDULED]
    first = int(min(planned.min(), dated_go.min(initial=UNSCHEDULED)))
    year, q = quarter_of(date.fromordinal(first))
    last = quarter_of(date.fromordinal(int(max(planned.max(), dated_tail.max(initial=0)))))
    rows = []
    while (year, q) <= last:
        end = quarter_end(year, q)
        live_mw = (go <= end.toordinal()) @ mw
        p10, p50, p90 = np.quantile(live_mw, (0.1, 0.5, 0.9), method="inverted_cdf")
        planned_mw = float(mw[planned <= end.toordinal()].sum())
        rows.append(QuarterBand(quarter_label(year, q), end, planned_mw, float(p10), float(p50), float(p90)))
        year, q = next_quarter(year, q)
    return tuple(rows)


def check_line_suppliers(inp: ForecastInput, line_supplier: np.ndarray, slips: SlipModel) -> np.ndarray:
    """`line_supplier` as int64, refused unless it gives every line a row of `slips`."""
    line_supplier = np.asarray(line_supplier, dtype=np.int64).reshape(-1)
    if line_supplier.size != inp.n_lines:
        raise InvalidInput(f"line_supplier has {line_supplier.size} entries, expected {inp.n_lines}")
    if line_supplier.size and (line_supplier.min() < 0 or line_supplier.max() >= slips.n_suppliers):
        raise InvalidInput(f"line_supplier must index 0..{slips.n_suppliers - 1}")
    return line_supplier


def simulate_program(
    inp: ForecastInput, line_supplier: np.ndarray, slips: SlipModel, settings: RiskSettings = RiskSettings()
) -> ProgramRisk:
    """Draw the program's go-live `settings.draws` times; `line_supplier[l]` is line l's row in `slips`."""
    line_supplier = check_line_suppliers(inp, line_supplier, slips)
    plan = _prepare(inp, line_supplier)
    with ThreadPoolExecutor(max_workers=settings.threads) as pool:
        return _program_risk(inp, line_supplier, slips, settings, plan, pool)


def _program_risk(
    inp: ForecastInput, line_supplier: np.ndarray, slips: SlipModel, settings: RiskSettings, plan: _Plan,
    pool: Executor,
) -> ProgramRisk:  # fmt: skip
    (arrival,) = _draw_arrivals([plan], slips, settings, pool)
    ready = _ready(plan, arrival)
    blocks = _Blocks(inp)
    go = blocks.go_live(ready)
    nominal_go = blocks.go_live(plan.nominal_ready[None, :])[0]

    planned = inp.block_planned_ordinal
    q = _quantiles(go)
    late_days = np.where(go < UNSCHEDULED, np.maximum(go - planned, 0), 0)
    dated_share = np.maximum((go < UNSCHEDULED).sum(axis=0), 1)
    block_rows = tuple(
        BlockRisk(
            block_idx=b,
            mw=float(inp.block_mw[b]),
            planned_go_live=date.fromordinal(int(planned[b])),
            nominal_go_live=_date(int(nominal_go[b])),
            p50=_date(int(q[0, b])),
            p80=_date(int(q[1, b])),
            p90=_date(int(q[2, b])),
            prob_late=float((go[:, b] > planned[b]).mean()),
            expected_days_late=float(late_days[:, b].sum() / dated_share[b]),
        )
        for b in range(inp.n_blocks)
    )
    program = go.max(axis=1) if inp.n_blocks else np.zeros(settings.draws, np.int64)
    pq = _quantiles(program)
    last_plan = int(planned.max()) if inp.n_blocks else None

    binding = blocks.binding_line(ready, go) if inp.n_blocks else np.full(settings.draws, -1)
    line_drivers = _drivers(
        np.arange(inp.n_lines), binding, lambda key: np.array([key]), blocks, ready, go, plan, settings, pool
    )
    binding_supplier = np.full_like(binding, -1)
    binding_supplier[binding >= 0] = line_supplier[binding[binding >= 0]]
    supplier_drivers = _drivers(
        np.arange(slips.n_suppliers), binding_supplier, lambda key: np.flatnonzero(line_supplier == key),
        blocks, ready, go, plan, settings, pool,
    )  # fmt: skip
    return ProgramRisk(
        as_of=date.fromordinal(inp.as_of_ordinal),
        settings=settings,
        blocks=block_rows,
        planned_go_live=None if last_plan is None else date.fromordinal(last_plan),
        p50=_date(int(pq[0])),
        p80=_date(int(pq[1])),
        p90=_date(int(pq[2])),
        prob_late=float((program > last_plan).mean()) if last_plan else 0.0,
        mw_by_quarter=quarter_bands(inp.block_planned_ordinal, inp.block_mw, go),
        supplier_drivers=supplier_drivers,
        line_drivers=line_drivers,
        line_arrival=arrival,
        block_go_live=go,
    )


@dataclass(frozen=True, eq=False)
class PortfolioRisk:
    settings: RiskSettings
    shared_suppliers: bool  # one supplier's slip hits every program it serves in the same draw
    mw_by_quarter: tuple[QuarterBand, ...]  # MW live across the programs, a band over the draws
    program_go_live: np.ndarray  # (draws, programs) each program's last block, UNSCHEDULED = undatable


def simulate_portfolio(
    programs: list[tuple[ForecastInput, np.ndarray]],
    slips: SlipModel,
    settings: RiskSettings = RiskSettings(),
    *,
    shared_suppliers: bool = True,
) -> PortfolioRisk:
    """Draw several programs together: `programs` holds each one's input and line -> row of `slips` (one slip
    model over every supplier of every program). In each draw a supplier has one shared quantile level for
    all the programs it serves (`shared_suppliers`; False draws it per program, as if they were unrelated),
    so a factory that slips delays every program at once and the portfolio's band is not narrowed by
    pretending the programs are independent. MW live by quarter is added draw by draw, then banded."""
    plans = [_prepare(inp, check_line_suppliers(inp, rows, slips)) for inp, rows in programs]
    with ThreadPoolExecutor(max_workers=settings.threads) as pool:
        arrivals = _draw_arrivals(plans, slips, settings, pool, shared_suppliers=shared_suppliers)
    go = [_Blocks(inp).go_live(_ready(plan, arrival))
          for (inp, _), plan, arrival in zip(programs, plans, arrivals, strict=True)]  # fmt: skip
    last = np.zeros((settings.draws, len(go)), np.int64)
    for k, g in enumerate(go):
        if g.shape[1]:
            last[:, k] = g.max(axis=1)
    planned = np.concatenate([inp.block_planned_ordinal for inp, _ in programs] or [np.zeros(0, np.int64)])
    mw = np.concatenate([inp.block_mw for inp, _ in programs] or [np.zeros(0)])
    all_go = np.concatenate(go, axis=1) if go else np.zeros((settings.draws, 0), np.int64)
    return PortfolioRisk(settings, shared_suppliers, quarter_bands(planned, mw, all_go), last)
