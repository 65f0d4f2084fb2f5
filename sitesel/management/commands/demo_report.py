"""The demo's main job: refresh every site's facts through the Celery worker, then print them."""

from django.core.management.base import BaseCommand, CommandError

from sitesel import selectors
from sitesel.models import Site
from sitesel.tasks import site_facts_refresh_task

COLUMNS = (
    ("Site", 38), ("St", 2), ("≥230kV km", 9), ("≥500kV km", 9), ("Subst km", 8), ("Gen 50km MW", 11),
    ("DC km", 6), ("PoP km", 6), ("Labor force", 11), ("Unemp %", 7), ("¢/kWh", 5), ("FEMA", 5),
)  # fmt: skip


def _fmt(value, width: int, digits: int = 1) -> str:
    if value is None:
        return "—".rjust(width)
    if isinstance(value, float):
        return f"{value:,.{digits}f}".rjust(width)
    if isinstance(value, int):
        return f"{value:,}".rjust(width)
    return str(value)[:width].ljust(width)


class Command(BaseCommand):
    help = "Refresh site facts through Celery and print the candidate sites with their key infrastructure facts."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--timeout", type=int, default=300, help="seconds to wait for the worker")

    def handle(self, *args, **options) -> None:
        layers = selectors.layer_list().filter(current_version__isnull=False)
        self.stdout.write(f"Layers: {layers.count()} imported")
        for layer in layers:
            version = layer.current_version
            self.stdout.write(f"  {layer.family:<12} {layer.kind:<26} v{version.number:<3} {version.row_count:>7} rows")
        result = site_facts_refresh_task.delay()
        try:
            count = result.get(timeout=options["timeout"])
        except Exception as exc:  # a timeout or a task failure: say which, exit non-zero
            raise CommandError(f"site facts task did not finish through the Celery worker: {exc!r}") from exc
        self.stdout.write(f"\nFacts refreshed for {count} sites by Celery task {result.id}\n")
        self.stdout.write(
            "  ".join(title.rjust(width) if i else title.ljust(width) for i, (title, width) in enumerate(COLUMNS))
        )
        for site in selectors.site_list().order_by("state", "name"):
            facts = getattr(site, "facts", None)
            values = [
                site.name,
                site.state,
                *(
                    (
                        facts.distance_hv_230_km,
                        facts.distance_hv_500_km,
                        facts.distance_substation_km,
                        facts.generation_capacity_50km_mw,
                        facts.distance_datacenter_km,
                        facts.distance_network_pop_km,
                        facts.county_labor_force,
                        facts.county_unemployment_rate_pct,
                        facts.state_industrial_price_cents_kwh,
                        facts.fema_risk_score,
                    )
                    if facts
                    else (None,) * 10
                ),
            ]
            cells = [
                _fmt(value, width, 0 if title == "Gen 50km MW" else 1)
                for value, (title, width) in zip(values, COLUMNS, strict=True)
            ]
            self.stdout.write("  ".join(cells))
        missing = Site.objects.filter(facts__distance_hv_230_km__isnull=True).count()
        bounded = Site.objects.filter(facts__measure_sources__distance_hv_230_km="hifld_lines:345kv_only").count()
        self.stdout.write(
            f"\n{Site.objects.count()} sites. '—' = no data ({missing} sites without a ≥230 kV line distance). "
            f"West of 106.4°W no layer has 230 kV lines: for {bounded} sites the ≥230 kV distance is that to the "
            "nearest ≥345 kV HIFLD line, an upper bound (docs/layers.md)."
        )
