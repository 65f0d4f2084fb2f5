"""Bad rows in the nationwide grid, substation, gas and price files: each is reported by row and column, the
command exits non-zero, and the database is left exactly as it was (the real layers stay loaded)."""

import geopandas as gpd
import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from shapely.geometry import MultiLineString

from sitesel.models import Feature, Layer, LayerVersion

pytestmark = pytest.mark.django_db


def _state() -> tuple[int, int, int]:
    return Layer.objects.count(), LayerVersion.objects.count(), Feature.objects.count()


def _refused(capsys, *args) -> str:
    before = _state()
    with pytest.raises(CommandError) as failure:
        call_command("import_layer", *args)
    assert _state() == before
    return str(failure.value) + capsys.readouterr().err


def test_hifld_lines_with_a_null_geometry_and_out_of_range_voltages(tmp_path, capsys, layers_dir):
    lines = gpd.read_file(layers_dir / "power/hifld_transmission_lines_345_765kv.gpkg").head(40)
    lines.loc[2, "geometry"] = None  # row 3
    lines.loc[6, "voltage_kv"] = 115.0  # row 7: not an extra-high-voltage line
    lines.loc[8, "voltage_kv"] = -999999.0  # row 9: HIFLD's "unknown" code
    lines.loc[11, "voltage_kv"] = None  # row 12: no voltage at all
    path = tmp_path / "hifld_lines.gpkg"
    lines.to_file(path, driver="GPKG")
    report = _refused(capsys, "hifld_lines", str(path), "--vintage", "2019")
    assert "4 error(s) in 4 row(s); nothing was imported" in report
    assert "row 3: geometry: empty geometry" in report
    assert "row 7: voltage_kv: 115.0 is outside 345..800 (voltage_kv)" in report
    assert "row 9: voltage_kv: -999999.0 is outside 345..800 (voltage_kv)" in report
    assert "row 12: voltage_kv: empty voltage_kv" in report


def test_a_multilinestring_in_the_substation_point_layer(tmp_path, capsys, layers_dir):
    substations = gpd.read_file(layers_dir / "power/hifld_substations_19_central_states.gpkg").head(30)
    substations = substations.set_geometry(substations.geometry.astype(object))
    substations.loc[3, "geometry"] = MultiLineString([[(-97.0, 32.0), (-97.1, 32.1)], [(-97.2, 32.0), (-97.3, 32.1)]])
    substations.loc[5, "state"] = None  # row 6: no state, so no coverage rule could use it
    path = tmp_path / "substations.gpkg"
    gpd.GeoDataFrame(substations, geometry="geometry", crs=4326).to_file(path, driver="GPKG", geometry_type="Unknown")
    report = _refused(capsys, "hifld_substations", str(path))
    assert "row 4: geometry: MultiLineString where point was expected" in report
    assert "row 6: state: empty state" in report


def test_derived_nodes_below_345_kv_and_osm_substations_with_text_voltage(tmp_path, capsys, layers_dir):
    nodes = gpd.read_file(layers_dir / "power/derived_ehv_nodes_from_hifld_345kv_lines.gpkg").head(10)
    nodes.loc[0, "max_kv"] = 230.0
    path = tmp_path / "nodes.gpkg"
    nodes.to_file(path, driver="GPKG")
    assert "row 1: max_kv: 230.0 is outside 345..800 (voltage_kv)" in _refused(capsys, "ehv_nodes_derived", str(path))

    osm = gpd.read_file(layers_dir / "power/osm_substations_west_ca_nv_az_or.gpkg").head(10)
    osm["max_kv"] = osm["max_kv"].astype(object)
    osm.loc[4, "max_kv"] = "500kV"
    path = tmp_path / "osm.gpkg"
    osm.to_file(path, driver="GPKG")
    assert "row 5: max_kv: '500kV' is not a number (voltage_kv)" in _refused(capsys, "osm_substations_west", str(path))


def test_gas_routes_with_degenerate_pieces_need_make_valid(capsys, layers_dir):
    """Three real GEM routes draw a piece through a single point; without --make-valid they are refused."""
    path = str(layers_dir / "other/gem_ggit_us_gas_pipeline_routes.gpkg")
    report = _refused(capsys, "gas_pipelines", path, "--vintage", "2026-04")
    assert "3 error(s) in 3 row(s)" in report and "Too few points in geometry component" in report
    routes = gpd.read_file(path)
    for row in routes.index[~routes.is_valid]:
        assert f"row {row + 1}: geometry: invalid geometry" in report
    version = Layer.objects.get(kind="gas_pipelines").current_version
    assert version.repaired_count == 3 and version.options["make_valid"] is True


def test_price_rows_with_a_wrong_unit_an_unknown_state_and_a_bad_year(tmp_path, capsys, layers_dir):
    prices = pd.read_csv(layers_dir / "power/eia_prices_12_southeast_states_2014_2024.csv", dtype=str).head(20)
    prices.loc[0, "unit"] = "cents_per_kWh"  # row 2: a gas price in electricity's unit
    prices.loc[1, "state"] = "Narnia"  # row 3
    prices.loc[2, "year"] = "20x5"  # row 4
    prices.loc[3, "price"] = "-4"  # row 5
    path = tmp_path / "prices.csv"
    prices.to_csv(path, index=False)
    report = _refused(capsys, "energy_prices", str(path), "--vintage", "2024")
    assert "row 2: unit: 'cents_per_kWh' is not the unit of natural_gas prices (usd_per_Mcf)" in report
    assert "row 3: state: 'Narnia' is not a US state name" in report
    assert "row 4: year: '20x5' is not a year 1900..2100" in report
    assert "row 5: price: -4 is outside 0..1000 (value)" in report


@pytest.mark.parametrize(
    ("vintage", "words"),
    [("2019-13", "has no month 13"), ("2019-02-30", "not a calendar date"), ("19", "YYYY, YYYY-MM or YYYY-MM-DD"),
     ("2999", "in the future")],
)  # fmt: skip
def test_a_bad_vintage_is_refused_before_anything_is_read(capsys, layers_dir, vintage, words):
    path = str(layers_dir / "power/hifld_transmission_lines_hvdc.gpkg")
    report = _refused(capsys, "hifld_hvdc_lines", path, "--vintage", vintage)
    assert "--vintage" in report and words in report
