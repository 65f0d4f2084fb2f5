import csv
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from pyproj import Transformer

from sitesel.domain.types import NUMERIC_INPUT_FIELDS, TEXT_INPUT_FIELDS
from sitesel.scoring_runs.compute import economics_inputs
from sitesel.spatial.measures import measure_points
from sitesel.spatial.snapshot import get_snapshot

CALIBRATION = Path(settings.BASE_DIR) / "fixtures" / "calibration"


class Command(BaseCommand):
    help = (
        "Measure the site inputs of the Epoch AI US campuses (fixtures/calibration/epoch_us_campus_locations.csv) "
        "against the imported layers and write them for bench/calibrate_economics.py and its test."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--locations", type=Path, default=CALIBRATION / "epoch_us_campus_locations.csv")
        parser.add_argument("--out", type=Path, default=CALIBRATION / "epoch_us_campus_inputs.csv")

    def handle(self, *args, locations: Path, out: Path, **options) -> None:
        try:
            with locations.open(encoding="utf-8") as handle:
                campuses = list(csv.DictReader(handle))
        except OSError as exc:
            raise CommandError(f"cannot read {locations}: {exc}") from None
        if not campuses:
            raise CommandError(f"{locations} has no campuses")
        lon = np.array([float(c["lon"]) for c in campuses])
        lat = np.array([float(c["lat"]) for c in campuses])
        x, y = Transformer.from_crs(4326, 5070, always_xy=True).transform(lon, lat)
        snapshot = get_snapshot()
        if "counties" not in snapshot.versions:
            raise CommandError("no layers imported: run `manage.py import_demo_layers` first")
        measures = measure_points(snapshot, lon, lat, np.asarray(x), np.asarray(y))
        inputs = economics_inputs(measures, None)
        fields = [*TEXT_INPUT_FIELDS, *NUMERIC_INPUT_FIELDS]
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["name", "layer_versions", *fields])
            versions = ";".join(f"{kind}:{v}" for kind, v in sorted(snapshot.versions.items()))
            for i, campus in enumerate(campuses):
                row = [getattr(inputs, f)[i] for f in fields]
                writer.writerow([campus["name"], versions, *("" if _blank(v) else v for v in row)])
        self.stdout.write(f"wrote {len(campuses)} campuses' site inputs to {out}")


def _blank(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and np.isnan(value))
