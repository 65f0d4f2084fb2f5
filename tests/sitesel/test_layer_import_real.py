"""Every real layer imports with the row counts an independent read of its file gives."""

from collections import Counter

import geopandas as gpd
import pandas as pd
import pytest
from django.core.management import call_command

from sitesel.demo.layers import manifest_entries
from sitesel.models import Feature, Layer, LayerVersion
from sitesel.services.layers import layer_import

pytestmark = pytest.mark.django_db


def _expected_rows(entry: dict, layers_dir) -> int:
    path = layers_dir / entry["path"]
    if path.name.endswith((".csv", ".csv.gz")):
        frame = pd.read_csv(path, dtype=str)
        if entry["kind"] == "power_plants":  # skip_bad_geometry drops rows without usable coordinates
            lat, lon = pd.to_numeric(frame["latitude"]), pd.to_numeric(frame["longitude"])
            frame = frame[lat.between(-90, 90) & lon.between(-180, 180)]
        return len(frame)
    frame = gpd.read_file(path)
    if entry.get("skip_bad_geometry"):
        frame = frame[frame.geometry.notna() & frame.geometry.is_valid & ~frame.geometry.is_empty]
    return len(frame)


@pytest.mark.parametrize("entry", manifest_entries(), ids=lambda e: e["kind"])
def test_each_real_layer_has_the_rows_of_its_file(entry, layers_dir):
    layer = Layer.objects.select_related("current_version").get(kind=entry["kind"])
    expected = _expected_rows(entry, layers_dir)
    assert layer.current_version.row_count == expected
    assert Feature.objects.filter(layer=layer, valid_to__isnull=True).count() == expected
    assert layer.current_version.checksum_sha256 and layer.current_version.licence and layer.current_version.publisher


def test_documented_counts_of_the_main_layers():
    # Counts as SOURCES.md states them. GPPD has 11,879 rows: 32 have no coordinates and one
    # (Rolling Upland Wind Farm) has latitude 425.2; both are skipped and reported.
    counts = dict(Layer.objects.values_list("kind", "current_version__row_count"))
    assert counts["power_plants"] == 11_879 - 33
    assert counts["hv_lines"] == 8_082
    assert counts["hv_substations"] == 5_913
    assert counts["interconnection_queue"] == 16_450
    assert counts["counties"] == 3_221
    assert counts["datacenters"] == 4_654
    assert (counts["hifld_lines"], counts["hifld_hvdc_lines"], counts["ehv_nodes_derived"]) == (2_940, 15, 1_658)
    assert (counts["hifld_substations"], counts["osm_substations_west"]) == (35_218, 1_333)
    assert (counts["gas_pipelines"], counts["energy_prices"]) == (346, 726)


def test_the_new_layers_carry_their_typed_fields():
    def current(kind: str, fid: str) -> Feature:
        return Feature.objects.get(layer__kind=kind, source_fid=fid, valid_to__isnull=True)

    assert current("hifld_lines", "2").voltage_kv == 345 and current("hifld_hvdc_lines", "1").voltage_kv == 500
    price = current("energy_prices", "2024:GA:electricity:Industrial")
    assert (price.state, price.category, price.value) == ("GA", "electricity:Industrial", 7.20)
    route = current("gas_pipelines", "P0197")  # GEM: 'Operating', '30"'
    assert (route.name, route.category, route.value) == ("Shell Chemical Lateral", "operating", 30.0)
    assert current("gas_pipelines", "P0161").geom.valid  # one of the three repaired routes
    assert (current("gas_pipelines", "P3282").category, current("gas_pipelines", "P3282").value) == ("unknown", 42.0)
    west = current("osm_substations_west", "node/368173858")
    assert (west.state, west.voltage_kv) == ("CA", None)


def _current_counts(kind: str, field: str) -> dict[str, int]:
    rows = Feature.objects.filter(layer__kind=kind, valid_to__isnull=True).values_list(field, flat=True)
    return dict(Counter(rows))


def test_counts_the_docs_quote_for_the_new_layers():
    # docs/layers.md: most GEM routes carry no status; the OSM file is thin outside California.
    assert _current_counts("gas_pipelines", "category") == {"unknown": 332, "operating": 12, "construction": 2}
    assert _current_counts("osm_substations_west", "state") == {"CA": 1_177, "NV": 103, "AZ": 43, "OR": 10}
    assert len(_current_counts("hifld_substations", "state")) == 19


def test_power_plants_carry_eia860_voltage_and_pipelines():
    plant = Feature.objects.get(layer__kind="power_plants", source_fid="USA0003470", valid_to__isnull=True)
    assert plant.name == "W A Parish"
    assert plant.state == "TX"
    assert plant.voltage_kv == 345
    assert plant.properties["Balancing Authority Code"] == "ERCO"
    assert plant.capacity_mw > 3000


def test_reimporting_an_unchanged_file_changes_nothing(layers_dir):
    before = (LayerVersion.objects.count(), Feature.objects.count())
    result = layer_import(kind="hv_lines", path=layers_dir / "power/osm_gridkit_us_hv_lines.geojson")
    assert result.unchanged
    assert (LayerVersion.objects.count(), Feature.objects.count()) == before


def test_changed_file_makes_a_new_version_and_the_old_one_stays_queryable(tmp_path, layers_dir):
    source = pd.read_csv(layers_dir / "power/reeds_state_interface_transfer_capacity_naris2024.csv", dtype=str)
    changed = source.copy()
    changed.loc[0, "MW_f0"] = "1234.5"  # one changed
    changed = changed.drop(index=1)  # one removed
    extra = changed.iloc[[2]].copy()
    extra["interface"] = "ZZ||YY"  # one added
    changed = pd.concat([changed, extra])
    path = tmp_path / "state_transfer_v2.csv"
    changed.to_csv(path, index=False)

    result = layer_import(kind="transfer_capacity_state", path=path)

    assert (result.version, result.added, result.changed, result.removed) == (2, 1, 1, 1)
    layer = Layer.objects.get(kind="transfer_capacity_state")
    assert layer.current_version.number == 2
    first = source.loc[0, "interface"]
    current = Feature.objects.get(layer=layer, source_fid=first, valid_to__isnull=True)
    assert current.value == 1234.5
    as_of_v1 = Feature.objects.get(layer=layer, source_fid=first, valid_from__lte=1, valid_to=2)
    assert as_of_v1.value == float(source.loc[0, "MW_f0"])
    assert Feature.objects.filter(layer=layer, valid_to__isnull=True).count() == len(changed)


def test_import_layer_command_reports_unchanged(layers_dir, capsys):
    call_command("import_layer", "states", str(layers_dir / "land/us_states_census2017.geojson"), "--make-valid")
    assert "unchanged" in capsys.readouterr().out
