"""Bad layer and site files: a clear error naming the problem, a non-zero exit, nothing written."""

import gzip
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from sitesel.models import Feature, Layer, LayerVersion, Site

pytestmark = pytest.mark.django_db

SUBSTATION = {"region": "South", "v_id": "1", "typ": "substation", "voltage": "230000"}


def geojson(features: list[tuple[dict, dict | None]]) -> str:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": p, "geometry": g} for p, g in features],
        }
    )


def point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


BOWTIE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}

PLANTS_HEADER = "gppd_idnr,name,capacity_mw,primary_fuel,latitude,longitude\n"

# (case id, kind, file name, file content, words the error must contain)
LAYER_CASES = [
    ("unknown-kind", "pipelines", "x.csv", "a,b\n1,2\n", ["unknown kind", "pipelines"]),
    ("unsupported-type", "hv_substations", "x.xlsx", "nope", ["unsupported file type"]),
    ("corrupt-geojson", "hv_substations", "x.geojson", '{"type": "FeatureCollection", "features": [', ["cannot read"]),
    ("not-json-at-all", "hv_substations", "x.geojson", "\x00\x01garbage", ["cannot read"]),
    ("empty-csv", "power_plants", "x.csv", "", ["cannot read"]),
    (
        "missing-columns", "hv_substations", "x.geojson",
        geojson([({"region": "South", "v_id": "1"}, point(-90, 35))]), ["missing required columns", "typ", "voltage"],
    ),
    ("csv-without-lon-lat", "power_plants", "x.csv", "gppd_idnr,name,capacity_mw,primary_fuel\nA,a,1,Gas\n",
     ["longitude", "latitude"]),
    ("empty-geometry", "hv_substations", "x.geojson", geojson([(SUBSTATION, None)]), ["row 1", "empty geometry"]),
    (
        "out-of-range", "hv_substations", "x.geojson",
        geojson([(SUBSTATION, point(-90, 35)), ({**SUBSTATION, "v_id": "2"}, point(-190, 35))]),
        ["row 2", "out of range"],
    ),
    (
        "wrong-geometry-type", "hv_substations", "x.geojson",
        geojson([(SUBSTATION, {"type": "LineString", "coordinates": [[0, 0], [1, 1]]})]), ["row 1", "LineString"],
    ),
    (
        "self-intersecting", "reeds_zones", "x.geojson", geojson([({"rb": "p1", "BA_Code": "X"}, BOWTIE)]),
        ["row 1", "invalid geometry", "Self-intersection"],
    ),
    (
        "non-numeric-voltage", "hv_substations", "x.geojson",
        geojson([({**SUBSTATION, "voltage": "high"}, point(-90, 35))]), ["row 1", "voltage", "'high'"],
    ),
    ("non-numeric-capacity", "power_plants", "x.csv", PLANTS_HEADER + "A,a,big,Gas,35,-90\n",
     ["row 2", "capacity_mw", "'big'"]),
    ("non-numeric-lat", "power_plants", "x.csv", PLANTS_HEADER + "A,a,10,Gas,north,-90\n", ["row 2", "latitude"]),
    ("nan-lat", "power_plants", "x.csv", PLANTS_HEADER + "A,a,10,Gas,NaN,-90\n", ["row 2", "latitude"]),
    ("huge-lon", "power_plants", "x.csv", PLANTS_HEADER + "A,a,10,Gas,35,1e300\n", ["row 2", "longitude"]),
    ("duplicate-id", "power_plants", "x.csv", PLANTS_HEADER + "A,a,10,Gas,35,-90\nA,b,10,Gas,35,-91\n",
     ["row 3", "duplicate feature id"]),
    ("empty-id", "power_plants", "x.csv", PLANTS_HEADER + ",a,10,Gas,35,-90\n", ["row 2", "empty feature id"]),
    ("latin1-bytes", "power_plants", "x.csv", PLANTS_HEADER.encode() + "A,Caf\xe9,10,Gas,35,-90\n".encode("latin-1"),
     ["cannot read"]),
]  # fmt: skip


def _write(tmp_path, name: str, content) -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return str(path)


def _snapshot() -> tuple[int, int, int, int]:
    return Layer.objects.count(), LayerVersion.objects.count(), Feature.objects.count(), Site.objects.count()


@pytest.mark.parametrize(
    ("kind", "name", "content", "words"), [c[1:] for c in LAYER_CASES], ids=[c[0] for c in LAYER_CASES]
)
def test_bad_layer_file_is_refused_and_nothing_is_written(tmp_path, capsys, kind, name, content, words):
    before = _snapshot()
    with pytest.raises(CommandError) as failure:
        call_command("import_layer", kind, _write(tmp_path, name, content))
    report = str(failure.value) + capsys.readouterr().err
    for word in words:
        assert word in report
    assert _snapshot() == before


def test_a_bad_row_late_in_a_big_file_rolls_back_every_batch(tmp_path, capsys):
    rows = [f"P{i},plant {i},10,Gas,35,-90" for i in range(5000)]
    rows[4321] = "P4321,plant,10,Gas,35,-900"
    path = _write(tmp_path, "plants.csv", PLANTS_HEADER + "\n".join(rows) + "\n")
    before = _snapshot()
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_layer", "power_plants", path, "--batch-size", "500")
    assert "row 4323: longitude" in capsys.readouterr().err
    assert _snapshot() == before


def _zipped_substation_shapefile(tmp_path, point, crs) -> str:
    """One substation written as a Shapefile (with a .prj only when crs is set), zipped."""
    import geopandas as gpd

    frame = gpd.GeoDataFrame(
        {"region": ["S"], "v_id": ["1"], "typ": ["substation"], "voltage": ["230000"]}, geometry=[point], crs=crs
    )
    frame.to_file(tmp_path / "nodes.shp")
    archive = tmp_path / "nodes.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for part in tmp_path.glob("nodes.*"):
            if part.suffix != ".zip":
                bundle.write(part, part.name)
    return str(archive)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_unknown_crs_in_a_shapefile_without_prj_is_refused(tmp_path):
    from shapely.geometry import Point

    archive = _zipped_substation_shapefile(tmp_path, Point(500000, 4000000), crs=None)
    before = _snapshot()
    with pytest.raises(CommandError, match="unknown CRS"):
        call_command("import_layer", "hv_substations", archive)
    assert _snapshot() == before


def test_zipped_shapefile_in_a_projected_crs_is_reprojected(tmp_path):
    from pyproj import Transformer
    from shapely.geometry import Point

    x, y = Transformer.from_crs(4326, 5070, always_xy=True).transform(-90.0, 35.0)
    archive = _zipped_substation_shapefile(tmp_path, Point(x, y), crs=5070)
    call_command("import_layer", "hv_substations", archive)
    feature = Feature.objects.get(layer__kind="hv_substations", source_fid="S:1", valid_to__isnull=True)
    assert feature.geom.x == pytest.approx(-90.0, abs=1e-6)
    assert feature.geom.y == pytest.approx(35.0, abs=1e-6)
    assert feature.voltage_kv == 230


def test_garbage_source_crs_is_refused(tmp_path):
    path = _write(tmp_path, "p.csv", PLANTS_HEADER + "A,a,10,Gas,35,-90\n")
    with pytest.raises(CommandError, match="unknown CRS"):
        call_command("import_layer", "power_plants", path, "--source-crs", "EPSG:999999")


def test_make_valid_repairs_and_reports_invalid_polygons(tmp_path, capsys):
    path = _write(tmp_path, "z.geojson", geojson([({"rb": "p999", "BA_Code": "X"}, BOWTIE)]))
    call_command("import_layer", "reeds_zones", path, "--make-valid")
    assert "1 geometries repaired with make_valid" in capsys.readouterr().out
    zone = Feature.objects.get(layer__kind="reeds_zones", source_fid="p999", valid_to__isnull=True)
    assert zone.geom.valid
    assert LayerVersion.objects.get(layer__kind="reeds_zones", number=2).repaired_count == 1


def test_gzipped_csv_reads(tmp_path):
    path = tmp_path / "p.csv.gz"
    path.write_bytes(gzip.compress((PLANTS_HEADER + "A,a,10,Gas,35,-90\n").encode()))
    call_command("import_layer", "power_plants", str(path))
    assert Feature.objects.filter(layer__kind="power_plants", valid_to__isnull=True).count() == 1


SITES_HEADER = "id,name,longitude,latitude,land_price_usd_per_acre,notes,tags\n"
SITE_CASES = [
    ("no-name-column", "id,longitude,latitude\n1,-90,35\n", ["missing required columns: name"]),
    ("empty-name", SITES_HEADER + "s1,,-90,35,,,\n", ["row 2", "empty name"]),
    ("negative-land-price", SITES_HEADER + "s1,A,-90,35,-5,,\n", ["row 2", "land_price_usd_per_acre"]),
    ("text-land-price", SITES_HEADER + "s1,A,-90,35,cheap,,\n", ["row 2", "'cheap' is not a number"]),
    ("lat-out-of-range", SITES_HEADER + "s1,A,-90,95,,,\n", ["row 2", "latitude", "out of range"]),
    ("missing-lon", SITES_HEADER + "s1,A,,35,,,\n", ["row 2", "longitude", "empty coordinate"]),
    ("duplicate-site-id", SITES_HEADER + "s1,A,-90,35,,,\ns1,B,-91,35,,,\n", ["row 3", "duplicate site id"]),
    ("odd-unicode-name-too-long", SITES_HEADER + "s1," + "\u202e" * 201 + ",-90,35,,,\n", ["row 2", "longer than 200"]),
]


@pytest.mark.parametrize(("content", "words"), [c[1:] for c in SITE_CASES], ids=[c[0] for c in SITE_CASES])
def test_bad_sites_file_is_refused_and_nothing_is_written(tmp_path, capsys, content, words):
    before = _snapshot()
    with pytest.raises(CommandError) as failure:
        call_command("import_sites", _write(tmp_path, "sites.csv", content))
    report = str(failure.value) + capsys.readouterr().err
    for word in words:
        assert word in report
    assert _snapshot() == before


def test_self_intersecting_parcel_is_refused(tmp_path, capsys):
    path = _write(tmp_path, "sites.geojson", geojson([({"name": "Bow tie", "id": "b1"}, BOWTIE)]))
    with pytest.raises(CommandError):
        call_command("import_sites", path)
    assert "invalid geometry" in capsys.readouterr().err
    assert not Site.objects.exists()


def test_geopackage_reads_and_a_second_import_of_it_changes_nothing(tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point

    frame = gpd.GeoDataFrame(
        {"osm_type": ["node", "way"], "osm_id": ["1", "2"], "name": ["DC one", "DC two"]},
        geometry=[Point(-77.48, 39.04), Point(-96.8, 32.8)],
        crs=4326,
    )
    path = tmp_path / "datacenters.gpkg"
    frame.to_file(path, driver="GPKG")
    versions = LayerVersion.objects.filter(layer__kind="datacenters").count()
    call_command("import_layer", "datacenters", str(path))
    call_command("import_layer", "datacenters", str(path))
    assert LayerVersion.objects.filter(layer__kind="datacenters").count() == versions + 1
    current = Feature.objects.filter(layer__kind="datacenters", valid_to__isnull=True)
    assert sorted(current.values_list("name", flat=True)) == ["DC one", "DC two"]
