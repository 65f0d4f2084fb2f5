"""Contracts and their lines. A contract can be drawn from the project's bill of materials."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from core.errors import ApplicationError, Conflict
from orchestration.models import BomLine, BuildProject, Contract, ContractLine, Supplier
from orchestration.services.scorecards import contract_supplier_flag

MONEY_STEP = Decimal("0.01")


def required_on_site(*, planned_go_live: date, commissioning_days: int, install_days: int) -> date:
    """Latest arrival that still meets plan: go-live minus commissioning minus the line's install time."""
    return planned_go_live - timedelta(days=commissioning_days + install_days)


@transaction.atomic
def contract_create(
    *,
    supplier: Supplier,
    project: BuildProject,
    reference: str,
    value: Decimal | None = None,
    currency: str = "USD",
    signed_on: date | None = None,
    terms: str = "",
    penalties: str = "",
    late_penalty_per_day: Decimal | None = None,
    committed_volume_per_month: Decimal | None = None,
    lines_from_bom: bool = False,
    unit_values: dict[str, Decimal] | None = None,
    actor=None,
) -> Contract:
    """Create a contract; with `lines_from_bom`, one line per BOM line of the supplier's category.

    Each drawn line gates its block and must be on site by `required_on_site(...)`. `unit_values` maps
    BOM item → unit value; with no `value` given, the contract value is the sum of its lines.
    """
    contract = Contract(
        supplier=supplier,
        project=project,
        reference=reference,
        value=value if value is not None else Decimal(0),
        currency=currency,
        signed_on=signed_on,
        terms=terms,
        penalties=penalties,
        late_penalty_per_day=late_penalty_per_day,
        committed_volume_per_month=committed_volume_per_month,
    )
    contract.full_clean()
    contract.save()
    if lines_from_bom:
        unit_values = unit_values or {}
        bom = BomLine.objects.filter(block__project=project, category=supplier.category).select_related("block")
        lines, gates = [], []
        for number, bom_line in enumerate(bom.order_by("block__index", "item"), start=1):
            block = bom_line.block
            lines.append(
                ContractLine(
                    contract=contract,
                    line_no=number,
                    item=bom_line.item,
                    category=bom_line.category,
                    quantity=bom_line.quantity,
                    unit=bom_line.unit,
                    install_days=bom_line.install_days,
                    unit_value=unit_values.get(bom_line.item, Decimal(0)),
                    bom_line=bom_line,
                    required_on_site=required_on_site(
                        planned_go_live=block.planned_go_live,
                        commissioning_days=block.commissioning_days,
                        install_days=bom_line.install_days,
                    ),
                )
            )
            gates.append(block.pk)
        lines = ContractLine.objects.bulk_create(lines)
        ContractLine.blocks.through.objects.bulk_create(
            ContractLine.blocks.through(contractline_id=line.pk, capacityblock_id=block_id)
            for line, block_id in zip(lines, gates, strict=True)
        )
        if value is None:
            contract.value = sum((line.quantity * line.unit_value for line in lines), Decimal(0)).quantize(MONEY_STEP)
            contract.save(update_fields=["value"])
    contract_supplier_flag(contract=contract)
    return contract


def contract_line_blocks_check(*, contract: Contract, blocks) -> None:
    """A line may only gate blocks of its contract's project."""
    foreign = [b for b in blocks if b.project_id != contract.project_id]
    if foreign:
        raise ApplicationError(
            f"block {foreign[0].pk} is not in project {contract.project}", field="blocks", code="wrong_project"
        )


# A contract's supplier and project are fixed once it is drawn: its lines, deliveries and history belong to them.
CONTRACT_FIXED_FIELDS = ("supplier", "project")


def contract_update(*, contract: Contract, **fields) -> Contract:
    """Change a contract's terms. Its supplier and project are fixed once drawn (409 `read_only`)."""
    fields.pop("lines_from_bom", None)  # a create-only option
    for name in CONTRACT_FIXED_FIELDS:
        if name in fields and fields[name] != getattr(contract, name):
            raise Conflict(f"a contract's {name} cannot change", field=name, code="read_only")
    for name, value in fields.items():
        setattr(contract, name, value)
    contract.save()
    return contract


def contract_delete(*, contract: Contract) -> None:
    contract.delete()  # a contract with deliveries is protected: the API answers 409


def contract_line_save(*, line: ContractLine, blocks=None) -> ContractLine:
    """Save a line built or changed by a validated serializer; `blocks` (if given) are the blocks it gates, all in
    the contract's project."""
    with transaction.atomic():
        if blocks is not None:
            contract_line_blocks_check(contract=line.contract, blocks=blocks)
        line.save()
        if blocks is not None:
            line.blocks.set(blocks)
    return line


def contract_line_create(*, blocks=None, **fields) -> ContractLine:
    return contract_line_save(line=ContractLine(**fields), blocks=blocks)


def contract_line_update(*, line: ContractLine, blocks=None, **fields) -> ContractLine:
    """Change a line (its serializer refuses moving it to another contract)."""
    for name, value in fields.items():
        setattr(line, name, value)
    return contract_line_save(line=line, blocks=blocks)


def contract_line_delete(*, line: ContractLine) -> None:
    line.delete()
