"""Supplier reliability -> a de-rate (expected slip, in days) added to open supplier promises.

The rule (explicit so planners can argue with it):

    derate_days = ceil( (1 - on_time_rate) * P50(slip days | delivery was late) )

- slip = actual arrival - the supplier's last committed date (confirmed if any, else promised);
  late means slip > grace_days; on_time_rate = share of deliveries with slip <= grace_days.
- (1 - on_time_rate) x median-late-slip is the expected slip of a two-outcome model ("on time"
  or "late by a typical late amount"). The median, not the mean, so one 200-day disaster does not
  dominate a supplier's record; the probability weighting keeps a mostly-on-time supplier's
  de-rate small.
- With fewer than `min_history` closed deliveries the record is not trusted and the policy's
  `fallback_days` is used (0 by default; the Django layer may pass a portfolio-wide value).
- The forecast adds the de-rate only to promised/confirmed dates of quantities not yet received,
  never to `expected` dates (an ASN or carrier ETA already reflects reality) nor to actuals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import InvalidInput


@dataclass(frozen=True)
class SupplierRecord:
    n_deliveries: int
    on_time_rate: float  # 0..1
    late_slip_p50_days: float  # median slip of late deliveries; 0 when none were late


@dataclass(frozen=True)
class DeratePolicy:
    grace_days: int = 0
    min_history: int = 5
    fallback_days: int = 0


DEFAULT_DERATE_POLICY = DeratePolicy()


def supplier_record(
    committed_ordinals: np.ndarray, actual_ordinals: np.ndarray, *, grace_days: int = 0
) -> SupplierRecord:
    """Record from a supplier's closed deliveries (committed vs actual arrival, as day ordinals)."""
    committed = np.asarray(committed_ordinals, dtype=np.int64)
    actual = np.asarray(actual_ordinals, dtype=np.int64)
    if committed.shape != actual.shape or committed.ndim != 1:
        raise InvalidInput("committed and actual ordinals must be 1-D arrays of the same length")
    if committed.size == 0:
        return SupplierRecord(0, 1.0, 0.0)
    slip = actual - committed
    late = slip > grace_days
    on_time_rate = float(1.0 - late.mean())
    late_p50 = float(np.median(slip[late])) if late.any() else 0.0
    return SupplierRecord(int(committed.size), on_time_rate, late_p50)


def derate_days(record: SupplierRecord, policy: DeratePolicy = DEFAULT_DERATE_POLICY) -> int:
    if record.n_deliveries < policy.min_history:
        return policy.fallback_days
    # Round up: a fractional expected slip still means "not that day".
    return max(0, math.ceil((1.0 - record.on_time_rate) * record.late_slip_p50_days - 1e-9))
