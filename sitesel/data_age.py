"""How old the data behind a layer or a site's facts is, and the credit lines it needs: for the API and pages.

The age rules are in sitesel.vintage; this module adds today's date and the LAYER_STALE_AFTER_YEARS setting.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from sitesel.layer_kinds import KINDS
from sitesel.spatial.provenance import layer_of
from sitesel.vintage import is_stale


def stale_after_years() -> float:
    return float(settings.LAYER_STALE_AFTER_YEARS)


def vintage_is_stale(vintage: str) -> bool:
    return is_stale(vintage, timezone.now().date(), stale_after_years())


def stale_measures(measure_vintages: dict[str, str]) -> list[str]:
    """The measures whose data is older than the setting allows (or of unknown date), in name order."""
    return sorted(measure for measure, vintage in measure_vintages.items() if vintage_is_stale(vintage))


def kind_attribution(kind: str) -> str:
    """The credit line a layer kind's licence requires ("" when none does, or the kind is unknown)."""
    spec = KINDS.get(kind)
    return spec.attribution if spec else ""


def all_attributions() -> list[str]:
    """Every credit line the product's layer kinds require."""
    return sorted({spec.attribution for spec in KINDS.values() if spec.attribution})


def measures_attributions(measure_sources: dict[str, str]) -> list[str]:
    """The distinct credit lines of the layers that answered a site's measures."""
    return sorted({a for source in measure_sources.values() if (a := kind_attribution(layer_of(source)))})
