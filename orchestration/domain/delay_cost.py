"""What the current slips cost: late blocks priced at the cost of delay, penalties, expediting, stranded GPUs.

From the deterministic forecast (forecast.py) of the current promises and two figures of the site economics
model (sitesel.domain.economics): the **cost of delay per MW-month** (annualised capex + opex / 12: what a MW
of compute costs to own and run for a month, so what a month of delay forgoes) and the **cost per GPU-hour**.

- **A late block**: days late = forecast go-live - plan (not live, dated, > 0). Months = days / 30.44.
  MW-months = MW x months; GPU-months not delivered = GPUs x months; dollars = MW-months x cost of delay.
- **Penalties**: a late block's binding line caused its late days; its contract's `late_penalty_per_day`
  applies to the most days any of the contract's lines delays a block (one late delivery, one penalty,
  however many blocks it holds back). A contract without the term is listed with no amount.
- **Expediting a line**: bringing the line to be ready by its block's need date (plan - commissioning, not
  before today) moves each block it binds back to its next constraint (the next latest line or the grid
  date). MW-days saved = sum over those blocks of MW x days saved; dollars at the cost of delay. The same
  per contract (all its late lines at once), since lines of one order often tie for the latest date.
- **Stranded GPUs**: the forecast's stranded chips lines (landed or landing > 30 days before power): idle GPUs
  = the gated blocks' GPUs x stranded share of the line; GPU-hours = GPUs x days waiting x 24; dollars at the
  cost per GPU-hour (an upper bound: it includes energy, which an idle rack does not draw).
- **Re-sequencing**: among blocks not yet powered, the one with the most GPUs already received is the one to
  energise first; suggested when it is not the block that gets power first on today's forecast.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from .categories import CATEGORY_CODE, Category
from .dates import UNSCHEDULED
from .errors import InvalidInput
from .forecast import BindingKind, ProgramForecast, block_grid, bridge_power
from .forecast_input import ForecastInput

DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class DelayPrices:
    cost_of_delay_usd_per_mw_month: float
    usd_per_gpu_hour: float

    def __post_init__(self) -> None:
        for name in ("cost_of_delay_usd_per_mw_month", "usd_per_gpu_hour"):
            value = getattr(self, name)
            if not np.isfinite(value) or value < 0:
                raise InvalidInput(f"{name} must be finite and >= 0")


@dataclass(frozen=True)
class BlockDelay:
    block_idx: int
    days_late: int
    mw_months: float
    gpu_months: float
    usd: float


@dataclass(frozen=True)
class Penalty:
    contract: int  # the caller's contract key
    line_idx: int  # the line whose lateness counts (most days)
    days: int
    per_day: Decimal | None
    amount: Decimal | None  # None: the contract has no late penalty per day


@dataclass(frozen=True)
class Expedite:
    line_idx: int  # the line index, or the contract key in `expedite_contracts`
    block_idxs: tuple[int, ...]  # the blocks it would move
    days_saved: int  # the most any of them moves
    mw_days: float
    usd: float


@dataclass(frozen=True)
class StrandedGpus:
    line_idx: int
    gpus: float
    days: int | None
    gpu_hours: float | None
    usd: float | None


@dataclass(frozen=True)
class Resequence:
    block_idx: int  # energise this block first
    gpus_received: float
    first_on_forecast_idx: int  # the block that gets power first today
    first_gpus_received: float


@dataclass(frozen=True)
class DelayCosts:
    prices: DelayPrices
    blocks: tuple[BlockDelay, ...]  # late blocks only
    mw_months: float
    gpu_months: float
    usd: float
    penalties: tuple[Penalty, ...]
    penalties_total: Decimal  # in the contracts' currencies, added as they stand
    expedite: tuple[Expedite, ...]  # per line, most MW-days first
    expedite_contracts: tuple[Expedite, ...]  # per contract (every late line of it), most MW-days first
    stranded: tuple[StrandedGpus, ...]
    stranded_gpu_hours: float
    stranded_usd: float
    resequence: Resequence | None


def _late_blocks(inp: ForecastInput, forecast: ProgramForecast, gpus: np.ndarray, prices: DelayPrices):
    rows = []
    for b in forecast.blocks:
        if b.is_live or b.days_late is None or b.days_late <= 0:
            continue
        months = b.days_late / DAYS_PER_MONTH
        mw_months = b.mw * months
        rows.append(BlockDelay(b.block_idx, b.days_late, mw_months, float(gpus[b.block_idx]) * months,
                               mw_months * prices.cost_of_delay_usd_per_mw_month))  # fmt: skip
    return tuple(rows)


def _penalties(late: tuple[BlockDelay, ...], forecast: ProgramForecast, line_contract, per_day) -> tuple:
    worst: dict[int, tuple[int, int]] = {}  # contract -> (days, line)
    for row in late:
        binding = forecast.blocks[row.block_idx].binding
        if binding is None or binding.kind != BindingKind.LINE:
            continue
        contract = int(line_contract[binding.line_idx])
        if row.days_late > worst.get(contract, (0, -1))[0]:
            worst[contract] = (row.days_late, binding.line_idx)
    out = []
    for contract, (days, line) in sorted(worst.items()):
        rate = per_day.get(contract)
        out.append(
            Penalty(contract, line, days, rate, None if rate is None else (rate * days).quantize(Decimal("0.01")))
        )
    return tuple(out)


def _expedite(
    inp: ForecastInput, forecast: ProgramForecast, prices: DelayPrices, line_contract: np.ndarray
) -> tuple[tuple[Expedite, ...], tuple[Expedite, ...]]:
    """Per line, then per contract (all its lines at once: lines of one order often tie, and expediting one
    of two tied lines alone saves nothing)."""
    as_of, n_blocks = inp.as_of_ordinal, inp.n_blocks
    e_line, e_block = inp.edge_line_idx, inp.edge_block_idx
    e_ready = forecast.line_ready_ordinal[e_line]
    grid = block_grid(inp)
    need = np.maximum(inp.block_planned_ordinal - inp.block_commissioning_days, as_of)
    on_time = np.minimum(e_ready, need[e_block])  # each edge's line, expedited to its block's need date

    def block_ready(ready: np.ndarray) -> np.ndarray:
        counted, counted_grid = bridge_power(ready, grid, e_line=e_line, e_block=e_block,
                                             line_category=inp.line_category)  # fmt: skip
        out = np.full(n_blocks, as_of, dtype=np.int64)
        np.maximum.at(out, e_block, counted)
        return np.maximum(out, counted_grid)

    now = block_ready(e_ready)
    movable = (inp.block_live_ordinal == 0) & (now < UNSCHEDULED) & (now > need)
    counted = bridge_power(e_ready, grid, e_line=e_line, e_block=e_block, line_category=inp.line_category)[0]
    late_edges = movable[e_block] & (counted > need[e_block])

    def rows(keys: np.ndarray, key_of_edge: np.ndarray) -> tuple[Expedite, ...]:
        out = []
        for key in keys.tolist():
            saved = np.where(movable, now - block_ready(np.where(key_of_edge == key, on_time, e_ready)), 0)
            moved = np.flatnonzero(saved > 0)
            if moved.size:
                mw_days = float((inp.block_mw[moved] * saved[moved]).sum())
                usd = mw_days / DAYS_PER_MONTH * prices.cost_of_delay_usd_per_mw_month
                out.append(Expedite(key, tuple(moved.tolist()), int(saved.max()), mw_days, usd))
        return tuple(sorted(out, key=lambda r: (-r.mw_days, r.line_idx)))

    lines = np.unique(e_line[late_edges])
    contract_of_edge = np.asarray(line_contract, dtype=np.int64)[e_line]
    return rows(lines, e_line), rows(np.unique(contract_of_edge[late_edges]), contract_of_edge)


def _stranded(inp: ForecastInput, forecast: ProgramForecast, gpus: np.ndarray, prices: DelayPrices):
    rows = []
    for s in forecast.stranded:
        if s.category != Category.CHIPS:
            continue
        share = s.quantity / float(inp.line_required_qty[s.line_idx]) if inp.line_required_qty[s.line_idx] else 0.0
        idle = float(sum(gpus[b] for b in s.block_idxs)) * share
        hours = None if s.days_stranded is None else idle * s.days_stranded * 24
        usd = None if hours is None else hours * prices.usd_per_gpu_hour
        rows.append(StrandedGpus(s.line_idx, idle, s.days_stranded, hours, usd))
    return tuple(rows)


def _resequence(inp: ForecastInput, forecast: ProgramForecast, gpus: np.ndarray) -> Resequence | None:
    received = np.bincount(inp.delivery_line_idx, weights=inp.delivery_received_qty, minlength=inp.n_lines)
    chips = inp.line_category == CATEGORY_CODE[Category.CHIPS]
    share = np.divide(received, inp.line_required_qty, out=np.zeros(inp.n_lines), where=inp.line_required_qty > 0)
    landed = np.zeros(inp.n_blocks)
    on_chips = chips[inp.edge_line_idx]
    np.add.at(landed, inp.edge_block_idx[on_chips], np.minimum(share[inp.edge_line_idx[on_chips]], 1.0))
    landed = landed * gpus  # a block's chips lines together cover its GPUs
    waiting = [b for b in forecast.blocks if not b.is_live and not b.power_available]
    if not waiting or landed[[b.block_idx for b in waiting]].max() <= 0:
        return None
    best = max(waiting, key=lambda b: (landed[b.block_idx], -b.block_idx))
    first = min(waiting, key=lambda b: (b.power_forecast.toordinal() if b.power_forecast else UNSCHEDULED, b.block_idx))
    if best.block_idx == first.block_idx:
        return None
    return Resequence(best.block_idx, float(landed[best.block_idx]), first.block_idx, float(landed[first.block_idx]))


def delay_costs(
    inp: ForecastInput,
    forecast: ProgramForecast,
    *,
    block_gpus: np.ndarray,
    line_contract: np.ndarray,
    penalty_per_day: dict[int, Decimal],
    prices: DelayPrices,
) -> DelayCosts:
    """Price the current slips (`forecast` = forecast_program(inp)); `line_contract[l]` keys `penalty_per_day`."""
    gpus = np.asarray(block_gpus, dtype=np.float64)
    if gpus.size != inp.n_blocks or np.asarray(line_contract).size != inp.n_lines:
        raise InvalidInput("block_gpus needs one entry per block and line_contract one per line")
    late = _late_blocks(inp, forecast, gpus, prices)
    penalties = _penalties(late, forecast, np.asarray(line_contract), penalty_per_day)
    stranded = _stranded(inp, forecast, gpus, prices)
    expedite, expedite_contracts = _expedite(inp, forecast, prices, np.asarray(line_contract))
    return DelayCosts(
        prices=prices,
        blocks=late,
        mw_months=sum(r.mw_months for r in late),
        gpu_months=sum(r.gpu_months for r in late),
        usd=sum(r.usd for r in late),
        penalties=penalties,
        penalties_total=sum((p.amount for p in penalties if p.amount is not None), Decimal("0.00")),
        expedite=expedite,
        expedite_contracts=expedite_contracts,
        stranded=stranded,
        stranded_gpu_hours=sum(r.gpu_hours or 0.0 for r in stranded),
        stranded_usd=sum(r.usd or 0.0 for r in stranded),
        resequence=_resequence(inp, forecast, gpus),
    )
