from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from orchestration.demo.program import PROJECT_NAME
from orchestration.domain.model_band import plan_flag_text
from orchestration.models import Alert, BuildProject, FeedReview, Supplier, SupplierCheckRun
from orchestration.services.forecast import project_forecast
from orchestration.services.risk_report import portfolio_band_line, risk_report_lines
from orchestration.services.site_model import site_model_summary


def _binding(binding: dict | None) -> str:
    if not binding:
        return "—"
    if binding["kind"] == "grid_power":
        return f"grid power ({binding['ready_date']})"
    return f"{binding['category']}: {binding['item']} [{binding['line_ref']}, {binding['supplier']}]"


class Command(BaseCommand):
    help = (
        "Print the demo program's forecast: go-live per block next to the site model's P10-P90 band (flagging plans "
        "before P10), binding constraints, MW live by quarter, checks."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--project", default=PROJECT_NAME)

    def handle(self, *args, **options) -> None:
        project = BuildProject.objects.filter(name=options["project"]).select_related("site").first()
        if project is None:
            raise CommandError(f"no project {options['project']!r}: run orchestration_demo_load first")
        data = project_forecast(project=project)
        w = self.stdout.write
        w(f"\n{project} at {project.site} — forecast as of {data['as_of']}")
        w(f"Go-live band: {site_model_summary(project)}")
        phases = dict(project.blocks.values_list("pk", "phase"))
        w(
            f"{'Blk':>3} {'Ph':>2}  {'State':<18} {'Planned':<10}  {'Forecast':<10}  {'Late d':>6}  "
            f"{'Model P10 – P90':<23}  {'<P10':<4}  Binding constraint"
        )
        for row in data["blocks"]:
            late = "—" if row["days_late"] is None else f"{row['days_late']:+d}"
            band = f"{row['model_p10']} – {row['model_p90']}" if row["model_p10"] else "—"
            flag = "FLAG" if row["before_model_p10"] else ""
            w(
                f"{row['index']:>3} {phases[row['id']]:>2}  {row['state']:<18} {row['planned_go_live']!s:<10}  "
                f"{row['forecast_go_live']!s:<10}  {late:>6}  {band:<23}  {flag:<4}  "
                f"{_binding(row['binding'])}"
            )
        w(
            f"\nProject go-live {data['project_go_live']} (block {self._index(data)}); "
            f"MW at risk {data['mw_at_risk']:.0f} of {data['mw_total']:.0f}; "
            f"stranded equipment ${data['stranded_value_usd']:,.0f}"
        )
        flagged = [row for row in data["blocks"] if row["before_model_p10"]]
        w(f"Blocks planned before the site model's P10: {len(flagged)} of {len(data['blocks'])}")
        for row in flagged:
            w(f"  block {row['index']}: {plan_flag_text(row['planned_go_live'], row['model_p10'])}")
        w("")
        for line in risk_report_lines(project=project):
            w(line)
        w(portfolio_band_line(projects=list(BuildProject.objects.order_by("pk"))))
        w("\nMW live by quarter (cumulative):")
        w(f"  {'Quarter':<8} {'Planned':>8} {'Forecast':>9}")
        for q in data["mw_live_by_quarter"]:
            w(f"  {q['quarter']:<8} {q['planned_mw_cumulative']:>8.0f} {q['forecast_mw_cumulative']:>9.0f}")
        w("\nSupplier checks (latest run each):")
        for supplier in Supplier.objects.filter(contracts__project=project).order_by("name"):
            run = SupplierCheckRun.objects.filter(supplier=supplier).order_by("-created_at").first()
            summary = (
                "never run"
                if run is None
                else (f"{run.status} ({run.trigger}); " + ", ".join(f"{k} {v}" for k, v in sorted(run.counts.items())))
            )
            w(f"  {supplier.name:<26} de-rate {supplier.derate_days:>2} d  {summary}")
        alerts = Counter(Alert.objects.filter(project=project).values_list("kind", flat=True))
        reviews = FeedReview.objects.filter(supplier__contracts__project=project, status="open").distinct()
        w(f"\nAlerts: {dict(alerts) or 'none'}; feed rows held for review: {reviews.count()}")
        for review in reviews[:5]:
            w(f"  {review.supplier}: {review.get_reason_display()} — {review.message}")

    @staticmethod
    def _index(data) -> str:
        return next((str(b["index"]) for b in data["blocks"] if b["id"] == data["binding_block_id"]), "—")
