from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Sum

from core.errors import ApplicationError
from orchestration.demo.program import demo_program_load, demo_supplier_account_ensure
from orchestration.models import ContractLine, Delivery, PromiseChange
from orchestration.services.site_model import site_model_summary
from orchestration.site_selection import site_pick


class Command(BaseCommand):
    help = (
        "Load the demo 1 GW program (20 x 50 MW blocks planned at the site model's P50 dates, nine suppliers, "
        "contracts from the BOM, deliveries with slips) at the top-ranked site. Safe to re-run: an existing demo "
        "program is left as it is."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--site-id", type=int, help="default: best site of the latest succeeded scoring run")
        parser.add_argument("--feed-base-url", default="http://127.0.0.1:8765", help="the stand-in feed server")
        parser.add_argument("--secrets-dir", type=Path, default=settings.BASE_DIR / ".run")

    def handle(self, *args, **options) -> None:
        try:
            site, why, run = site_pick(site_id=options["site_id"])
            project, created = demo_program_load(site=site, run=run, feed_base_url=options["feed_base_url"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        lines = ContractLine.objects.filter(contract__project=project)
        value = project.contracts.aggregate(total=Sum("value"))["total"]
        deliveries = Delivery.objects.filter(line__contract__project=project)
        self.stdout.write(f"Site: {site} (id {site.pk}; {why})")
        self.stdout.write(
            f"{'Loaded' if created else 'Already loaded'}: {project} — {project.blocks.count()} blocks, "
            f"{sum(project.blocks.values_list('gpus', flat=True)):,} GPUs, {project.contracts.count()} contracts "
            f"(${value:,.0f}), {lines.count()} lines, {deliveries.count()} deliveries, "
            f"{PromiseChange.objects.filter(delivery__in=deliveries, days__gt=0).count()} recorded slips"
        )
        self.stdout.write(f"Plan: {site_model_summary(project)}")
        supplier, _ = demo_supplier_account_ensure(secrets_dir=options["secrets_dir"])
        self.stdout.write(f"Supplier account: supplier, acting for {supplier} (password in {options['secrets_dir']})")
