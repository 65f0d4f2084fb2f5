from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from config.demo_accounts import demo_users_ensure
from core.schedules import schedules_sync
from sitesel.services.scoring_runs import scenario_default, scenario_frontier_pace


class Command(BaseCommand):
    help = "Load the real demo data (layers, candidate sites) and the demo accounts. Safe to re-run."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--secrets-dir", type=Path, default=settings.BASE_DIR / ".run")

    def handle(self, *args, **options) -> None:
        self.stdout.write("Importing layers from fixtures/layers (unchanged files are skipped):")
        call_command("import_demo_layers", stdout=self.stdout, stderr=self.stderr)
        call_command(
            "import_sites",
            str(settings.FIXTURES_DIR / "sites" / "demo_candidate_sites.csv"),
            stdout=self.stdout,
            stderr=self.stderr,
        )
        scenarios = [scenario_default().name, scenario_frontier_pace().name]
        self.stdout.write(f"Scenarios: {', '.join(scenarios)}")
        accounts = demo_users_ensure(secrets_dir=options["secrets_dir"])
        schedules = schedules_sync()
        self.stdout.write(f"Beat schedules (editable in admin): {', '.join(schedules)}")
        self.stdout.write(f"Demo accounts ready: {', '.join(accounts)} (passwords in {options['secrets_dir']})")
