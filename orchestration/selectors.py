"""Reads for the API and the admin: querysets scoped to the user, with their joins already applied.

Isolation is enforced here, in every queryset, not in detail views only: a user who acts for a
supplier (a `SupplierMembership`, or membership of the "supplier" group) sees only that supplier's
own supplier row, contracts, lines, deliveries, check runs and feed reviews, and none of the internal
planning data (projects, blocks, BOM, alerts). A "supplier" group member with no membership sees nothing,
and so does a user with no role (config.api.roles; the API and web pages refuse them before this).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Max, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from config.api.roles import INTERNAL_READERS, user_access
from orchestration.models import (
    Alert,
    BlockEvent,
    BomLine,
    BuildProject,
    CapacityBlock,
    Contract,
    ContractLine,
    Delivery,
    DeliveryEvent,
    FeedReview,
    ProgramBaseline,
    PromiseChange,
    Supplier,
    SupplierCheckRun,
)

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=3))


@dataclass(frozen=True)
class Scope:
    """What a user may see: everything (internal users), or one supplier's rows (possibly none)."""

    restricted: bool
    supplier_id: int | None = None  # restricted and None: sees nothing


INTERNAL = Scope(restricted=False)


def user_scope(user) -> Scope:
    """The user's scope, from their role: admins, planners and viewers see everything, anyone else
    only the rows of the supplier they act for (if any)."""
    access = user_access(user)
    if access.role in INTERNAL_READERS:
        return INTERNAL
    return Scope(restricted=True, supplier_id=access.supplier_id)


def _own(queryset: QuerySet, scope: Scope, supplier_field: str) -> QuerySet:
    if not scope.restricted:
        return queryset
    if scope.supplier_id is None:
        return queryset.none()
    return queryset.filter(**{supplier_field: scope.supplier_id})


def _internal_only(queryset: QuerySet, scope: Scope) -> QuerySet:
    return queryset.none() if scope.restricted else queryset


# --- internal planning data ------------------------------------------------------------------------


def project_list(*, scope: Scope) -> QuerySet[BuildProject]:
    blocks = CapacityBlock.objects.order_by("index")
    projects = BuildProject.objects.select_related("site").prefetch_related(Prefetch("blocks", queryset=blocks))
    return _internal_only(projects.order_by("name", "pk"), scope)


def block_list(*, scope: Scope) -> QuerySet[CapacityBlock]:
    return _internal_only(CapacityBlock.objects.select_related("project").order_by("project_id", "index"), scope)


def block_event_list(*, block: CapacityBlock) -> QuerySet[BlockEvent]:
    return BlockEvent.objects.filter(block=block).select_related("actor")


def bom_line_list(*, scope: Scope) -> QuerySet[BomLine]:
    return _internal_only(
        BomLine.objects.select_related("block__project").order_by("block_id", "category", "item"), scope
    )


def alert_list(*, scope: Scope) -> QuerySet[Alert]:
    return _internal_only(Alert.objects.all(), scope)


# --- supplier-owned data ---------------------------------------------------------------------------


def supplier_list(*, scope: Scope) -> QuerySet[Supplier]:
    return _own(Supplier.objects.order_by("name"), scope, "pk")


def _lines_with_receipts(queryset: QuerySet[ContractLine]) -> QuerySet[ContractLine]:
    return queryset.annotate(
        received_quantity=Coalesce(Sum("deliveries__received_quantity"), ZERO),
        awaiting_install=Count(
            "deliveries", filter=Q(deliveries__received_quantity__gt=0, deliveries__installed=False)
        ),
        installed_deliveries=Count("deliveries", filter=Q(deliveries__installed=True)),
    ).prefetch_related(Prefetch("blocks", queryset=CapacityBlock.objects.only("pk")))


def contract_list(*, scope: Scope) -> QuerySet[Contract]:
    lines = _lines_with_receipts(ContractLine.objects.order_by("line_no"))
    contracts = Contract.objects.select_related("supplier", "project").prefetch_related(
        Prefetch("lines", queryset=lines)
    )
    return _own(contracts.order_by("project_id", "reference", "pk"), scope, "supplier_id")


def contract_line_list(*, scope: Scope) -> QuerySet[ContractLine]:
    lines = _lines_with_receipts(ContractLine.objects.select_related("contract__supplier"))
    return _own(lines.order_by("contract_id", "line_no"), scope, "contract__supplier_id")


def delivery_list(*, scope: Scope) -> QuerySet[Delivery]:
    deliveries = Delivery.objects.select_related("line__contract", "supplier")
    return _own(deliveries.order_by("line_id", "promised_date", "pk"), scope, "supplier_id")


def delivery_event_list(*, delivery: Delivery) -> QuerySet[DeliveryEvent]:
    return DeliveryEvent.objects.filter(delivery=delivery).select_related("actor")


def promise_change_list(*, delivery: Delivery) -> QuerySet[PromiseChange]:
    return PromiseChange.objects.filter(delivery=delivery).select_related("actor")


def feed_review_list(*, scope: Scope) -> QuerySet[FeedReview]:
    return _own(FeedReview.objects.select_related("supplier", "resolved_by"), scope, "supplier_id")


def check_run_list(*, scope: Scope) -> QuerySet[SupplierCheckRun]:
    return _own(SupplierCheckRun.objects.select_related("supplier"), scope, "supplier_id")


def block_gating_lines(*, block_id: int) -> QuerySet:
    """Rows (dicts) of the lines gating a block, in one query: `id`, `contract__reference`, `line_no`, `category`,
    `quantity`, `received_qty` (sum over its deliveries), `awaiting_install` (received deliveries not installed)
    and `last_installed` (date). orchestration.domain.alignment turns them into received and installed."""
    return (
        ContractLine.objects.filter(blocks=block_id)
        .annotate(
            received_qty=Coalesce(Sum("deliveries__received_quantity"), ZERO),
            awaiting_install=Count(
                "deliveries", filter=Q(deliveries__received_quantity__gt=0, deliveries__installed=False)
            ),
            last_installed=Max("deliveries__installed_on"),
        )
        .values("id", "contract__reference", "line_no", "category", "quantity", "received_qty", "awaiting_install",
                "last_installed")  # fmt: skip
        .order_by("id")
    )


def baseline_list(*, scope: Scope) -> QuerySet[ProgramBaseline]:
    return _internal_only(ProgramBaseline.objects.select_related("project", "created_by"), scope)


# --- a program as named columns (the forecast, the risk model and the baselines read these) ------------------

BLOCK_COLUMNS = (
    "pk", "index", "planned_go_live", "mw", "commissioning_days", "power_available", "live_on", "state",
    "model_p10", "model_p50", "model_p90", "grid_energised",
)  # fmt: skip
LINE_COLUMNS = (
    "pk", "quantity", "category", "install_days", "contract__supplier_id", "unit_value", "contract__currency",
    "required_on_site",
)  # fmt: skip
DELIVERY_COLUMNS = (
    "line_id", "quantity", "received_quantity", "promised_date", "confirmed_date", "expected_date", "actual_date",
    "installed_on",
)  # fmt: skip
CLOSED_DELIVERY_COLUMNS = ("supplier_id", "promised_date", "confirmed_date", "actual_date")


def _columns(queryset: QuerySet, names: tuple[str, ...]) -> dict[str, tuple]:
    """The queryset's rows as one tuple per named column (empty tuples when there are no rows)."""
    rows = list(queryset.values_list(*names))
    return dict(zip(names, zip(*rows, strict=True), strict=True)) if rows else {name: () for name in names}


@dataclass(frozen=True)
class ProgramColumns:
    """A program's rows, column by column: blocks (by pk), lines (by pk), line -> block edges, deliveries."""

    blocks: dict[str, tuple]
    lines: dict[str, tuple]
    edges: dict[str, tuple]
    deliveries: dict[str, tuple]


def program_columns(*, project: BuildProject, block_ids: list[int] | None = None) -> ProgramColumns:
    """The program, or only the given blocks and the lines and deliveries gating them."""
    blocks = CapacityBlock.objects.filter(project=project)
    edges = ContractLine.blocks.through.objects.filter(capacityblock__project=project)
    lines = ContractLine.objects.filter(contract__project=project)
    deliveries = Delivery.objects.filter(line__contract__project=project)
    if block_ids is not None:
        blocks = blocks.filter(pk__in=block_ids)
        edges = edges.filter(capacityblock_id__in=block_ids)
        lines = lines.filter(blocks__in=block_ids).distinct()
        deliveries = deliveries.filter(line__blocks__in=block_ids).distinct()
    return ProgramColumns(
        blocks=_columns(blocks.order_by("pk"), BLOCK_COLUMNS),
        lines=_columns(lines.order_by("pk"), LINE_COLUMNS),
        edges=_columns(edges, ("contractline_id", "capacityblock_id")),
        deliveries=_columns(deliveries, DELIVERY_COLUMNS),
    )


def closed_delivery_columns(*, supplier_ids: list[int]) -> dict[str, tuple]:
    """Every closed delivery of these suppliers on any project (committed vs actual arrival), by supplier."""
    closed = Delivery.objects.filter(supplier_id__in=supplier_ids, actual_date__isnull=False).order_by("supplier_id")
    return _columns(closed, CLOSED_DELIVERY_COLUMNS)
