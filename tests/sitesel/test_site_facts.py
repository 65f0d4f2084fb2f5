"""Site facts from PostGIS agree with an independent geopandas computation on the source files.

The reference side reads the files in fixtures/layers with geopandas and applies the combination rules of
docs/layers.md ("How overlapping sources combine") in its own code, so a wrong rule or a wrong join in
sitesel/spatial shows up as a disagreement.
"""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.management import call_command

from sitesel.domain.parameters import DEFAULT_PARAMETERS
from sitesel.models import Site
from sitesel.scoring_runs.compute import Points, compute_chunk
from sitesel.services.site_edit import site_create
from sitesel.spatial.snapshot import get_snapshot

pytestmark = pytest.mark.django_db
ALBERS = 5070
LAYERS = settings.FIXTURES_DIR / "layers"
GRIDKIT_WEST_LON = -106.4  # docs/layers.md: GridKit covers points east of 106.4°W
HIFLD_STATES = {"TX", "AL", "MN", "IN", "KY", "IL", "TN", "OK", "WI", "MI", "MO", "IA", "ND", "LA", "NE", "MS", "KS",
                "AR", "SD"}  # fmt: skip
OSM_WEST_STATES = {"CA", "NV", "AZ", "OR"}


@pytest.fixture
def demo_sites():
    call_command("import_sites", str(settings.FIXTURES_DIR / "sites" / "demo_candidate_sites.csv"))
    sites = Site.objects.select_related("facts").order_by("pk")
    frame = gpd.GeoDataFrame(
        {"pk": [s.pk for s in sites], "lon": [s.point.x for s in sites], "state": [s.state for s in sites]},
        geometry=gpd.points_from_xy([s.point.x for s in sites], [s.point.y for s in sites]),
        crs=4326,
    ).to_crs(ALBERS)
    return sites, frame


def _nearest_km(sites: gpd.GeoDataFrame, targets: gpd.GeoDataFrame) -> pd.Series:
    """Distance from each site to the nearest target, km; NaN for sites not in `sites` when reindexed."""
    if len(sites) == 0 or len(targets) == 0:
        return pd.Series(dtype=float)
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


def _gridkit_ac_lines() -> gpd.GeoDataFrame:
    lines = gpd.read_file(LAYERS / "power/osm_gridkit_us_hv_lines.geojson")
    lines["kv"] = _kv(lines["voltage"])
    dc_only = lines["frequency"].fillna("").str.fullmatch(r"0(;0)*")
    return lines[~dc_only & lines["kv"].notna()]


def test_distances_to_ac_lines_combine_gridkit_and_hifld(demo_sites):
    sites, frame = demo_sites
    gridkit = _gridkit_ac_lines()
    hifld = gpd.read_file(LAYERS / "power/hifld_transmission_lines_345_765kv.gpkg")
    covered = frame[frame["lon"] >= GRIDKIT_WEST_LON]
    expected: dict[int, pd.Series] = {}
    for kv in (500, 345):
        from_gridkit = _nearest_km(covered, gridkit[gridkit["kv"] >= kv]).reindex(frame["pk"])
        from_hifld = _nearest_km(frame, hifld[hifld["voltage_kv"] >= kv]).reindex(frame["pk"])
        expected[kv] = np.fmin(from_gridkit, from_hifld)
        field = f"distance_hv_{kv}_km"
        _assert_close({s.pk: getattr(s.facts, field) for s in sites}, expected[kv])
        for site in sites:  # the source named is the one that is nearer, where they clearly differ
            g, h = from_gridkit[site.pk], from_hifld[site.pk]
            if not np.isnan(g) and abs(g - h) > 0.05 * max(g, h):
                assert site.facts.measure_sources[field] == ("hv_lines" if g < h else "hifld_lines"), site.name
    # ≥230 kV: GridKit where it covers the site, capped by the nearest ≥345 kV line (also ≥230 kV).
    gridkit_230 = _nearest_km(covered, gridkit[gridkit["kv"] >= 230]).reindex(frame["pk"])
    _assert_close({s.pk: s.facts.distance_hv_230_km for s in sites}, np.fmin(gridkit_230, expected[345]))
    west = [s for s in sites if s.point.x < GRIDKIT_WEST_LON]
    assert {s.state for s in west} >= {"WY", "CA", "OR"}
    for site in west:  # the West's only ≥230 kV answer is HIFLD's ≥345 kV lines, and it says so
        assert site.facts.distance_hv_230_km == site.facts.distance_hv_345_km
        assert site.facts.measure_sources["distance_hv_230_km"] == "hifld_lines:345kv_only"
        assert site.facts.measure_vintages["distance_hv_345_km"] == "2019"


def _substations_reference(frame: gpd.GeoDataFrame) -> tuple[pd.Series, pd.Series]:
    """(distance km, source kind) per site under the rule of docs/layers.md, computed from the files."""
    hifld = gpd.read_file(LAYERS / "power/hifld_substations_19_central_states.gpkg")
    osm = gpd.read_file(LAYERS / "power/osm_substations_west_ca_nv_az_or.gpkg")
    nodes = gpd.read_file(LAYERS / "power/osm_gridkit_us_hv_nodes.geojson")
    derived = gpd.read_file(LAYERS / "power/derived_ehv_nodes_from_hifld_345kv_lines.gpkg")
    assert set(hifld["state"]) == HIFLD_STATES and set(osm["state"]) == OSM_WEST_STATES
    surveyed = {
        "hifld_substations": (hifld[hifld["max_volt"] >= 69], frame["state"].isin(HIFLD_STATES)),
        "osm_substations_west": (osm[osm["max_kv"] >= 69], frame["state"].isin(OSM_WEST_STATES)),
        "hv_substations": (nodes[nodes["typ"].isin(["substation", "sub_station", "station"])], frame["lon"] >= -106.4),
    }
    distance = pd.Series(np.nan, index=frame["pk"])
    source = pd.Series("", index=frame["pk"])
    todo = pd.Series(True, index=frame.index)
    for kind, (targets, covers) in surveyed.items():
        chosen = frame[todo & covers]
        found = _nearest_km(chosen, targets)
        distance[found.index], source[found.index] = found, kind
        todo &= ~(todo & covers)
    from_derived = _nearest_km(frame, derived).reindex(frame["pk"])
    better = (source != "hifld_substations") & ~(distance <= from_derived)
    distance[better], source[better] = from_derived[better], "ehv_nodes_derived"
    return distance, source


def test_nearest_substation_comes_from_the_best_source_covering_the_site(demo_sites):
    sites, frame = demo_sites
    distance, source = _substations_reference(frame)
    _assert_close({s.pk: s.facts.distance_substation_km for s in sites}, distance)
    ours = {s.pk: s.facts.measure_sources["distance_substation_km"] for s in sites}
    assert ours == source.to_dict()
    assert set(source) == {"hifld_substations", "osm_substations_west", "hv_substations", "ehv_nodes_derived"}
    for site in sites:
        if ours[site.pk] in ("hifld_substations", "osm_substations_west", "ehv_nodes_derived"):
            assert site.facts.substation_voltage_kv is not None, site.name  # every one of these has a voltage


def test_distances_to_datacenters_and_network_pops(demo_sites):
    sites, frame = demo_sites
    dcs = pd.read_csv(LAYERS / "interconnect/osm_datacenters_world.csv")
    dcs = gpd.GeoDataFrame(geometry=gpd.points_from_xy(dcs["lon"], dcs["lat"]), crs=4326)
    _assert_close({s.pk: s.facts.distance_datacenter_km for s in sites}, _nearest_km(frame, dcs))

    pops = pd.read_csv(LAYERS / "interconnect/topology_zoo_us_network_nodes.csv")
    pops = gpd.GeoDataFrame(geometry=gpd.points_from_xy(pops["lon"], pops["lat"]), crs=4326)
    _assert_close({s.pk: s.facts.distance_network_pop_km for s in sites}, _nearest_km(frame, pops))


def test_gas_pipeline_distance_diameter_and_status(demo_sites):
    sites, frame = demo_sites
    routes = gpd.read_file(LAYERS / "other/gem_ggit_us_gas_pipeline_routes.gpkg")
    status = routes["status"].fillna("").str.strip().str.lower().replace({"in-service": "operating"})
    excluded = status.isin(["proposed", "shelved", "cancelled", "mothballed", "idle", "retired"])
    counted = routes[~excluded].reset_index(drop=True)
    _assert_close({s.pk: s.facts.distance_gas_pipeline_km for s in sites}, _nearest_km(frame, counted))
    joined = gpd.sjoin_nearest(frame, counted.to_crs(ALBERS)[["project_id", "status", "geometry"]]).set_index("pk")
    labels = {"operating", "construction", "in-service"}
    for site in sites:
        route = joined.loc[[site.pk]].iloc[0]  # ties: any of the equidistant routes
        expected = str(route["status"]).strip().lower() if route["status"] else ""
        expected = "operating" if expected == "in-service" else expected if expected in labels else "unknown"
        assert site.facts.gas_pipeline_status == expected, site.name
        assert site.facts.measure_sources["distance_gas_pipeline_km"] == "gas_pipelines"
        assert site.facts.measure_vintages["distance_gas_pipeline_km"] == "2026-04"
    diameters = {s.facts.gas_pipeline_diameter_in for s in sites} - {None}
    assert diameters and all(2 <= d <= 60 for d in diameters)


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


def _industrial(commodity: str) -> pd.DataFrame:
    recent = pd.read_csv(LAYERS / "power/eia_prices_12_southeast_states_2014_2024.csv")
    recent = recent[(recent["sector"] == "Industrial") & (recent["commodity"] == commodity)].dropna(subset=["price"])
    names = {"Alabama": "AL", "Arkansas": "AR", "Florida": "FL", "Georgia": "GA", "Kentucky": "KY", "Louisiana": "LA",
             "Mississippi": "MS", "North Carolina": "NC", "South Carolina": "SC", "Tennessee": "TN", "Virginia": "VA",
             "West Virginia": "WV"}  # fmt: skip
    return recent.assign(state=recent["state"].map(names)).pivot(index="state", columns="year", values="price")


def test_prices_are_the_newest_per_state_escalated_to_the_common_year(demo_sites):
    sites, _ = demo_sites
    recent = _industrial("electricity")
    older = pd.read_csv(LAYERS / "power/eia_avg_retail_price_by_state_1990_2019.csv")
    older = older[older["industry_sector_category"] == "Total Electric Industry"]
    older = older.pivot(index="state", columns="year", values="industrial_cents_kwh")
    # The index: geometric mean of 2024/2019 over the states that have both years (docs/layers.md).
    factor = float(np.exp(np.log(recent[2024] / recent[2019]).mean()))
    assert 1.10 < factor < 1.25
    gas = _industrial("natural_gas")
    gas_factor = float(np.exp(np.log((gas[2024] / gas[2023]).dropna()).mean()))
    seen_years = set()
    for site in sites:
        facts = site.facts
        if site.state in recent.index:
            assert (facts.state_price_year, facts.state_industrial_price_cents_kwh) == (
                2024,
                pytest.approx(recent.loc[site.state, 2024]),
            )
            assert facts.measure_sources["state_industrial_price_cents_kwh"] == "energy_prices"
        else:
            assert facts.state_price_year == 2019
            assert facts.state_industrial_price_cents_kwh == pytest.approx(older.loc[site.state, 2019] * factor)
            escalation = facts.price_escalation["state_industrial_price_cents_kwh"]
            assert (escalation["source_year"], escalation["basis_year"]) == (2019, 2024)
            assert escalation["source_value"] == pytest.approx(older.loc[site.state, 2019])
        assert facts.measure_vintages["state_industrial_price_cents_kwh"] == str(facts.state_price_year)
        seen_years.add(facts.state_price_year)
        if site.state in gas.index:
            year = 2024 if not np.isnan(gas.loc[site.state, 2024]) else 2023
            expected = gas.loc[site.state, year] * (1.0 if year == 2024 else gas_factor)
            assert facts.state_gas_price_year == year, site.name
            assert facts.state_industrial_gas_price_usd_per_mcf == pytest.approx(expected)
        else:
            assert facts.state_industrial_gas_price_usd_per_mcf is None and facts.state_gas_price_year is None
    assert seen_years == {2019, 2024}
    assert {s.facts.state_gas_price_year for s in sites} >= {2023, 2024}  # Alabama has no 2024 gas price


def test_county_statistics_layer_versions_and_vintages(demo_sites):
    sites, _ = demo_sites
    labor = pd.read_csv(LAYERS / "labor/bls_laus_county_labor_force_2024.csv", dtype={"fips": str}).set_index("fips")
    for site in sites:
        assert site.county_fips, site.name
        assert site.facts.county_labor_force == int(labor.loc[site.county_fips, "labor_force"])
        assert site.facts.county_unemployment_rate_pct == pytest.approx(
            labor.loc[site.county_fips, "unemployment_rate_pct"]
        )
        assert site.facts.layer_versions["hv_lines"] == 1
        assert site.facts.measure_sources["county_labor_force"] == "labor_force"
        assert site.facts.measure_vintages["county_labor_force"] == "2024"
        # The Topology Zoo (2011) answers every site's network measure: the oldest data any site uses.
        assert site.facts.measure_vintages["distance_network_pop_km"] == "2011"
        assert site.facts.oldest_vintage == min(site.facts.measure_vintages.values()) == "2011"


def _site_at(name: str, lon: float, lat: float) -> Site:
    return site_create(name=name, point=Point(lon, lat, srid=4326))


def test_an_arizona_site_next_to_a_hifld_line_is_measured_to_it_and_costed_so():
    """Casa Grande, AZ: about 5 km from a 500 kV HIFLD line, hundreds of km from any GridKit line. Neither the
    facts nor the scoring measures may fall back to "no line known" (the economics' 100 km stand-in)."""
    lon, lat = -111.76, 32.88
    site_point = gpd.GeoDataFrame({"pk": [0]}, geometry=gpd.points_from_xy([lon], [lat]), crs=4326).to_crs(ALBERS)
    hifld = gpd.read_file(LAYERS / "power/hifld_transmission_lines_345_765kv.gpkg")
    expected = _nearest_km(site_point, hifld)[0]
    assert 3 < expected < 7

    site = _site_at("Casa Grande", lon, lat)
    assert site.state == "AZ"
    for field in ("distance_hv_345_km", "distance_hv_500_km", "distance_hv_230_km"):
        assert getattr(site.facts, field) == pytest.approx(expected, rel=0.01), field
    assert site.facts.measure_sources["distance_hv_345_km"] == "hifld_lines"
    assert site.facts.measure_sources["distance_hv_230_km"] == "hifld_lines:345kv_only"
    assert site.facts.distance_substation_km is not None and site.facts.distance_gas_pipeline_km is not None

    x, y = site_point.geometry.x.to_numpy(), site_point.geometry.y.to_numpy()
    points = Points(ids=np.array([1]), lon=np.array([lon]), lat=np.array([lat]), x=x, y=y)
    rows = compute_chunk(get_snapshot(), points, [1000.0], DEFAULT_PARAMETERS, seed=0, draws=50)
    measures = rows.criteria_by_capacity[1000.0]
    assert measures["distance_hv_345_km"][0] == pytest.approx(expected, rel=0.01)
    assert measures["source:distance_hv_345_km"][0] == "hifld_lines"
    assert rows.economics_by_capacity[1000.0]["interconnect_distance_km"][0] == pytest.approx(expected, rel=0.01)


def test_hvdc_lines_are_not_tap_points():
    """A site on the CU ±400 kV HVDC line in North Dakota: its ≥345 kV distance is to the nearest AC line."""
    lon, lat = -99.03387, 46.72495  # a vertex of HIFLD's HVDC line 1 (CU), also within 5 km of GridKit's
    site_point = gpd.GeoDataFrame({"pk": [0]}, geometry=gpd.points_from_xy([lon], [lat]), crs=4326).to_crs(ALBERS)
    gridkit = gpd.read_file(LAYERS / "power/osm_gridkit_us_hv_lines.geojson")
    gridkit_dc = gridkit[gridkit["frequency"].fillna("").str.fullmatch(r"0(;0)*")]
    hifld_dc = gpd.read_file(LAYERS / "power/hifld_transmission_lines_hvdc.gpkg")
    gridkit_ac = _gridkit_ac_lines()
    gridkit_ac = gridkit_ac[gridkit_ac["kv"] >= 345]
    hifld_ac = gpd.read_file(LAYERS / "power/hifld_transmission_lines_345_765kv.gpkg")
    nearest_ac = min(_nearest_km(site_point, gridkit_ac)[0], _nearest_km(site_point, hifld_ac)[0])
    nearest_dc = min(_nearest_km(site_point, gridkit_dc)[0], _nearest_km(site_point, hifld_dc)[0])
    assert nearest_dc < 0.1 and nearest_ac > 20

    site = _site_at("On the CU line", lon, lat)
    assert site.facts.distance_hv_345_km == pytest.approx(nearest_ac, rel=0.01)


def test_derived_ehv_nodes_answer_where_openstreetmap_mapping_is_thin():
    """Near Palo Verde, AZ, and in Denver the mapped substations are far; the derived ≥345 kV node is near."""
    osm = gpd.read_file(LAYERS / "power/osm_substations_west_ca_nv_az_or.gpkg")
    nodes = gpd.read_file(LAYERS / "power/osm_gridkit_us_hv_nodes.geojson")
    derived = gpd.read_file(LAYERS / "power/derived_ehv_nodes_from_hifld_345kv_lines.gpkg")
    gridkit_substations = nodes[nodes["typ"].isin(["substation", "sub_station", "station"])]
    for name, lon, lat, mapped, far_km, near_km in (
        ("Palo Verde", -112.86, 33.39, osm[osm["max_kv"] >= 69], 100, 1),
        ("Denver", -104.99, 39.74, gridkit_substations, 200, 30),
    ):
        point = gpd.GeoDataFrame({"pk": [0]}, geometry=gpd.points_from_xy([lon], [lat]), crs=4326).to_crs(ALBERS)
        from_mapped, from_derived = _nearest_km(point, mapped)[0], _nearest_km(point, derived)[0]
        assert from_mapped > far_km and from_derived < near_km, (name, from_mapped, from_derived)
        site = _site_at(name, lon, lat)
        assert site.facts.measure_sources["distance_substation_km"] == "ehv_nodes_derived", name
        assert site.facts.distance_substation_km == pytest.approx(from_derived, rel=0.01, abs=0.05)
        assert site.facts.substation_voltage_kv >= 345
