"""Create the default beat schedules (the sweepers, the nightly facts refresh) where they are missing.

Deployments run it after `migrate` (docker-compose.yml); `demo_setup` calls the same service.
"""

from django.core.management.base import BaseCommand

from sitesel.services.schedules import periodic_tasks_ensure


class Command(BaseCommand):
    help = "Create the default Celery beat schedules if missing; edited ones are left alone."

    def handle(self, *args, **options) -> None:
        names = periodic_tasks_ensure()
        self.stdout.write(f"{len(names)} enabled schedules: {', '.join(sorted(names))}")
