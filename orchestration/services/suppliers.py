"""Supplier writes: the row and its periodic check (keyed by the supplier's id) change together."""

from __future__ import annotations

from django.db import transaction
from django_celery_beat.models import PeriodicTask

from orchestration.models import Supplier
from orchestration.schedules import SUPPLIER_CHECK_TASK, supplier_check_schedule
from orchestration.services.checks import supplier_check_schedule_ensure


def supplier_save(*, supplier: Supplier) -> Supplier:
    """Save a supplier built or changed by a validated form or serializer, and bring its check schedule in line."""
    with transaction.atomic():
        supplier.save()
        supplier_check_schedule_ensure(supplier=supplier)
    return supplier


def supplier_create(**fields) -> Supplier:
    return supplier_save(supplier=Supplier(**fields))


def supplier_update(*, supplier: Supplier, **fields) -> Supplier:
    for name, value in fields.items():
        setattr(supplier, name, value)
    return supplier_save(supplier=supplier)


def supplier_delete(*, supplier: Supplier) -> None:
    """Delete a supplier (refused with 409 while contracts reference it) and its periodic check."""
    name = supplier_check_schedule(supplier).name
    with transaction.atomic():
        supplier.delete()
        PeriodicTask.objects.filter(name=name, task=SUPPLIER_CHECK_TASK).delete()
