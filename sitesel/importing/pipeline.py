"""Read a layer file batch by batch and turn it into validated FeatureRecords (no database)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from sitesel.importing.errors import ImportFailed, RowError
from sitesel.importing.reader import SourceFile, open_source
from sitesel.importing.rows import (
    BatchResult,
    FeatureRecord,
    build_fids,
    check_geometries,
    checked_columns,
    content_hash,
    json_value,
    points_from_lon_lat,
    typed_values,
)
from sitesel.layer_kinds import KindSpec

Join = Callable[[pd.DataFrame], pd.DataFrame]


@dataclass
class RecordStream:
    """The validated records of one file, produced lazily so large files stream in batches."""

    spec: KindSpec
    source: SourceFile
    make_valid: bool = False
    skip_bad_geometry: bool = False
    join: Join | None = None
    batch_size: int = 2000
    seen: Counter = field(default_factory=Counter)

    def check_columns(self) -> None:
        missing = [c for c in self.spec.required_columns if c not in self.source.columns]
        if missing:
            raise ImportFailed(f"{self.source.path.name}: missing required columns: {', '.join(missing)}")

    def __iter__(self) -> Iterator[BatchResult]:
        self.check_columns()
        for frame, rows in self.source.batches(self.batch_size):
            yield self._batch(frame, rows)

    def _batch(self, frame: pd.DataFrame, rows: pd.Series) -> BatchResult:
        spec = self.spec
        geoms = None
        errors: list[RowError] = []
        skipped: list[RowError] = []
        repaired = 0
        if spec.geometry is not None:
            if self.source.lon_lat is not None:
                geoms, errors = points_from_lon_lat(frame, rows, self.source.lon_lat)
                geoms = geoms.astype(object)
                frame = pd.DataFrame(frame)
            else:
                geoms = gpd.GeoDataFrame(frame).geometry.to_numpy()
                frame = pd.DataFrame(frame.drop(columns=frame.geometry.name))
            bad_rows = {e.row for e in errors}
            keep = ~rows.isin(bad_rows).to_numpy()
            checked, geom_errors, repaired = check_geometries(
                geoms[keep], rows[keep], spec.geometry, make_valid=self.make_valid
            )
            geoms[keep] = checked
            errors += geom_errors
            if self.skip_bad_geometry:
                # Documented opt-in for real files with unlocatable rows: skip and report them.
                skipped, errors = errors, []
        else:
            skipped = []
        if self.join is not None:
            frame = self.join(frame)
        properties_frame = frame.copy()
        if spec.prepare is not None:
            frame = spec.prepare(frame.copy())
        fids, fid_errors = build_fids(frame, rows, spec)
        values, value_errors = typed_values(frame, rows, spec)
        errors += fid_errors + value_errors + checked_columns(frame, rows, spec)
        bad = {e.row for e in errors} | {e.row for e in skipped}

        records: list[FeatureRecord] = []
        property_rows = properties_frame.to_dict("records")
        for pos, index in enumerate(frame.index):
            row = int(rows[index])
            fid = fids[index]
            self.seen[fid] += 1
            if row in bad:
                continue
            if self.seen[fid] > 1:
                if not spec.number_repeated_ids:
                    errors.append(RowError(row, ",".join(spec.id_columns), f"duplicate feature id {fid!r}"))
                    continue
                fid = f"{fid}#{self.seen[fid]}"
            typed = {name: json_value(series[index]) for name, series in values.items()}
            props = {str(k): json_value(v) for k, v in property_rows[pos].items()}
            wkb = shapely.to_wkb(geoms[pos], include_srid=False) if geoms is not None else None
            records.append(FeatureRecord(fid, typed, props, wkb, content_hash(typed, props, wkb)))
        return BatchResult(records, errors, repaired, skipped)


def open_records(
    spec: KindSpec,
    path: Path,
    *,
    source_crs: str | None = None,
    make_valid: bool = False,
    skip_bad_geometry: bool = False,
    join: Join | None = None,
    batch_size: int = 2000,
) -> RecordStream:
    source = open_source(path, source_crs=source_crs, needs_geometry=spec.geometry is not None)
    return RecordStream(
        spec, source, make_valid=make_valid, skip_bad_geometry=skip_bad_geometry, join=join, batch_size=batch_size
    )
