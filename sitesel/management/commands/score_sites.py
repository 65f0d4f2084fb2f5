"""Start a scoring run through the Celery worker, follow it with a progress bar, print the ranking."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.errors import ApplicationError, DomainError
from sitesel.models import Scenario, ScoringResult, ScoringRun
from sitesel.selectors import scoring_run_current
from sitesel.services.scoring_runs import scenario_default, scoring_run_create
from sitesel.services.site_economics import run_spread_vs_campus, site_scale_comparison

TERMINAL = (ScoringRun.Status.SUCCEEDED, ScoringRun.Status.FAILED, ScoringRun.Status.CANCELLED)


def _money(value: float | None) -> str:
    return "—" if value is None else f"${value / 1e6:,.2f}M"


class Command(BaseCommand):
    help = "Score candidate sites (or the national grid) for each capacity of a scenario, through Celery."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scenario", help="scenario name (default: the built-in Default)")
        parser.add_argument("--national", action="store_true", help="score the contiguous-US grid, not sites")
        parser.add_argument("--cell-size-km", type=float, default=5.0)
        parser.add_argument("--state", help="only sites in this state")
        parser.add_argument("--top", type=int, default=10, help="print this many best results per capacity")
        parser.add_argument("--timeout", type=int, default=600, help="seconds to wait for the worker")
        parser.add_argument(
            "--if-missing", action="store_true",
            help="reuse the latest run over every site if nothing it used has changed since (sites mode only)",
        )
        parser.add_argument("--teams", type=int, help="site teams for the spread-against-campus answer (default 5)")

    def handle(self, *args, **options) -> None:
        scenario = self._scenario(options["scenario"])
        current = None
        if options["if_missing"] and not (options["national"] or options["state"]):
            current = scoring_run_current(scenario=scenario)
        if current is not None:
            self.stdout.write(f"Scoring run {current.pk} is current (same scenario, layers and sites): reused.")
            self._print_results(current, options)
            return
        try:
            run = scoring_run_create(
                scenario=scenario,
                mode=ScoringRun.Mode.NATIONAL if options["national"] else ScoringRun.Mode.SITES,
                cell_size_km=options["cell_size_km"] if options["national"] else None,
                site_filter={"state": options["state"]} if options["state"] else {},
            )
        except DomainError as exc:
            raise CommandError(f"{exc.field or 'input'}: {exc.message}") from None
        run = self._follow(run, options["timeout"])
        if run.status == ScoringRun.Status.FAILED:
            raise CommandError(f"scoring run {run.pk} failed: {run.error}")
        if run.status == ScoringRun.Status.CANCELLED:
            raise CommandError(f"scoring run {run.pk} was cancelled")
        seconds = (run.finished_at - run.created_at).total_seconds()
        self.stdout.write(
            f"Scoring run {run.pk} ({scenario}, {run.mode}): {run.items_total:,} items, {run.results_count:,} results, "
            f"{run.eligible_count:,} eligible, {seconds:.1f} s through Celery"
        )
        self._print_results(run, options)

    def _print_results(self, run: ScoringRun, options: dict) -> None:
        for capacity in run.capacities_mw:
            self._print_top(run, capacity, options["top"])
        if not options["national"] and len(set(run.capacities_mw)) > 1:
            self._print_scale(run)
            self._print_spread(run, options["teams"])

    def _scenario(self, name: str | None) -> Scenario:
        if not name:
            return scenario_default()
        try:
            return Scenario.objects.get(name=name)
        except Scenario.DoesNotExist:
            raise CommandError(f"scenario: no scenario named {name!r}") from None

    def _follow(self, run: ScoringRun, timeout: int) -> ScoringRun:
        deadline = time.monotonic() + timeout
        with tqdm(total=100, desc=f"run {run.pk}", unit="%", disable=None, file=self.stderr._out) as bar:
            while run.status not in TERMINAL:
                if time.monotonic() > deadline:
                    raise CommandError(f"scoring run {run.pk} still {run.status} after {timeout} s: is a worker up?")
                time.sleep(0.25)
                run.refresh_from_db()
                bar.update(run.progress_pct - bar.n)
        return run

    def _print_top(self, run: ScoringRun, capacity: float, top: int) -> None:
        results = ScoringResult.objects.filter(run=run, capacity_mw=capacity, rank__gte=1).select_related("site")
        self.stdout.write(f"\nTop {top} at {capacity:g} MW (months from the decision, P50)")
        self.stdout.write(
            f"{'#':>3}  {'site':<40} {'st':2} {'score':>5}  {'capex/MW':>9} {'GPUs':>9} "
            f"{'compute':>7} {'full':>5}  binding"
        )
        for result in results.order_by("rank")[:top]:
            name = result.site.name if result.site else f"cell {result.cell_id} ({result.lat:.3f}, {result.lon:.3f})"
            binding = result.power_binding_constraint or "—"
            self.stdout.write(
                f"{result.rank:>3}  {name[:40]:<40} {result.state:2} {result.score:5.1f}  "
                f"{_money(result.capex_per_mw_usd):>9} {result.gpus:>9,.0f} "
                f"{result.time_to_compute_p50_months:>5.0f} mo {result.time_to_power_p50_months:>3.0f} mo  {binding}"
            )

    def _print_scale(self, run: ScoringRun) -> None:
        small, large = min(run.capacities_mw), max(run.capacities_mw)
        best = ScoringResult.objects.filter(run=run, capacity_mw=large, rank=1).select_related("site__facts").first()
        if best is None or best.site is None:
            return
        c = site_scale_comparison(best.site, small, large, run)
        self.stdout.write(f"\n{small:g} MW : {large:g} MW per MW at the top {large:g} MW site ({best.site.name}):")
        for ratio in (c.facility, c.all_in, c.time_adjusted):
            self.stdout.write(
                f"  {ratio.name:<26} {_money(ratio.small_usd_per_mw):>9}/MW vs {_money(ratio.large_usd_per_mw):>9}/MW"
                f" -> {ratio.ratio:.3f}x"
            )
        self.stdout.write(
            f"  a month of compute is worth {_money(c.cost_of_delay_usd_per_mw_month)} per MW; the {large:g} MW "
            f"campus's average MW goes live in month {c.large.time_to_compute_months_p50:.0f}, the {small:g} MW "
            f"block in month {c.small.time_to_compute_months_p50:.0f}"
        )
        terms = sorted(c.time_adjusted.waterfall, key=lambda t: -abs(t.contribution))[:4]
        self.stdout.write("  largest terms: " + "; ".join(f"{t.term} {t.contribution:+.3f}" for t in terms))

    def _print_spread(self, run: ScoringRun, teams: int | None) -> None:
        try:
            c, sites, campus = run_spread_vs_campus(run, teams=teams)
        except ApplicationError as exc:
            self.stdout.write(f"\nSpread against campus: not computed ({exc.field}: {exc.message})")
            return
        self.stdout.write(
            f"\nSpread against campus, by month {c.by_month:.0f} from the decision: {len(sites)} x "
            f"{c.spread.block_mw[0]:g} MW at the top sites with {c.teams} site teams, or {c.campus.capacity_mw:g} MW "
            f"at {campus.name}"
        )
        for label, option in (("spread", c.spread), ("campus", c.campus)):
            self.stdout.write(
                f"  {label:<6} capex ${option.capex_usd / 1e9:6.2f} B, {option.gpu_months_by_date / 1e6:5.2f} M "
                f"GPU-months by then, {option.mw_live_by_quarter[int(c.by_month // 3) - 1]:6.0f} MW live"
            )
        if c.break_even_teams is None:
            self.stdout.write("  no number of teams lets the spread match the campus by then")
        else:
            self.stdout.write(f"  the spread matches the campus's GPU-months with {c.break_even_teams} teams or more")
