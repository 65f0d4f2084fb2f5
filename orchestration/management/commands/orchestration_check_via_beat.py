from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from orchestration.demo.beat import supplier_checks_via_beat
from orchestration.models import Supplier


class Command(BaseCommand):
    help = (
        "Have celery beat fire supplier status checks now (one-off clocked PeriodicTasks) and wait until the "
        "worker has finished them. Needs a running beat (DatabaseScheduler) and worker."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--supplier", action="append", help="name or id; repeat for several (default: all)")
        parser.add_argument("--timeout", type=float, default=180.0, help="seconds to wait")

    def handle(self, *args, **options) -> None:
        suppliers = Supplier.objects.filter(active=True).exclude(feed_kind=Supplier.FeedKind.NONE)
        if options["supplier"]:
            query = Q()
            for key in options["supplier"]:
                query |= Q(name=key) | (Q(pk=int(key)) if key.isdigit() else Q())
            suppliers = suppliers.filter(query)
        suppliers = list(suppliers.order_by("name"))
        if not suppliers:
            raise CommandError("no matching supplier with a status feed")
        self.stdout.write(f"Asking beat to run {len(suppliers)} supplier status check(s) now...")
        try:
            runs = supplier_checks_via_beat(suppliers=suppliers, timeout=options["timeout"])
        except TimeoutError as exc:
            raise CommandError(str(exc)) from exc
        for run in runs:
            counts = ", ".join(f"{k} {v}" for k, v in sorted(run.counts.items()) if v)
            self.stdout.write(f"  run {run.pk:>4} {run.supplier.name:<26} {run.status:<9} {counts or run.error}")
        failed = [run for run in runs if run.status != run.Status.SUCCEEDED]
        if failed:
            raise CommandError(f"{len(failed)} check(s) failed: " + "; ".join(r.error for r in failed))
