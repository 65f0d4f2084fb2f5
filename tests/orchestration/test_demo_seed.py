"""The main job that `make demo` and the compose `seed` service run: a second run imports and scores nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from orchestration.models import BuildProject, ContractLine, Delivery
from sitesel.models import Feature, LayerVersion, ScoringRun, Site

pytestmark = pytest.mark.django_db(transaction=True)


def counts() -> dict[str, int]:
    return {
        "layer versions": LayerVersion.objects.count(),
        "features": Feature.objects.count(),
        "sites": Site.objects.count(),
        "scoring runs": ScoringRun.objects.count(),
        "programs": BuildProject.objects.count(),
        "contract lines": ContractLine.objects.count(),
        "deliveries": Delivery.objects.count(),
    }


def test_a_second_seed_imports_nothing_and_reuses_the_scoring_run(worker, tmp_path, settings):
    settings.SUPPLIER_CSV_DROP_ROOT = tmp_path
    first = StringIO()
    call_command("demo_seed", stdout=first)
    loaded = counts()
    assert loaded["layer versions"] >= 20 and loaded["sites"] == 60
    assert loaded["scoring runs"] == 1 and loaded["programs"] == 1 and loaded["deliveries"] > 0

    second = StringIO()
    call_command("demo_seed", stdout=second)
    assert counts() == loaded
    assert "is current (same scenario, layers and sites): reused" in second.getvalue()
    assert "Already loaded" in second.getvalue()
