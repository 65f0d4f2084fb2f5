"""Delete old scoring runs: keep the newest N ended runs of each scenario, pinned and running runs always."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from sitesel.services.scoring_run_retention import scoring_runs_prune


class Command(BaseCommand):
    help = "Delete scoring runs beyond the newest --keep ended runs of each scenario (pinned runs are kept)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--keep", type=int, default=settings.SCORING_RUNS_KEEP_PER_SCENARIO,
                            help="ended runs kept per scenario (default SCORING_RUNS_KEEP_PER_SCENARIO)")  # fmt: skip
        parser.add_argument("--dry-run", action="store_true", help="list what would be deleted, delete nothing")

    def handle(self, *args, **options) -> None:
        try:
            result = scoring_runs_prune(keep=options["keep"], dry_run=options["dry_run"])
        except ApplicationError as exc:
            raise CommandError(f"--{exc.field}: {exc.message}") from None
        verb = "would delete" if options["dry_run"] else "deleted"
        ids = ", ".join(map(str, result.deleted)) or "none"
        self.stdout.write(f"{verb} {len(result.deleted)} scoring runs ({ids}); {result.kept} kept")
