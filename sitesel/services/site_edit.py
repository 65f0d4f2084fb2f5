"""Create, edit and delete single sites (API and admin), keeping their location and facts current.

Every write locates the site (state, county, parcel acres) and recomputes its facts in the same
transaction, so a site is never visible without them. Status is not editable here: it moves only
through `sites.site_status_change`, which records who and why.

The blocks are plain `atomic` (not durable): the admin already wraps its saves in a transaction.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.gis.geos import MultiPolygon, Point
from django.db import transaction

from sitesel.models import Site
from sitesel.services.sites import site_derived_refresh

# The fields a user may set; everything else on a site is derived or moves through a service.
EDITABLE_FIELDS = ("name", "point", "parcel", "land_price_usd_per_acre", "notes", "tags")


def site_create(
    *,
    name: str,
    point: Point,
    parcel: MultiPolygon | None = None,
    land_price_usd_per_acre: Decimal | None = None,
    notes: str = "",
    tags: list[str] | None = None,
    source_ref: str | None = None,
) -> Site:
    """Create a candidate site, then locate it and compute its facts."""
    site = Site(
        name=name,
        source_ref=source_ref,
        point=point,
        parcel=parcel,
        land_price_usd_per_acre=land_price_usd_per_acre,
        notes=notes,
        tags=list(tags or []),
    )
    with transaction.atomic():
        site.full_clean(exclude=["point_albers"])
        site.save()
        site_derived_refresh(site_ids=[site.pk])
    return Site.objects.select_related("facts").get(pk=site.pk)


def site_update(*, site: Site, **changes) -> Site:
    """Change the editable fields given; unknown or derived fields (status, state, facts) are refused."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"site_update cannot set {', '.join(sorted(unknown))}")
    with transaction.atomic():
        for name, value in changes.items():
            setattr(site, name, list(value or []) if name == "tags" else value)
        site.full_clean(exclude=["point_albers"])
        site.save(update_fields=[*changes, "updated_at"])
        site_derived_refresh(site_ids=[site.pk])
    return Site.objects.select_related("facts").get(pk=site.pk)


def site_delete(*, site: Site) -> None:
    """Delete a site with its facts and status history."""
    site.delete()
