"""Retention of scoring runs: a team scoring several national screens a day keeps what it looks at.

Of each scenario's ended runs (succeeded, failed or cancelled) that are not pinned, the newest N are kept
(SCORING_RUNS_KEEP_PER_SCENARIO) and older ones are deleted with their chunks and results. Never deleted:
a pinned run, a queued or running run, and a run that another record points at without owning it (a
build project's site model names the run it used: deleting the run would lose that provenance).
Run nightly by the beat task `sitesel.scoring_runs_prune` and by `manage.py prune_scoring_runs`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from core.errors import ApplicationError
from sitesel.models import ScoringRun


@dataclass
class PruneResult:
    deleted: list[int] = field(default_factory=list)
    kept: int = 0


def _unreferenced(runs: models.QuerySet[ScoringRun]) -> models.QuerySet[ScoringRun]:
    """Runs that no other model points at through a foreign key that does not cascade (found by introspection,
    so sitesel does not import the apps that refer to it)."""
    # include_hidden: a reference declared with related_name="+" (a project's model run) is hidden otherwise.
    relations = [f for f in ScoringRun._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete]
    for relation in relations:
        if relation.on_delete is models.CASCADE:
            continue
        referring = relation.related_model._base_manager.filter(**{f"{relation.field.name}__isnull": False})
        runs = runs.exclude(pk__in=referring.values(relation.field.attname))
    return runs


def prunable_runs(*, keep: int) -> list[int]:
    """Ids of the runs retention would delete, oldest first."""
    if keep < 1:
        raise ApplicationError("must be at least 1 (the newest run of a scenario is always kept)", field="keep")
    candidates = ScoringRun.objects.filter(pinned=False).exclude(status__in=ScoringRun.ACTIVE_STATUSES)
    newest_first = candidates.annotate(
        newer=Window(RowNumber(), partition_by=[F("scenario_id")], order_by=[F("created_at").desc(), F("pk").desc()])
    ).values_list("pk", "newer")
    beyond = [pk for pk, newer in newest_first if newer > keep]
    return sorted(_unreferenced(ScoringRun.objects.filter(pk__in=beyond)).values_list("pk", flat=True))


def scoring_runs_prune(*, keep: int | None = None, dry_run: bool = False) -> PruneResult:
    """Delete old runs (see the module docstring); each run with its chunks and results in one transaction."""
    keep = settings.SCORING_RUNS_KEEP_PER_SCENARIO if keep is None else keep
    doomed = prunable_runs(keep=keep)
    result = PruneResult(kept=ScoringRun.objects.count() - len(doomed))
    if dry_run:
        result.deleted = doomed
        return result
    for run_id in doomed:
        with transaction.atomic():
            # Re-checked under the delete: a run pinned since the list was made stays.
            kept = ScoringRun.objects.filter(pk=run_id, pinned=False).exclude(status__in=ScoringRun.ACTIVE_STATUSES)
            deleted, _ = kept.delete()
        if deleted:
            result.deleted.append(run_id)
    return result
