"""Shared output for import commands: a one-line summary, a per-row report, a non-zero exit."""

from __future__ import annotations

from django.core.management.base import CommandError

from sitesel.importing.errors import ImportFailed


def fail_with_report(command, exc: ImportFailed) -> None:
    for error in exc.errors:
        command.stderr.write(f"  {error}")
    if exc.errors and len(exc.errors) >= 200:
        command.stderr.write("  (first 200 errors shown)")
    raise CommandError(exc.summary)
