"""A national run's split ranking (chunk parts, one step per capacity, a merge): the same ranking as scoring every
cell in one pass; a repeated step writes nothing twice; a cancel between steps leaves nothing half-ranked; through
a real Celery worker the capacities fan out and the run ends ranked."""

import time

import numpy as np
import pytest
from celery.contrib.testing.worker import start_worker
from django.test import override_settings

from config.celery_app import app
from sitesel.domain.scoring import ScenarioSpec, scenario_from_dict, scenario_to_dict, score_sites
from sitesel.models import Scenario, ScoringChunk, ScoringChunkRank, ScoringRankPart, ScoringResult, ScoringRun
from sitesel.scoring_runs.store import by_capacity, chunk_ranked, unpack_chunks
from sitesel.selectors import result_breakdown
from sitesel.services.scoring_run_ranking import scoring_run_rank_capacity, scoring_run_rank_merge
from sitesel.services.scoring_runs import (
    scoring_run_cancel,
    scoring_run_create,
    scoring_run_finalize,
)

SMALL_TOPS = {"SCORING_CELLS_PER_CHUNK": 400, "SCORING_NATIONAL_TOP_CELLS": 40,
              "SCORING_NATIONAL_TOP_CELLS_PER_STATE": 3}  # fmt: skip


def _one_pass(run: ScoringRun) -> dict:
    """Every cell scored and ranked at once from the chunk archives, as a candidate-site run is."""
    payloads = run.chunks.filter(payload__isnull=False).order_by("index").values_list("index", "payload")
    merged = unpack_chunks((index, bytes(payload)) for index, payload in payloads)
    spec = scenario_from_dict(run.scenario_spec)
    return {
        "ids": merged["ids"],
        "outputs": [score_sites(by_capacity(merged, k, "criterion"), merged["ids"], merged["state"], spec)
                    for k in range(len(run.capacities_mw))],
    }  # fmt: skip


def _split_cells(run: ScoringRun, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    indexes = run.chunks.filter(ranks__isnull=False).distinct().order_by("index").values_list("index", flat=True)
    arrays = [chunk_ranked(run.pk, index) for index in indexes]
    return tuple(np.concatenate([a[name] for a in arrays]) for name in ("ids", f"c{k}:score", f"c{k}:rank",
                                                                         f"c{k}:binding"))  # fmt: skip


@override_settings(**SMALL_TOPS)
def test_the_split_ranking_ranks_every_cell_as_one_pass_over_all_of_them(
    fema_scenario, national_computed, django_capture_on_commit_callbacks
):
    run = national_computed(fema_scenario)
    reference = _one_pass(run)
    run = scoring_run_finalize(run_id=run.pk)  # the split steps, in this process
    assert run.status == "succeeded"
    for k, output in enumerate(reference["outputs"]):
        ids, score, rank, binding = _split_cells(run, k)
        assert np.array_equal(ids, reference["ids"])
        np.testing.assert_array_equal(score, output.score)  # bit for bit, NaN where not eligible
        assert np.array_equal(rank, output.rank) and 0 < (rank > 0).sum() < len(rank)
        assert list(binding) == [str(b) for b in output.binding_constraint]
        rows = ScoringResult.objects.filter(run=run, capacity_mw=run.capacities_mw[k]).order_by("position")
        position = {int(cell): i for i, cell in enumerate(ids)}
        for row in rows[:5]:
            i = position[row.cell_id]
            assert (row.rank, row.score) == (int(output.rank[i]), float(output.score[i]))
            expected = {c: round(float(points[i]), 4) for c, points in output.contributions.items()}
            assert result_breakdown(row) == pytest.approx(expected, abs=1e-3)  # float32 in the archive
    assert run.eligible_count == sum(int(o.eligible.sum()) for o in reference["outputs"])
    assert run.results_count == ScoringResult.objects.filter(run=run).count()
    assert not ScoringChunk.objects.filter(run=run, rank_input__isnull=False).exists(), "inputs dropped once ranked"
    assert not ScoringRankPart.objects.filter(run=run).exists()
    steps = {"rank_read_seconds", "rank_score_seconds", "rank_write_seconds", "rank_capacity_seconds"}
    assert steps <= set(run.timings)


@override_settings(**SMALL_TOPS)
def test_a_repeated_capacity_step_or_merge_writes_nothing_twice(
    fema_scenario, national_computed, django_capture_on_commit_callbacks
):
    run = national_computed(fema_scenario)
    first = scoring_run_rank_capacity(run_id=run.pk, k=0)
    again = scoring_run_rank_capacity(run_id=run.pk, k=0)  # a re-delivered task
    assert first.results_count == again.results_count > 0
    assert ScoringResult.objects.filter(run=run).count() == first.results_count
    assert ScoringRankPart.objects.filter(run=run).count() == 1
    with pytest.raises(Exception, match="capacities to rank"):
        scoring_run_rank_merge(run_id=run.pk)  # the other capacity is not ranked yet
    scoring_run_rank_capacity(run_id=run.pk, k=1)
    done = scoring_run_rank_merge(run_id=run.pk)
    assert scoring_run_rank_merge(run_id=run.pk).results_count == done.results_count  # merge again: unchanged
    assert scoring_run_rank_capacity(run_id=run.pk, k=1) is None  # a late duplicate finds it succeeded
    assert done.status == "succeeded" and ScoringResult.objects.filter(run=run).count() == done.results_count
    chunks_with_cells = ScoringChunk.objects.filter(run=run, ranks__isnull=False).distinct().count()
    assert ScoringChunkRank.objects.filter(chunk__run=run).count() == 2 * chunks_with_cells


@override_settings(**SMALL_TOPS)
def test_a_run_cancelled_between_its_capacities_keeps_nothing_half_ranked(
    fema_scenario, national_computed, django_capture_on_commit_callbacks
):
    run = national_computed(fema_scenario)
    scoring_run_rank_capacity(run_id=run.pk, k=0)
    assert ScoringResult.objects.filter(run=run).exists()
    scoring_run_cancel(run_id=run.pk)
    assert scoring_run_rank_capacity(run_id=run.pk, k=1) is None
    assert scoring_run_rank_merge(run_id=run.pk).status == "cancelled"
    assert not ScoringResult.objects.filter(run=run).exists()
    assert not ScoringChunkRank.objects.filter(chunk__run=run).exists()
    assert not ScoringRankPart.objects.filter(run=run).exists()
    assert not ScoringChunk.objects.filter(run=run, rank_input__isnull=False).exists()


@pytest.mark.celery_worker
def test_through_a_worker_the_capacities_fan_out_and_the_run_ends_ranked(real_layers_committed, settings):
    settings.SCORING_CELLS_PER_CHUNK = 400
    scenario = Scenario.objects.create(name="Default", spec=scenario_to_dict(ScenarioSpec()))
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        run = scoring_run_create(scenario=scenario, mode="national", cell_size_km=100, draws=50)
        for _ in range(1200):
            run.refresh_from_db()
            if run.status in ("succeeded", "failed"):
                break
            time.sleep(0.1)
    assert run.status == "succeeded", run.error
    assert len(run.timings["rank_capacity_seconds"]) == 2
    assert ScoringResult.objects.filter(run=run).count() == run.results_count > 0
