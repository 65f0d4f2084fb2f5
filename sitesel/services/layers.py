"""Import a layer file as a new layer version: one transaction, all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction

from sitesel.importing.errors import ImportFailed, RowError
from sitesel.importing.joins import eia860_join
from sitesel.importing.pipeline import open_records
from sitesel.importing.reader import file_sha256
from sitesel.layer_kinds import KindSpec, get_kind
from sitesel.models import Feature, Layer, LayerVersion
from sitesel.vintage import parse_vintage


@dataclass
class LayerImportResult:
    kind: str
    version: int | None
    unchanged: bool
    vintage: str = ""
    row_count: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    repaired: int = 0
    errors: list[RowError] = field(default_factory=list)
    skipped: list[RowError] = field(default_factory=list)


class _NothingChanged(Exception):
    """Raised inside the transaction to roll back a version that would change nothing."""


def layer_get_or_create(spec: KindSpec) -> Layer:
    layer, _ = Layer.objects.get_or_create(kind=spec.kind, defaults={"family": spec.family, "title": spec.title})
    return layer


def layer_import(
    *,
    kind: str,
    path: Path,
    source: str = "",
    vintage: str | None = None,
    publisher: str | None = None,
    licence: str | None = None,
    source_crs: str | None = None,
    make_valid: bool = False,
    skip_bad_geometry: bool = False,
    join_eia860: Path | None = None,
    batch_size: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> LayerImportResult:
    """Upsert the file's features on their source id; a changed file becomes a new layer version.

    `vintage` is the date the data describes (YYYY, YYYY-MM or YYYY-MM-DD), stored on the version; None
    leaves it unknown. Re-importing an unchanged file (same checksum, or no feature differs) writes nothing,
    unless a different vintage is given: that is a new version with the same features. Any bad row aborts
    the whole import with every row error listed, and the database is left unchanged.
    """
    try:
        spec = get_kind(kind)
    except KeyError as exc:
        raise ImportFailed(str(exc.args[0])) from None
    try:
        vintage = None if vintage is None else parse_vintage(vintage)
    except ValueError as exc:
        raise ImportFailed(f"--vintage: {exc}") from None
    for required in (path, join_eia860):
        if required is not None and not Path(required).is_file():
            raise ImportFailed(f"file not found: {required}")
    checksum = file_sha256(path, *([join_eia860] if join_eia860 else []))
    options = {
        "source_crs": source_crs,
        "make_valid": make_valid,
        "skip_bad_geometry": skip_bad_geometry,
        "join_eia860": join_eia860.name if join_eia860 else None,
    }

    layer = Layer.objects.filter(kind=spec.kind).select_related("current_version").first()
    current = layer.current_version if layer else None
    same_vintage = current is not None and vintage in (None, current.vintage)
    if current is not None and current.checksum_sha256 == checksum and current.options == options and same_vintage:
        return LayerImportResult(kind, current.number, unchanged=True, row_count=current.row_count)

    join = eia860_join(join_eia860) if join_eia860 else None
    stream = open_records(
        spec,
        path,
        source_crs=source_crs,
        make_valid=make_valid,
        skip_bad_geometry=skip_bad_geometry,
        join=join,
        batch_size=batch_size,
    )
    stream.check_columns()

    try:
        with transaction.atomic(durable=True):
            # Created inside the transaction: a failed first import leaves no empty layer behind.
            layer = layer_get_or_create(spec)
            provenance = {"source": source, "vintage": vintage, "publisher": publisher, "licence": licence}
            return _write_version(layer, spec, stream, path, checksum, options, provenance, progress)
    except _NothingChanged:
        number = Layer.objects.filter(kind=spec.kind).values_list("current_version__number", flat=True).first()
        return LayerImportResult(kind, number, unchanged=True)


def _write_version(layer, spec, stream, path, checksum, options, provenance, progress):
    layer = Layer.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=layer.pk)
    previous_vintage = layer.current_version.vintage if layer.current_version else None
    last = layer.versions.order_by("-number").values_list("number", flat=True).first() or 0
    number = last + 1
    existing = {
        fid: (pk, digest)
        for fid, pk, digest in Feature.objects.filter(layer=layer, valid_to__isnull=True).values_list(
            "source_fid", "pk", "content_hash"
        )
    }
    seen: set[str] = set()
    result = LayerImportResult(spec.kind, number, unchanged=False, vintage=provenance["vintage"] or "")
    for batch in stream:
        result.errors += batch.errors
        result.skipped += batch.skipped
        result.repaired += batch.repaired
        result.row_count += len(batch.records)
        if progress:
            progress(len(batch.records) + len({e.row for e in batch.errors + batch.skipped}))
        if result.errors:
            continue  # keep validating to report every bad row, but write nothing more
        new_rows, closing = [], []
        for record in batch.records:
            seen.add(record.source_fid)
            old = existing.get(record.source_fid)
            if old is not None and old[1] == record.content_hash:
                continue
            if old is not None:
                closing.append(old[0])
                result.changed += 1
            else:
                result.added += 1
            new_rows.append(
                Feature(
                    layer=layer,
                    source_fid=record.source_fid,
                    valid_from=number,
                    content_hash=record.content_hash,
                    properties=record.properties,
                    geom=GEOSGeometry(memoryview(record.geom_wkb), srid=4326) if record.geom_wkb else None,
                    **record.fields,
                )
            )
        # Close changed rows before inserting their successors: one current row per source id.
        Feature.objects.filter(pk__in=closing).update(valid_to=number)
        Feature.objects.bulk_create(new_rows, batch_size=1000)

    if result.errors:
        count = len(result.errors)
        rows = len({e.row for e in result.errors})
        raise ImportFailed(f"{path.name}: {count} error(s) in {rows} row(s); nothing was imported", result.errors)
    removed = [pk for fid, (pk, _) in existing.items() if fid not in seen]
    Feature.objects.filter(pk__in=removed).update(valid_to=number)
    result.removed = len(removed)
    vintage = provenance["vintage"]
    if result.added == result.changed == result.removed == 0 and vintage in (None, previous_vintage):
        raise _NothingChanged
    version = LayerVersion.objects.create(
        layer=layer,
        number=number,
        source_file=path.name,
        source=provenance["source"],
        vintage=vintage or "",
        publisher=provenance["publisher"] or spec.publisher,
        licence=provenance["licence"] or spec.licence,
        checksum_sha256=checksum,
        row_count=result.row_count,
        added_count=result.added,
        changed_count=result.changed,
        removed_count=result.removed,
        repaired_count=result.repaired,
        skipped_count=len({e.row for e in result.skipped}),
        options=options,
    )
    layer.current_version = version
    layer.save(update_fields=["current_version"])
    return result
