"""Candidate sites: import, locate (state, county, parcel acres) and status changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.geos import GEOSGeometry
from django.db import connection, transaction

from changelog.context import change_reason
from core.errors import Conflict
from sitesel.domain.site_status import StatusMoveNotAllowed, check_status_move
from sitesel.importing.errors import ImportFailed, RowError
from sitesel.importing.sites import read_sites
from sitesel.models import Site, SiteStatusEvent
from sitesel.models.layers import ALBERS_SRID
from sitesel.services.site_facts import site_facts_refresh

SQUARE_METRES_PER_ACRE = 4046.8564224


@dataclass
class SitesImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    facts_computed: int = 0
    site_ids: list[int] = field(default_factory=list)


def sites_import(
    *,
    path: Path,
    source_crs: str | None = None,
    make_valid: bool = False,
    progress: Callable[[int], None] | None = None,
) -> SitesImportResult:
    """Upsert sites on their file id (or name). Any bad row aborts the import; nothing is written."""
    result = SitesImportResult()
    errors: list[RowError] = []
    with transaction.atomic(durable=True):
        existing = {s.source_ref: s for s in Site.objects.filter(source_ref__isnull=False)}
        for records, batch_errors in read_sites(path, source_crs=source_crs, make_valid=make_valid):
            errors += batch_errors
            if progress:
                progress(len(records) + len({e.row for e in batch_errors}))
            if errors:
                continue
            for record in records:
                site = existing.get(record.source_ref) or Site(source_ref=record.source_ref)
                values = {
                    "name": record.name,
                    "point": GEOSGeometry(memoryview(record.point_wkb), srid=4326),
                    "parcel": GEOSGeometry(memoryview(record.parcel_wkb), srid=4326) if record.parcel_wkb else None,
                    "land_price_usd_per_acre": record.land_price_usd_per_acre,
                    "notes": record.notes,
                    "tags": record.tags,
                }
                if site.pk and _same(site, values):
                    result.unchanged += 1
                    result.site_ids.append(site.pk)
                    continue
                for name, value in values.items():
                    setattr(site, name, value)
                created = site.pk is None
                site.full_clean(exclude=["point_albers"])
                site.save()
                result.created += created
                result.updated += not created
                result.site_ids.append(site.pk)
        if errors:
            rows = len({e.row for e in errors})
            raise ImportFailed(f"{path.name}: {len(errors)} error(s) in {rows} row(s); nothing was imported", errors)
        result.facts_computed = site_derived_refresh(site_ids=result.site_ids)
    return result


def _same(site: Site, values: dict) -> bool:
    for name, value in values.items():
        current = getattr(site, name)
        if name in ("point", "parcel"):
            if (current is None) != (value is None) or (current is not None and not current.equals_exact(value, 1e-9)):
                return False
        elif current != value:
            return False
    return True


def sites_parcel_acres_refresh(*, site_ids: list[int] | None = None) -> None:
    """Parcel acres, measured in EPSG:5070 (equal-area), for sites that have a parcel."""
    where = "" if site_ids is None else "AND id = ANY(%(ids)s)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE sitesel_site SET parcel_acres = CASE WHEN parcel IS NULL THEN NULL
                    ELSE ST_Area(ST_Transform(parcel, {ALBERS_SRID})) / {SQUARE_METRES_PER_ACRE} END
                WHERE TRUE {where}""",
            {"ids": site_ids},
        )


def site_derived_refresh(*, site_ids: list[int] | None = None) -> int:
    """Parcel acres, state, county and facts of the sites from the current layers; returns sites done."""
    with transaction.atomic():
        sites_parcel_acres_refresh(site_ids=site_ids)
        return site_facts_refresh(site_ids=site_ids)


def site_status_change(*, site: Site, to_status: str, actor, reason: str) -> Site:
    """Move a site through its lifecycle, recording who, when and why. Same status is a no-op."""
    if not reason or not reason.strip():
        raise Conflict("a reason is required to change a site's status", field="reason", code="reason_required")
    with transaction.atomic(), change_reason(reason):
        locked = Site.objects.select_for_update().get(pk=site.pk)
        if locked.status == to_status:
            return locked
        try:
            check_status_move(locked.status, to_status)
        except StatusMoveNotAllowed as exc:
            raise Conflict(str(exc), field="status", code="status_move_not_allowed") from None
        SiteStatusEvent.objects.create(
            site=locked, from_status=locked.status, to_status=to_status, actor=actor, reason=reason.strip()
        )
        locked.status = to_status
        locked.save(update_fields=["status", "updated_at"])
    return locked
