"""Sync every app's declared beat schedules (core/schedules.py): create the defaults where missing, bring the
supplier checks in line with their suppliers.

Deployments run it after `migrate` (docker-compose.yml); `demo_setup` calls the same function.
"""

from django.core.management.base import BaseCommand

from core.schedules import schedules_sync


class Command(BaseCommand):
    help = "Sync the Celery beat schedules the apps declare; edited default ones are left alone."

    def handle(self, *args, **options) -> None:
        names = schedules_sync()
        self.stdout.write(f"{len(names)} enabled schedules: {', '.join(sorted(names))}")
