"""The demo's main job in one idempotent command: what `make demo` and the compose `seed` service both run."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Load the real layers, the demo sites and accounts, score every site for 50 MW and 1 GW through the Celery "
        "worker (reusing a run that is still current) and load the demo 1 GW program. A second run imports nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--timeout", type=int, default=600, help="seconds to wait for the scoring run")

    def handle(self, *args, **options) -> None:
        out = {"stdout": self.stdout, "stderr": self.stderr}
        call_command("demo_setup", **out)
        call_command("demo_report", **out)
        self.stdout.write("\nScoring every candidate site for 50 MW and 1 GW through the Celery worker:")
        call_command("score_sites", if_missing=True, top=10, timeout=options["timeout"], **out)
        self.stdout.write(
            "\nA 1 GW program (20 x 50 MW blocks) at the top-ranked site, one scheduled supplier check through beat:"
        )
        call_command("orchestration_demo_load", **out)
