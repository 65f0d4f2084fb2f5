from pathlib import Path

from django.core.management.base import BaseCommand

from sitesel.layer_kinds import KINDS
from sitesel.management.commands._reporting import run_import
from sitesel.services.layers import layer_import


class Command(BaseCommand):
    help = "Import a GIS layer file (GeoJSON, GeoPackage, zipped Shapefile, CSV) as a new layer version."

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", help=f"one of: {', '.join(sorted(KINDS))}")
        parser.add_argument("path", type=Path)
        parser.add_argument("--source", default="", help="where the file came from (URL, repo@commit:path)")
        parser.add_argument(
            "--vintage",
            help="date the data describes, YYYY[-MM[-DD]] (not the import date); without it the vintage is unknown",
        )
        parser.add_argument("--publisher", help="override the kind's default publisher")
        parser.add_argument("--licence", help="override the kind's default licence")
        parser.add_argument("--source-crs", help="CRS of a file that does not state one (e.g. EPSG:4269)")
        parser.add_argument(
            "--make-valid", action="store_true", help="repair invalid polygons and lines and report them"
        )
        parser.add_argument(
            "--skip-bad-geometry", action="store_true", help="skip (and list) rows with empty or invalid geometry"
        )
        parser.add_argument("--join-eia860", type=Path, help="EIA-860 plant file to join (power_plants)")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, **options) -> None:
        result = run_import(
            self,
            options["kind"],
            lambda progress: layer_import(
                kind=options["kind"],
                path=options["path"],
                source=options["source"],
                vintage=options["vintage"],
                publisher=options["publisher"],
                licence=options["licence"],
                source_crs=options["source_crs"],
                make_valid=options["make_valid"],
                skip_bad_geometry=options["skip_bad_geometry"],
                join_eia860=options["join_eia860"],
                batch_size=options["batch_size"],
                progress=progress,
            ),
        )
        for skipped in result.skipped:
            self.stderr.write(f"  skipped {skipped}")
        if result.unchanged:
            self.stdout.write(f"{result.kind}: unchanged (version {result.version}, {result.row_count} rows)")
            return
        self.stdout.write(
            f"{result.kind}: version {result.version}: {result.row_count} rows, {result.added} added, "
            f"{result.changed} changed, {result.removed} removed"
            + (f", {result.repaired} geometries repaired with make_valid" if result.repaired else "")
            + (f", {len({s.row for s in result.skipped})} rows skipped for bad geometry" if result.skipped else "")
            + (f", vintage {result.vintage}" if result.vintage else ", vintage unknown (give --vintage YYYY[-MM[-DD]])")
        )
