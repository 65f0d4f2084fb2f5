"""Every layer has a vintage (the date its data describes); sites, scoring runs and results carry the oldest one
they used; the API, the site page and the layer list show it and flag data older than LAYER_STALE_AFTER_YEARS.
Attribution that a licence requires (ODbL, CC BY) is shown wherever the data is."""

import re

import pytest
from django.contrib.gis.geos import Point
from django.test import override_settings
from rest_framework.test import APIClient

from sitesel.demo.layers import manifest_entries
from sitesel.models import Feature, Layer, ScoringResult
from sitesel.services.layers import layer_import
from sitesel.services.scoring_runs import scenario_default, scoring_run_create
from sitesel.services.site_edit import site_create
from tests.web.conftest import make_planner, run_inline

pytestmark = pytest.mark.django_db
OSM = "© OpenStreetMap contributors (ODbL 1.0)"
GEM = "Global Energy Monitor, Global Gas Infrastructure Tracker (CC BY 4.0)"


@pytest.fixture
def api() -> APIClient:
    client = APIClient()
    client.force_authenticate(make_planner())
    return client


@pytest.fixture
def atlanta():
    """Georgia: 2024 electricity and gas prices, GridKit lines and substations, an OSM datacenter nearby."""
    return site_create(name="Atlanta west", point=Point(-84.55, 33.75, srid=4326))


@pytest.fixture
def phoenix():
    """Arizona: a 2019 electricity price escalated to 2024, no gas price, HIFLD lines."""
    return site_create(name="Phoenix south", point=Point(-112.07, 33.30, srid=4326))


def test_every_demo_layer_is_imported_with_the_vintage_of_its_manifest_entry():
    for entry in manifest_entries():
        assert entry["vintage"], entry["kind"]
        assert Layer.objects.get(kind=entry["kind"]).current_version.vintage == entry["vintage"]


def test_a_new_vintage_for_the_same_file_is_a_new_version_with_the_same_features(layers_dir):
    path = layers_dir / "power/hifld_transmission_lines_hvdc.gpkg"
    features = Feature.objects.filter(layer__kind="hifld_hvdc_lines").count()
    assert layer_import(kind="hifld_hvdc_lines", path=path).unchanged  # no vintage given: nothing to change
    assert layer_import(kind="hifld_hvdc_lines", path=path, vintage="2019").unchanged
    result = layer_import(kind="hifld_hvdc_lines", path=path, vintage="2018-06")
    assert (result.unchanged, result.version, result.added, result.changed, result.removed) == (False, 2, 0, 0, 0)
    assert Layer.objects.get(kind="hifld_hvdc_lines").current_version.vintage == "2018-06"
    assert Feature.objects.filter(layer__kind="hifld_hvdc_lines").count() == features


@override_settings(LAYER_STALE_AFTER_YEARS=5)
def test_the_layers_api_shows_vintage_age_staleness_and_the_credit_line(api):
    layers = {layer["kind"]: layer for layer in api.get("/api/v1/layers/", {"page_size": 100}).json()["results"]}
    gridkit = layers["hv_lines"]
    assert gridkit["attribution"] == OSM and "ODbL" in gridkit["current_version"]["licence"]
    assert gridkit["current_version"]["vintage"] == "2016" and gridkit["current_version"]["stale"] is True
    assert gridkit["current_version"]["age_years"] > 9
    assert layers["gas_pipelines"]["attribution"] == GEM
    assert layers["gas_pipelines"]["current_version"]["stale"] is False
    assert layers["hifld_lines"]["attribution"] == ""  # public domain: credited by publisher, not required
    assert "HIFLD" in layers["hifld_lines"]["current_version"]["publisher"]
    with override_settings(LAYER_STALE_AFTER_YEARS=20):
        assert api.get("/api/v1/layers/hv_lines/").json()["current_version"]["stale"] is False
    versions = api.get("/api/v1/layers/hv_lines/versions/").json()["results"]
    assert versions[0]["vintage"] == "2016"


@override_settings(LAYER_STALE_AFTER_YEARS=5)
def test_the_site_api_gives_the_gas_measures_their_sources_and_dates(api, atlanta, phoenix):
    facts = api.get(f"/api/v1/sites/{atlanta.pk}/").json()["facts"]
    # The names the economics model consumes, exactly.
    assert facts["distance_gas_pipeline_km"] > 0
    assert facts["gas_pipeline_status"] in ("operating", "construction", "unknown")
    assert "gas_pipeline_diameter_in" in facts
    assert (facts["state_gas_price_year"], facts["state_industrial_gas_price_usd_per_mcf"]) == (2024, 4.77)
    assert facts["measure_sources"]["distance_gas_pipeline_km"] == "gas_pipelines"
    assert facts["measure_vintages"]["state_industrial_gas_price_usd_per_mcf"] == "2024"
    assert facts["oldest_vintage"] == "2011"
    assert "distance_network_pop_km" in facts["stale_measures"]  # Topology Zoo, 2011
    assert "distance_gas_pipeline_km" not in facts["stale_measures"]
    assert OSM in facts["attributions"] and GEM in facts["attributions"]

    west = api.get(f"/api/v1/sites/{phoenix.pk}/").json()["facts"]
    assert west["state_industrial_gas_price_usd_per_mcf"] is None and west["state_gas_price_year"] is None
    assert west["state_price_year"] == 2019 and "state_industrial_price_cents_kwh" in west["stale_measures"]
    escalation = west["price_escalation"]["state_industrial_price_cents_kwh"]
    assert (escalation["layer"], escalation["source_year"], escalation["basis_year"]) == ("power_prices", 2019, 2024)
    # The factor is shown to 4 decimals; the price itself is not rounded.
    expected = escalation["source_value"] * escalation["factor"]
    assert west["state_industrial_price_cents_kwh"] == pytest.approx(expected, rel=1e-4)
    assert west["measure_sources"]["distance_hv_345_km"] == "hifld_lines"


def test_scoring_runs_and_results_carry_vintages_and_sources(api, atlanta, phoenix, django_capture_on_commit_callbacks):
    run = run_inline(scoring_run_create(scenario=scenario_default(), draws=50))
    body = api.get(f"/api/v1/scoring-runs/{run.pk}/").json()
    assert body["oldest_vintage"] == "2011"
    assert body["layer_vintages"]["hifld_lines"] == "2019" and body["layer_vintages"]["gas_pipelines"] == "2026-04"
    result = ScoringResult.objects.get(run=run, site=phoenix, capacity_mw=1000)
    measures = api.get(f"/api/v1/scoring-runs/{run.pk}/results/{result.pk}/").json()["measures"]
    facts = phoenix.facts
    for measure in ("distance_hv_230_km", "distance_hv_345_km", "distance_hv_500_km", "distance_substation_km"):
        assert measures[f"source:{measure}"] == facts.measure_sources[measure], measure
        assert measures[measure] == pytest.approx(getattr(facts, measure)), measure
    assert measures["oldest_vintage"] == facts.oldest_vintage == "2011"
    assert measures["state_price_year"] == 2019
    assert measures["gas_pipeline_status"] == facts.gas_pipeline_status
    assert measures["state_industrial_gas_price_usd_per_mcf"] is None


@override_settings(LAYER_STALE_AFTER_YEARS=5)
def test_the_layer_list_and_the_site_page_show_dates_staleness_and_credits(atlanta, phoenix):
    from django.test import Client

    client = Client()
    client.force_login(make_planner("reader"))
    home = client.get("/layers/").content.decode()
    row = re.search(r"<tr><td>High-voltage transmission lines \(OSM/GridKit\)</td>.*?</tr>", home, re.S)[0]
    assert "2016" in row and "stale" in row and OSM in row
    sites = client.get("/sites/").content.decode()
    site_row = re.search(rf'<a href="/sites/{phoenix.pk}/">Phoenix south</a>.*?</tr>', sites, re.S)[0]
    assert "≤ " in site_row and "(2019)" in site_row
    gas = re.search(r"<tr><td>Natural-gas pipeline routes.*?</tr>", home, re.S)[0]
    assert "2026-04" in gas and "stale" not in gas and GEM in gas

    page = client.get(f"/sites/{phoenix.pk}/").content.decode()
    price = re.search(r"State industrial electricity price</td>.*?</tr>", page, re.S)[0]
    assert "power_prices" in price and "2019" in price and "stale" in price and "× 1.1" in price
    line = re.search(r"Nearest line ≥345 kV</td>.*?</tr>", page, re.S)[0]
    assert "hifld_lines" in line and "2019" in line
    bound = re.search(r"Nearest line ≥230 kV</td>.*?</tr>", page, re.S)[0]
    assert "hifld_lines:345kv_only" in bound and "upper bound" in bound
    assert re.search(r'id="credits">Contains: .*OpenStreetMap', page)
    assert "Oldest data used: 2011" in page

    map_page = client.get("/map/").content.decode()
    assert f'data-overlay="gas_pipelines" data-attribution="{GEM}"' in map_page
    assert OSM in re.search(r'id="map-credits">(.*?)</p>', map_page, re.S)[1]


def test_import_layer_stores_the_vintage_given_and_says_when_none_is(tmp_path, layers_dir, capsys):
    import geopandas as gpd
    from django.core.management import call_command

    lines = gpd.read_file(layers_dir / "power/hifld_transmission_lines_hvdc.gpkg")
    path = tmp_path / "hvdc.gpkg"
    lines.head(10).to_file(path, driver="GPKG")
    call_command("import_layer", "hifld_hvdc_lines", str(path), "--vintage", "2019-06")
    assert "5 removed, vintage 2019-06" in capsys.readouterr().out
    lines.head(9).to_file(path, driver="GPKG")
    call_command("import_layer", "hifld_hvdc_lines", str(path))
    assert "vintage unknown (give --vintage" in capsys.readouterr().out
    layer = Layer.objects.get(kind="hifld_hvdc_lines")
    assert [v.vintage for v in layer.versions.order_by("number")] == ["2019", "2019-06", ""]
    assert layer.current_version.stale  # unknown age counts as stale
