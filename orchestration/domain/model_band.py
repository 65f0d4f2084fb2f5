"""The site model's go-live band for each block of a program, and the plan-earlier-than-P10 rule.

The site economics model (sitesel) schedules a site in model blocks of its own size (50 MW) and gives
each a go-live band in months from the build decision: P10, P50, P90. A program may use blocks of
another size, so program block k takes the band of the first model block whose cumulative MW reaches
the program's cumulative MW through block k: the block's MW are all live only when that model block is.

A plan earlier than the band's P10 is one the model gives less than a one-in-ten chance: it is flagged,
not refused (the planner may know something the model does not).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from .errors import InvalidInput

DAYS_PER_MONTH = 365.25 / 12.0
# Cumulative MW are float sums: a program block "reaches" a model block within this much.
MW_TOLERANCE = 1e-6


@dataclass(frozen=True)
class ModelBlock:
    """One model block: its MW and go-live band, months from the build decision."""

    mw: float
    p10_months: float
    p50_months: float
    p90_months: float


@dataclass(frozen=True)
class BlockBand:
    """A program block's band as dates, and which model block (1-based) it came from."""

    model_block: int
    p10: date
    p50: date
    p90: date


def date_after_months(start: date, months: float) -> date:
    """`start` plus `months` average months (365.25 / 12 days), to the nearest day."""
    try:
        return start + timedelta(days=round(months * DAYS_PER_MONTH))
    except (OverflowError, ValueError):
        raise InvalidInput(f"{start} + {months:.1f} months is outside the calendar") from None


def model_block_positions(program_mw: Sequence[float], model_mw: Sequence[float]) -> list[int]:
    """0-based model block for each program block: the first whose cumulative MW reaches the program's."""
    if not model_mw:
        raise InvalidInput("the site model has no block")
    if any(mw <= 0 for mw in program_mw) or any(mw <= 0 for mw in model_mw):
        raise InvalidInput("block MW must be positive")
    model_cumulative = list(accumulate(model_mw))
    last = len(model_cumulative) - 1
    if sum(program_mw) > model_cumulative[-1] + MW_TOLERANCE:
        total, modelled = sum(program_mw), model_cumulative[-1]
        raise InvalidInput(f"the program ({total:g} MW) is larger than the site model's {modelled:g} MW")
    return [min(bisect_left(model_cumulative, cum - MW_TOLERANCE), last) for cum in accumulate(program_mw)]


def program_bands(program_mw: Sequence[float], model: Sequence[ModelBlock], decision: date) -> list[BlockBand]:
    """Each program block's band, dated from the decision."""
    positions = model_block_positions(program_mw, [m.mw for m in model])
    return [
        BlockBand(
            model_block=k + 1,
            p10=date_after_months(decision, model[k].p10_months),
            p50=date_after_months(decision, model[k].p50_months),
            p90=date_after_months(decision, model[k].p90_months),
        )
        for k in positions
    ]


def plan_before_p10(planned: date, p10: date | None) -> bool:
    """The plan is earlier than the site model's P10 (a block without a band is never flagged)."""
    return p10 is not None and planned < p10


def plan_flag_text(planned: date, p10: date | None) -> str | None:
    """What a planner reads next to a flagged block; None when the plan is not flagged."""
    if not plan_before_p10(planned, p10):
        return None
    return f"plan {planned.isoformat()} is before the site model's P10 {p10.isoformat()}"
