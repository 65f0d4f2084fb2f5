"""Shared plumbing for import commands: a progress bar, a per-row report and a non-zero exit."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from sitesel.importing.errors import ImportFailed

MAX_REPORTED_ERRORS = 200

T = TypeVar("T")


def fail_with_report(command: BaseCommand, exc: ImportFailed) -> None:
    for error in exc.errors[:MAX_REPORTED_ERRORS]:
        command.stderr.write(f"  {error}")
    if len(exc.errors) > MAX_REPORTED_ERRORS:
        command.stderr.write(f"  ... and {len(exc.errors) - MAX_REPORTED_ERRORS} more errors")
    raise CommandError(exc.summary)


def run_import(command: BaseCommand, description: str, run: Callable[[Callable[[int], object]], T]) -> T:
    """Call `run(progress)` behind a terminal progress bar; an ImportFailed becomes the report and exit 1."""
    bar = tqdm(desc=description, unit=" rows", disable=None, file=command.stderr._out)
    try:
        return run(bar.update)
    except ImportFailed as exc:
        fail_with_report(command, exc)
        raise  # unreachable: fail_with_report raises CommandError
    finally:
        bar.close()
