"""Supplier scorecards from the closed deliveries (reads only; the rules are orchestration.domain.scorecards).

A closed delivery is one that arrived on site (`actual_date`) with a commitment to compare it with (its
confirmed date, else its promise). Its category is its contract line's. Scorecards count every project.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

import numpy as np
from django.conf import settings
from django.utils import timezone

from orchestration.domain.categories import CATEGORY_CODE, Category
from orchestration.domain.dates import ordinals
from orchestration.domain.risk_fit import Fit, fit_prior_strength, fit_supplier_share
from orchestration.domain.scorecards import Scorecard, ScorecardPolicy, SlipModel, scorecards, slip_model
from orchestration.models import Alert, Contract, Delivery, Supplier
from orchestration.services.alerts import alert_raise


@dataclass(frozen=True, eq=False)
class ClosedDeliveries:
    """Every closed delivery as columns (supplier id, line category code, committed and actual ordinals)."""

    supplier_id: np.ndarray
    category: np.ndarray
    committed: np.ndarray
    actual: np.ndarray

    def slips_of(self, supplier_id: int) -> np.ndarray:
        mine = self.supplier_id == supplier_id
        return self.actual[mine] - self.committed[mine]


def closed_deliveries(*, supplier_ids: list[int] | None = None) -> ClosedDeliveries:
    rows = Delivery.objects.filter(actual_date__isnull=False)
    if supplier_ids is not None:
        rows = rows.filter(supplier_id__in=supplier_ids)
    cols = list(zip(*rows.values_list("supplier_id", "line__category", "promised_date", "confirmed_date",
                                      "actual_date"), strict=True))  # fmt: skip
    if not cols:
        empty = np.zeros(0, dtype=np.int64)
        return ClosedDeliveries(empty, empty, empty, empty)
    committed = ordinals(cols[3])
    committed = np.where(committed > 0, committed, ordinals(cols[2]))
    keep = committed > 0
    return ClosedDeliveries(
        supplier_id=np.asarray(cols[0], dtype=np.int64)[keep],
        category=np.fromiter((CATEGORY_CODE[Category(c)] for c in cols[1]), dtype=np.int64)[keep],
        committed=committed[keep],
        actual=ordinals(cols[4])[keep],
    )


SCORECARD_SOURCE = "closed deliveries on every project: arrival on site vs the last confirmed (else promised) date"


def scorecard_policy() -> ScorecardPolicy:
    return ScorecardPolicy(
        grace_days=settings.ORCHESTRATION_DERATE_GRACE_DAYS,
        min_history=settings.ORCHESTRATION_DERATE_MIN_HISTORY,
        on_time_threshold=settings.ORCHESTRATION_SCORECARD_ON_TIME_THRESHOLD,
    )


def _card_data(card: Scorecard) -> dict:
    return {
        "category": None if card.category is None else str(card.category),
        "n_deliveries": card.n_deliveries,
        "on_time_rate": card.on_time_rate,
        "slip_p50_days": card.slip_p50_days,
        "slip_p90_days": card.slip_p90_days,
        "late_slip_p50_days": card.late_slip_p50_days,
        "trend": str(card.trend),
        "trend_days": card.trend_days,
        "below_threshold": card.below_threshold,
    }


def supplier_scorecards(*, suppliers: list[Supplier], as_of: date | None = None) -> list[dict]:
    """One scorecard per supplier (overall figures, plus one row per category it delivered)."""
    ids = [s.pk for s in suppliers]
    closed = closed_deliveries(supplier_ids=ids)
    policy = scorecard_policy()
    cards = scorecards(closed.supplier_id, closed.category, closed.committed, closed.actual, suppliers=ids,
                       policy=policy)  # fmt: skip
    by_supplier: dict[int, list[Scorecard]] = {}
    for card in cards:
        by_supplier.setdefault(card.supplier, []).append(card)
    as_of = as_of or timezone.localdate()
    out = []
    for supplier in suppliers:
        overall, *per_category = by_supplier[supplier.pk]
        out.append(
            {
                "id": supplier.pk,  # a scorecard is its supplier's: the same id on supplier-scorecards/{id}/
                "supplier_id": supplier.pk,
                "supplier": supplier.name,
                "category": supplier.category,
                **{k: v for k, v in _card_data(overall).items() if k != "category"},
                "on_time_threshold": policy.on_time_threshold,
                "grace_days": policy.grace_days,
                "min_history": policy.min_history,
                "as_of": as_of,
                "source": SCORECARD_SOURCE,
                "by_category": [_card_data(c) for c in per_category],
            }
        )
    return out


@dataclass(frozen=True)
class RiskFits:
    """The Monte Carlo's within-supplier share and prior strength: fitted from closed deliveries, or the
    settings' defaults with the reason (orchestration.domain.risk_fit)."""

    supplier_share: Fit
    prior_strength: Fit

    def as_data(self) -> dict:
        return {name: asdict(getattr(self, name)) for name in ("supplier_share", "prior_strength")}


def risk_fits(closed: ClosedDeliveries) -> RiskFits:
    slips = closed.actual - closed.committed
    return RiskFits(
        fit_supplier_share(closed.supplier_id, closed.committed, slips,
                           default=settings.ORCHESTRATION_RISK_SUPPLIER_SHARE),
        fit_prior_strength(closed.supplier_id, closed.category, slips > settings.ORCHESTRATION_DERATE_GRACE_DAYS,
                           default=settings.ORCHESTRATION_RISK_PRIOR_STRENGTH),
    )  # fmt: skip


def supplier_slip_model(*, supplier_ids: list[int]) -> tuple[SlipModel, dict[int, int], RiskFits]:
    """The slip distribution of each supplier (own history shrunk towards its category's), its row, and the
    share and prior strength fitted on the same closed deliveries (the prior strength is used here).

    The prior pools every supplier with history, not only these: a new supplier's category is known
    from everyone who delivered in it before.
    """
    closed = closed_deliveries()
    fits = risk_fits(closed)
    with_history = np.unique(closed.supplier_id).tolist()
    ids = sorted(set(supplier_ids) | set(with_history))
    category = dict(Supplier.objects.filter(pk__in=ids).values_list("pk", "category"))
    model = slip_model([closed.slips_of(pk) for pk in ids], [category[pk] for pk in ids],
                       prior_strength=fits.prior_strength.value)  # fmt: skip
    return model, {pk: row for row, pk in enumerate(ids)}, fits


def contract_supplier_flag(*, contract: Contract) -> Alert | None:
    """Flag a new contract placed with a supplier whose record is below the on-time threshold (an alert, once)."""
    card = supplier_scorecards(suppliers=[contract.supplier])[0]
    if not card["below_threshold"]:
        return None
    return alert_raise(
        kind=Alert.Kind.WEAK_SUPPLIER,
        key=f"weak_supplier:{contract.pk}",
        message=(
            f"Contract {contract.reference} placed with {contract.supplier.name}: on time in "
            f"{card['on_time_rate']:.0%} of {card['n_deliveries']} closed deliveries (threshold "
            f"{card['on_time_threshold']:.0%}), median slip {card['slip_p50_days']:.0f} d, trend {card['trend']}"
        ),
        project=contract.project,
        supplier=contract.supplier,
        data={k: card[k] for k in ("on_time_rate", "n_deliveries", "on_time_threshold", "slip_p50_days", "trend")},
    )
