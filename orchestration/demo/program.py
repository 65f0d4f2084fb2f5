"""The demo program: a realistic 1 GW build at the top-ranked site, its suppliers' stand-in feeds.

Everything is loaded through the services (project_create → BOM, contract_create → lines,
delivery_create / delivery_update → promises and slips), dated relative to today, and idempotent:
a second load finds the project and changes nothing. Unit prices are illustrative round figures for
the demo (not sourced), chosen so the program is in the tens of billions of dollars.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.api.roles import SUPPLIER_GROUP
from config.demo_accounts import demo_account_ensure
from orchestration.models import (
    BuildProject,
    Category,
    Contract,
    ContractLine,
    Delivery,
    Source,
    Supplier,
    SupplierMembership,
)
from orchestration.services.blocks import block_transition
from orchestration.services.checks import supplier_check_schedule_ensure
from orchestration.services.contracts import contract_create
from orchestration.services.deliveries import delivery_create, delivery_install, delivery_receive, delivery_update
from orchestration.services.forecast import project_forecast_refresh, supplier_reliability_refresh
from orchestration.services.projects import project_create
from orchestration.site_selection import ScoringRun, Site

PROJECT_NAME = "Demo 1 GW campus"
CSV_SUPPLIER = Category.BUILDINGS  # this one reports by CSV file drop; the others by JSON feed


@dataclass(frozen=True)
class DemoSupplier:
    name: str
    slug: str
    history_late: int  # of 8 earlier deliveries, how many were late...
    history_slip_days: int  # ...and by how much (drives the de-rate)


SUPPLIERS = {
    Category.CHIPS: DemoSupplier("Helios Accelerators", "helios", 2, 20),
    Category.MEMORY: DemoSupplier("Mnemos Memory", "mnemos", 2, 24),
    Category.NETWORKING: DemoSupplier("Lumen Optics & Switching", "lumen", 1, 14),
    Category.POWER_EQUIPMENT: DemoSupplier("Gridline Transformers", "gridline", 3, 35),
    Category.COOLING: DemoSupplier("Boreal Cooling Systems", "boreal", 2, 21),
    Category.BUILDINGS: DemoSupplier("Steelframe Builders", "steelframe", 1, 30),
    Category.ONSITE_GENERATION: DemoSupplier("Piston Power Gensets", "piston", 3, 25),
    Category.POWER_DISTRIBUTION: DemoSupplier("Busbar Distribution Co", "busbar", 1, 10),
    Category.LAND: DemoSupplier("Prairie Land Holdings", "prairie", 0, 0),
}

# Illustrative contract term, not sourced: what a supplier owes per day its late delivery holds a block back.
DEMO_LATE_PENALTY_PER_DAY = Decimal("50000.00")

# Illustrative unit prices (USD) per BOM item; not sourced.
UNIT_VALUES = {
    "HV main power transformer (~80 MVA)": Decimal("4500000"),
    "MV switchgear lineup": Decimal("1800000"),
    "MV/LV unit-substation transformer (3 MVA)": Decimal("260000"),
    "LV switchboard": Decimal("150000"),
    "UPS module (1.25 MW)": Decimal("420000"),
    "Backup diesel generator (3 MW)": Decimal("1300000"),
    "Chiller / dry cooler (1.75 MW heat rejection)": Decimal("650000"),
    "Coolant distribution unit (1.35 MW)": Decimal("160000"),
    "Busway, A/B feeds": Decimal("1500"),
    "Rack power feed kit (PDU/whip)": Decimal("6000"),
    "GPU rack, NVL72 class (72 GPUs, 132 kW)": Decimal("3400000"),
    "Memory allocation for GPU racks (HBM3e + LPDDR5X)": Decimal("1500"),
    "Scale-out switch (144 x 800G)": Decimal("90000"),
    "800G optical transceiver": Decimal("1100"),
    "Building shell (powered shell)": Decimal("420"),
    "Land": Decimal("45000"),
    "Gas reciprocating genset (bridge power, ~4.5 MW)": Decimal("4200000"),
}

# Days before the required-on-site date each of a line's two lots is promised. IT gear is promised
# close to its date: earlier, it would sit more than 30 days waiting for power (stranded).
LOT_LEAD_DAYS = {category: (8, 8) if category in (Category.CHIPS, Category.MEMORY, Category.NETWORKING) else (35, 14)
                 for category in Category}  # fmt: skip

# Promise changes already on record when the demo starts: (category, block index, days later).
RECORDED_SLIPS = [(Category.POWER_EQUIPMENT, 7, 60), (Category.COOLING, 12, 25), (Category.CHIPS, 16, 30)]


def _lots(quantity: Decimal) -> list[Decimal]:
    """Split a line into two shipments (the first the larger half); small lines ship in one."""
    if quantity < 2:
        return [quantity]
    first = Decimal(math.ceil(quantity / 2))
    return [first, quantity - first]


def _history(supplier: Supplier, contract: Contract, spec: DemoSupplier, today: date) -> None:
    """Eight closed deliveries from an earlier order (a line gating no block): the supplier's record."""
    line = ContractLine.objects.create(
        contract=contract,
        line_no=9000,
        item="Earlier framework order",
        category=supplier.category,
        quantity=Decimal(8),
        unit="lot",
    )
    for k in range(8):
        promised = today - timedelta(days=400 - 30 * k)
        late = k < spec.history_late
        Delivery.objects.create(
            line=line,
            supplier=supplier,
            shipment_ref=f"{spec.slug.upper()}-HIST-{k + 1}",
            quantity=1,
            received_quantity=1,
            promised_date=promised,
            status=Delivery.Status.INSTALLED,
            inspection="passed",
            actual_date=promised + timedelta(days=spec.history_slip_days + k if late else 0),
            installed=True,
            installed_on=promised + timedelta(days=spec.history_slip_days + k + 7 if late else 7),
        )


@transaction.atomic
def demo_program_load(
    *, site: Site, run: ScoringRun | None = None, feed_base_url: str = "http://127.0.0.1:8765"
) -> tuple[BuildProject, bool]:
    """Load the demo program once; returns (project, created).

    The build decision is today: every block is planned at the site model's P50 date and the utility's
    energisation date is the model's grid energised P50 (`run` picks the model's scenario and draws).
    """
    existing = BuildProject.objects.filter(name=PROJECT_NAME).first()
    if existing is not None:
        return existing, False
    today = timezone.localdate()
    project = project_create(
        site=site,
        name=PROJECT_NAME,
        target_mw=1000,
        block_mw=50,
        decision_date=today,
        model_run=run,
        blocks_per_phase=5,
        commissioning_days=45,
        onsite_generation_mw_per_block=10,
        grid_power_from_model=True,
        actor=None,
    )
    for category, spec in SUPPLIERS.items():
        supplier = Supplier(
            name=spec.name,
            category=category,
            contact_name="Program desk",
            contact_email=f"program@{spec.slug}.example",
            check_interval_minutes=60,
        )
        if category == CSV_SUPPLIER:
            supplier.feed_kind, supplier.feed_csv_dir = Supplier.FeedKind.CSV_DROP, spec.slug
        else:
            supplier.feed_kind, supplier.feed_allowed_host = Supplier.FeedKind.HTTPS_JSON, "127.0.0.1"
            supplier.feed_url = f"{feed_base_url}/feeds/{spec.slug}.json"
        supplier.save()
        contract = contract_create(
            supplier=supplier,
            project=project,
            reference=f"{spec.slug.upper()}-{today.year}-001",
            currency="USD",
            signed_on=today - timedelta(days=120),
            lines_from_bom=True,
            unit_values=UNIT_VALUES,
            terms="Delivered duty paid to site; title passes on receipt.",
            penalties="USD 50,000 per day a late delivery holds a block back (illustrative).",
            late_penalty_per_day=DEMO_LATE_PENALTY_PER_DAY,
        )
        _history(supplier, contract, spec, today)
        supplier_check_schedule_ensure(supplier=supplier)

    lines = ContractLine.objects.filter(contract__project=project, blocks__isnull=False).select_related(
        "contract__supplier"
    )
    block_index = dict(project.blocks.values_list("pk", "index"))
    for line in lines.order_by("pk"):
        index = block_index[line.blocks.values_list("pk", flat=True).first()]
        slug = SUPPLIERS[Category(line.category)].slug.upper()
        for lot, quantity in enumerate(_lots(line.quantity), start=1):
            promised = line.required_on_site - timedelta(days=LOT_LEAD_DAYS[Category(line.category)][lot - 1])
            delivery = delivery_create(
                line=line,
                shipment_ref=f"{slug}-B{index:02d}-L{line.line_no:03d}-{lot}",
                quantity=quantity,
                promised_date=promised,
                source=Source.SYSTEM,
            )
            # Land closed for the whole campus; the first two shells are handed over.
            if line.category == Category.LAND or (line.category == Category.BUILDINGS and index <= 2):
                arrived = today - timedelta(days=60)
                delivery = delivery_receive(
                    delivery=delivery, received_quantity=quantity, actual_date=arrived, inspection="passed", actor=None
                )
                delivery_install(delivery=delivery, installed_on=arrived + timedelta(days=10), actor=None)
    for category, index, days in RECORDED_SLIPS:
        for delivery in Delivery.objects.filter(line__in=lines, line__category=category, line__blocks__index=index):
            delivery_update(
                delivery=delivery,
                actor=None,
                source=Source.SYSTEM,
                reason="supplier re-confirmation",
                confirmed_date=delivery.promised_date + timedelta(days=days),
            )
    for block in project.blocks.filter(index__lte=2):  # land and shell handed over
        block_transition(
            block=block,
            to_state="site_ready",
            actor=None,
            source=Source.SYSTEM,
            reason="land closed and building shell handed over",
        )
    supplier_reliability_refresh(
        supplier_ids=list(Supplier.objects.filter(contracts__project=project).values_list("pk", flat=True))
    )
    project_forecast_refresh(project=project)
    csv_drop_write(project=project)
    return project, True


@transaction.atomic
def demo_supplier_account_ensure(*, secrets_dir: Path) -> tuple[str, str]:
    """The demo's supplier account "supplier", acting for the chips supplier; returns (supplier name, password)."""
    supplier = Supplier.objects.get(name=SUPPLIERS[Category.CHIPS].name)
    user, password = demo_account_ensure(username="supplier", secrets_dir=secrets_dir, group=SUPPLIER_GROUP)
    SupplierMembership.objects.update_or_create(user=user, defaults={"supplier": supplier})
    return supplier.name, password


# --- stand-in supplier feeds ---------------------------------------------------------------------------------


def _row(delivery: Delivery, **changes) -> dict:
    line = delivery.line
    row = {
        "shipment_ref": delivery.shipment_ref,
        "contract_ref": line.contract.reference,
        "line_no": line.line_no,
        "quantity": str(delivery.quantity),
        "status": "in_production",
        "promised_date": delivery.promised_date and delivery.promised_date.isoformat(),
    }
    if delivery.confirmed_date:
        row["confirmed_date"] = delivery.confirmed_date.isoformat()
    row.update(changes)
    return row


def demo_feeds_build(*, project: BuildProject) -> dict[str, bytes]:
    """path → JSON body for each JSON-feed supplier: their open shipments, plus what changed this week.

    Gridline confirms the block-3 HV transformers 45 days late (a slip that moves block 3 past plan);
    Helios ships block 1's racks and reports one lot "held_at_customs" (an unknown value, held for
    review); Lumen reports a shipment on a line that does not exist (an unknown reference).
    Rows are dated from the recorded promises, so a re-check of the same feed changes nothing.
    """
    today = timezone.localdate()
    feeds = {}
    open_deliveries = (
        Delivery.objects.filter(line__contract__project=project, line__blocks__isnull=False, received_quantity=0)
        .select_related("line__contract__supplier")
        .prefetch_related("line__blocks")
        .order_by("pk")
    )
    by_supplier: dict[int, list[Delivery]] = {}
    for delivery in open_deliveries:
        by_supplier.setdefault(delivery.supplier_id, []).append(delivery)
    for supplier in Supplier.objects.filter(contracts__project=project, feed_kind=Supplier.FeedKind.HTTPS_JSON):
        slug = SUPPLIERS[Category(supplier.category)].slug
        rows = []
        for delivery in by_supplier.get(supplier.pk, []):
            block = delivery.line.blocks.all()[0].index
            if slug == "gridline" and block == 3 and "HV main" in delivery.line.item:
                rows.append(_row(delivery, confirmed_date=(delivery.promised_date + timedelta(days=45)).isoformat()))
            elif slug == "helios" and block == 1:
                shipped = (delivery.promised_date - timedelta(days=200)).isoformat()
                eta = (delivery.promised_date - timedelta(days=170)).isoformat()
                if delivery.shipment_ref.endswith("-2"):
                    rows.append(_row(delivery, status="held_at_customs"))
                else:
                    rows.append(
                        _row(delivery, status="shipped", shipped_on=min(shipped, today.isoformat()), expected_date=eta)
                    )
            else:
                rows.append(_row(delivery))
        if slug == "lumen" and rows:
            rows.append({**rows[0], "shipment_ref": "LUMEN-UNKNOWN-1", "line_no": 8888})
        document = {
            "schema_version": 1,
            "supplier": supplier.name,
            "generated_at": timezone.now().isoformat(),
            "shipments": rows,
        }
        feeds[f"/feeds/{slug}.json"] = json.dumps(document, indent=1).encode()
    return feeds


def csv_drop_write(*, project: BuildProject) -> Path | None:
    """Steelframe's CSV ship-notice file: block 3's shell shipped (steel and panels on their way)."""
    supplier = Supplier.objects.filter(contracts__project=project, feed_kind=Supplier.FeedKind.CSV_DROP).first()
    if supplier is None:
        return None
    directory = Path(settings.SUPPLIER_CSV_DROP_ROOT) / supplier.feed_csv_dir
    directory.mkdir(parents=True, exist_ok=True)
    rows = ["shipment_ref,contract_ref,line_no,quantity,status,promised_date,confirmed_date,expected_date,shipped_on"]
    deliveries = Delivery.objects.filter(supplier=supplier, line__blocks__index=3, line__contract__project=project)
    for delivery in deliveries.select_related("line__contract").order_by("pk"):
        line = delivery.line
        eta = delivery.promised_date - timedelta(days=3)
        shipped = min(eta - timedelta(days=20), timezone.localdate())
        rows.append(
            f"{delivery.shipment_ref},{line.contract.reference},{line.line_no},{delivery.quantity},shipped,"
            f"{delivery.promised_date},,{eta},{shipped}"
        )
    path = directory / "ship-notices.csv"
    path.write_text("\n".join(rows) + "\n")
    return path
