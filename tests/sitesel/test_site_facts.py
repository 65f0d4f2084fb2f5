"""Site facts from PostGIS agree with an independent geopandas computation on the source files."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from django.conf import settings
from django.core.management import call_command

from sitesel.models import Site, SiteFacts
from sitesel.spatial.measures import GRIDKIT_WEST_LIMIT_LON

pytestmark = pytest.mark.django_db
ALBERS = 5070
LAYERS = settings.FIXTURES_DIR / "layers"


@pytest.fixture
def demo_sites():
    call_command("import_sites", str(settings.FIXTURES_DIR / "sites" / "demo_candidate_sites.csv"))
    sites = Site.objects.select_related("facts").order_by("pk")
    frame = gpd.GeoDataFrame(
        {"pk": [s.pk for s in sites], "lon": [s.point.x for s in sites]},
        geometry=gpd.points_from_xy([s.point.x for s in sites], [s.point.y for s in sites]),
        crs=4326,
    ).to_crs(ALBERS)
    return sites, frame


def _nearest_km(sites: gpd.GeoDataFrame, targets: gpd.GeoDataFrame) -> pd.Series:
    joined = gpd.sjoin_nearest(sites, targets[["geometry"]].to_crs(ALBERS), distance_col="d")
    return joined.groupby("pk")["d"].min() / 1000


def _kv(series: pd.Series) -> pd.Series:
    return series.map(lambda v: max(float(p) for p in str(v).split(";")) / 1000 if v else np.nan)


def _assert_close(ours: dict[int, float | None], theirs: pd.Series, rel: float = 0.01, floor_km: float = 0.05):
    compared = 0
    for pk, expected in theirs.items():
        value = ours[pk]
        assert value is not None, pk
        # 1 % agreement; sites that sit on the line itself are compared to within 50 m.
        assert abs(value - expected) <= max(rel * expected, floor_km), (pk, value, expected)
        compared += 1
    assert compared >= 40


def test_distances_to_hv_lines_by_voltage_class(demo_sites):
    sites, frame = demo_sites
    lines = gpd.read_file(LAYERS / "power/osm_gridkit_us_hv_lines.geojson")
    lines["kv"] = _kv(lines["voltage"])
    covered = frame[frame["lon"] >= GRIDKIT_WEST_LIMIT_LON]
    for field, kv in (("distance_hv_230_km", 230), ("distance_hv_345_km", 345), ("distance_hv_500_km", 500)):
        theirs = _nearest_km(covered, lines[lines["kv"] >= kv])
        _assert_close({s.pk: getattr(s.facts, field) for s in sites}, theirs)
    west = frame[frame["lon"] < GRIDKIT_WEST_LIMIT_LON]["pk"]
    assert len(west) > 0
    assert SiteFacts.objects.filter(site__in=list(west), distance_hv_230_km__isnull=True).count() == len(west)


def test_distances_to_substations_datacenters_and_network_pops(demo_sites):
    sites, frame = demo_sites
    nodes = gpd.read_file(LAYERS / "power/osm_gridkit_us_hv_nodes.geojson")
    substations = nodes[nodes["typ"].isin(["substation", "sub_station", "station"])]
    covered = frame[frame["lon"] >= GRIDKIT_WEST_LIMIT_LON]
    _assert_close({s.pk: s.facts.distance_substation_km for s in sites}, _nearest_km(covered, substations))

    dcs = pd.read_csv(LAYERS / "interconnect/osm_datacenters_world.csv")
    dcs = gpd.GeoDataFrame(geometry=gpd.points_from_xy(dcs["lon"], dcs["lat"]), crs=4326)
    _assert_close({s.pk: s.facts.distance_datacenter_km for s in sites}, _nearest_km(frame, dcs))

    pops = pd.read_csv(LAYERS / "interconnect/topology_zoo_us_network_nodes.csv")
    pops = gpd.GeoDataFrame(geometry=gpd.points_from_xy(pops["lon"], pops["lat"]), crs=4326)
    _assert_close({s.pk: s.facts.distance_network_pop_km for s in sites}, _nearest_km(frame, pops))


def test_generation_capacity_within_50_km(demo_sites):
    sites, frame = demo_sites
    plants = pd.read_csv(LAYERS / "power/gppd_us_power_plants.csv")
    plants = plants[plants["latitude"].between(-90, 90) & plants["longitude"].between(-180, 180)]
    plants = gpd.GeoDataFrame(
        {"mw": plants["capacity_mw"]}, geometry=gpd.points_from_xy(plants["longitude"], plants["latitude"]), crs=4326
    ).to_crs(ALBERS)
    xy = np.column_stack([plants.geometry.x, plants.geometry.y])
    ours = {s.pk: s.facts.generation_capacity_50km_mw or 0.0 for s in sites}
    for pk, site_point in zip(frame["pk"], frame.geometry, strict=True):
        distance = np.hypot(xy[:, 0] - site_point.x, xy[:, 1] - site_point.y)
        expected = plants["mw"].to_numpy()[distance <= 50_000].sum()
        assert ours[pk] == pytest.approx(expected, rel=0.01), pk


def test_county_statistics_and_layer_versions(demo_sites):
    sites, _ = demo_sites
    labor = pd.read_csv(LAYERS / "labor/bls_laus_county_labor_force_2024.csv", dtype={"fips": str}).set_index("fips")
    prices = pd.read_csv(LAYERS / "power/eia_avg_retail_price_by_state_1990_2019.csv")
    prices = prices[(prices["industry_sector_category"] == "Total Electric Industry") & (prices["year"] == 2019)]
    prices = prices.set_index("state")["industrial_cents_kwh"]
    for site in sites:
        assert site.county_fips, site.name
        assert site.facts.county_labor_force == int(labor.loc[site.county_fips, "labor_force"])
        assert site.facts.county_unemployment_rate_pct == pytest.approx(
            labor.loc[site.county_fips, "unemployment_rate_pct"]
        )
        assert site.facts.state_industrial_price_cents_kwh == pytest.approx(prices[site.state])
        assert site.facts.layer_versions["hv_lines"] == 1
