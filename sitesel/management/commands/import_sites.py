from pathlib import Path

from django.core.management.base import BaseCommand

from sitesel.management.commands._reporting import run_import
from sitesel.services.sites import sites_import


class Command(BaseCommand):
    help = "Import candidate sites from CSV (name, longitude, latitude, ...) or GeoJSON/GeoPackage/zipped Shapefile."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--source-crs", help="CRS of a file that does not state one")
        parser.add_argument("--make-valid", action="store_true", help="repair invalid parcel polygons")

    def handle(self, *args, **options) -> None:
        result = run_import(
            self,
            "sites",
            lambda progress: sites_import(
                path=options["path"],
                source_crs=options["source_crs"],
                make_valid=options["make_valid"],
                progress=progress,
            ),
        )
        self.stdout.write(
            f"sites: {result.created} created, {result.updated} updated, {result.unchanged} unchanged; "
            f"located and facts computed for {result.facts_computed}"
        )
