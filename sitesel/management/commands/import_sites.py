from pathlib import Path

from django.core.management.base import BaseCommand
from tqdm import tqdm

from sitesel.importing.errors import ImportFailed
from sitesel.management.commands._reporting import fail_with_report
from sitesel.services.site_facts import site_facts_refresh
from sitesel.services.sites import sites_import


class Command(BaseCommand):
    help = "Import candidate sites from CSV (name, longitude, latitude, ...) or GeoJSON/GeoPackage/zipped Shapefile."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--source-crs", help="CRS of a file that does not state one")
        parser.add_argument("--make-valid", action="store_true", help="repair invalid parcel polygons")

    def handle(self, *args, **options) -> None:
        bar = tqdm(desc="sites", unit=" rows", disable=None, file=self.stderr._out)
        try:
            result = sites_import(
                path=options["path"],
                source_crs=options["source_crs"],
                make_valid=options["make_valid"],
                progress=bar.update,
            )
        except ImportFailed as exc:
            bar.close()
            fail_with_report(self, exc)
        bar.close()
        facts = site_facts_refresh(site_ids=result.site_ids)
        self.stdout.write(
            f"sites: {result.created} created, {result.updated} updated, {result.unchanged} unchanged; "
            f"facts computed for {facts}"
        )
