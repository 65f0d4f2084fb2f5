"""Start a scoring run through the Celery worker, follow it with a progress bar, print the ranking."""

from __future__ import annotations

import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from sitesel.domain.errors import DomainError
from sitesel.errors import ApplicationError
from sitesel.models import Scenario, ScoringResult, ScoringRun
from sitesel.services.scoring import scenario_default, scoring_run_create

TERMINAL = (ScoringRun.Status.SUCCEEDED, ScoringRun.Status.FAILED)


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

    def handle(self, *args, **options) -> None:
        scenario = self._scenario(options["scenario"])
        try:
            run = scoring_run_create(
                scenario=scenario,
                mode=ScoringRun.Mode.NATIONAL if options["national"] else ScoringRun.Mode.SITES,
                cell_size_km=options["cell_size_km"] if options["national"] else None,
                site_filter={"state": options["state"]} if options["state"] else {},
            )
        except (ApplicationError, DomainError) as exc:
            raise CommandError(f"{exc.field or 'input'}: {exc.message}") from None
        run = self._follow(run, options["timeout"])
        if run.status == ScoringRun.Status.FAILED:
            raise CommandError(f"scoring run {run.pk} failed: {run.error}")
        seconds = (run.finished_at - run.created_at).total_seconds()
        self.stdout.write(
            f"Scoring run {run.pk} ({scenario}, {run.mode}): {run.items_total:,} items, {run.results_count:,} results, "
            f"{run.eligible_count:,} eligible, {seconds:.1f} s through Celery"
        )
        for capacity in run.capacities_mw:
            self._print_top(run, capacity, options["top"])
        if not options["national"]:
            self._print_scale_ratio(run)

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
        self.stdout.write(f"\nTop {top} at {capacity:g} MW")
        self.stdout.write(
            f"{'#':>3}  {'site':<40} {'st':2} {'score':>5}  {'capex/MW':>9} {'GPUs':>9} {'P50 power':>9}  binding"
        )
        for result in results.order_by("rank")[:top]:
            name = result.site.name if result.site else f"cell {result.cell_id} ({result.lat:.3f}, {result.lon:.3f})"
            binding = result.power_binding_constraint or "—"
            self.stdout.write(
                f"{result.rank:>3}  {name[:40]:<40} {result.state:2} {result.score:5.1f}  "
                f"{_money(result.capex_per_mw_usd):>9} {result.gpus:>9,.0f} {result.time_to_power_p50_months:>6.0f} mo"
                f"  {binding}"
            )

    def _print_scale_ratio(self, run: ScoringRun) -> None:
        capacities = sorted(run.capacities_mw)
        if len(capacities) < 2:
            return
        small, large = capacities[0], capacities[-1]
        per_mw = {
            (site, capacity): (all_in, build)
            for site, capacity, all_in, build in ScoringResult.objects.filter(run=run).values_list(
                "site_id", "capacity_mw", "capex_per_mw_usd", "build_capex_per_mw_usd"
            )
        }
        for position, label in enumerate(("all-in", "excluding IT equipment")):
            ratios = [
                values[position] / per_mw[(site, large)][position]
                for (site, capacity), values in per_mw.items()
                if capacity == small and (site, large) in per_mw and per_mw[(site, large)][position]
            ]
            if ratios:
                self.stdout.write(
                    f"{'' if position else chr(10)}{small:g} MW : {large:g} MW capex per MW ({label}), same "
                    f"site: median {statistics.median(ratios):.3f}x (range {min(ratios):.3f}-{max(ratios):.3f}x, "
                    f"{len(ratios)} sites)"
                )
        self.stdout.write(
            "Why: fixed costs (substation, line, site works, crew mobilization and camp) are spread over "
            f"{large / small:g}x the MW; GPUs, a large share of capex, cost the same per MW at any size."
        )
