"""Bill-of-materials lines: planners adjust the proposed lines of a block before drawing contracts."""

from __future__ import annotations

from orchestration.models import BomLine


def bom_line_create(**fields) -> BomLine:
    return BomLine.objects.create(**fields)


def bom_line_update(*, line: BomLine, **fields) -> BomLine:
    for name, value in fields.items():
        setattr(line, name, value)
    line.save()
    return line


def bom_line_delete(*, line: BomLine) -> None:
    line.delete()
