"""The layer kinds sitesel can import, and how each source file maps onto a Feature.

A kind names the file's feature id column(s), the columns that must be present, which source
columns fill the typed Feature fields, and a `prepare` step that normalises units (volts to kV,
FIPS padding). Everything else in a row is kept in Feature.properties.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sitesel.domain.geo_codes import STATE_FIPS_TO_POSTAL, STATE_NAME_TO_POSTAL

FAMILY_CHOICES = [
    ("power", "Power"), ("fuel", "Fuel"), ("land", "Land"), ("labor", "Labor"), ("interconnect", "Interconnect"),
]  # fmt: skip

ODBL = "ODbL 1.0 (© OpenStreetMap contributors; share-alike)"
PUBLIC_DOMAIN = "Public domain (US government work)"
CC_BY = "CC BY 4.0"
# The credit lines these licences require wherever the data is shown (API, site page, map).
OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL 1.0)"

# Typed Feature fields a kind may fill; the numeric ones are validated row by row.
TYPED_TEXT_FIELDS = ("name", "category", "fips", "state")
TYPED_NUMERIC_FIELDS = ("voltage_kv", "capacity_mw", "value")


@dataclass(frozen=True)
class KindSpec:
    kind: str
    family: str
    title: str
    geometry: str | None  # "point", "line", "polygon", or None for a table joined on fips/state
    id_columns: tuple[str, ...]
    required_columns: tuple[str, ...]
    fields: dict[str, str]  # typed Feature field -> column name after `prepare`
    publisher: str
    licence: str
    value_label: str = ""
    prepare: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    # Some sources have no unique id (parallel links, re-filed queue rows): number repeats
    # "#2", "#3" in file order instead of rejecting them. Documented per kind in docs/layers.md.
    number_repeated_ids: bool = False
    # Source markers for "no value" in numeric columns (the Census writes "-" for no estimate).
    null_values: tuple[str, ...] = ()
    # Credit line the licence requires wherever the data is shown; empty when none is required.
    attribution: str = ""
    # Bounds of typed numbers for this kind, tighter than the physical ones (importing/rows.py): an
    # extra-high-voltage line file holds 345-765 kV lines, so 115 kV there is a unit or file mix-up.
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)
    # Typed fields every row must fill; an empty or unreadable value is an error naming the column.
    required_values: tuple[str, ...] = ()
    # Columns that must hold a year (a whole number in YEAR_RANGE), e.g. the year of a price.
    year_columns: tuple[str, ...] = ()
    # Rules across columns: (frame index, column, message) for each row that breaks one.
    validate: Callable[[pd.DataFrame], list[tuple[object, str, str]]] | None = None


def max_of_joined(values: pd.Series, scale: float = 1.0) -> pd.Series:
    """Largest number in ';'-joined cells ('230000;115000' -> 230.0 with scale 1/1000).

    Cells that do not parse stay as their text so row validation reports them by name.
    """

    def parse(cell: object) -> object:
        if cell is None or (isinstance(cell, float) and np.isnan(cell)) or str(cell).strip() == "":
            return np.nan
        parts = [p.strip() for p in str(cell).split(";") if p.strip()]
        try:
            return max(float(p) for p in parts) * scale
        except ValueError:
            return cell

    return values.map(parse)


def zero_padded(values: pd.Series, width: int) -> pd.Series:
    def pad(cell: object) -> object:
        text = "" if cell is None or (isinstance(cell, float) and np.isnan(cell)) else str(cell).strip()
        if text.endswith(".0"):
            text = text[:-2]
        return text.zfill(width) if text.isdigit() else text

    return values.map(pad)


def _state_from_fips(fips: pd.Series) -> pd.Series:
    return fips.str[:2].map(STATE_FIPS_TO_POSTAL).fillna("")


def _prepare_power_plants(df: pd.DataFrame) -> pd.DataFrame:
    # EIA-860 voltage and gas pipeline columns are joined in beforehand (see importing/joins.py).
    volts = [c for c in ("Grid Voltage (kV)", "Grid Voltage 2 (kV)", "Grid Voltage 3 (kV)") if c in df]
    if volts:
        parsed = pd.concat([pd.to_numeric(df[c], errors="coerce") for c in volts], axis=1)
        df["grid_voltage_kv"] = parsed.max(axis=1)
    else:
        df["grid_voltage_kv"] = np.nan
    df["state_code"] = df.get("State", "")
    return df


def _prepare_gridkit(df: pd.DataFrame) -> pd.DataFrame:
    df["voltage_kv"] = max_of_joined(df["voltage"], scale=1 / 1000)
    return df


def _prepare_gridkit_nodes(df: pd.DataFrame) -> pd.DataFrame:
    return _prepare_gridkit(df)


def _prepare_queue(df: pd.DataFrame) -> pd.DataFrame:
    # About 23 % of rows leave Capacity (MW) empty and carry the size in MW-1 (SOURCES.md); MISO's rows carry
    # it only in Summer MW. Empty cells arrive as NaN, so the fallback takes the first column that has one.
    capacity = df["Capacity (MW)"]
    for fallback in ("MW-1", "Summer MW"):
        if fallback in df:
            capacity = capacity.combine_first(df[fallback])
    df["capacity"] = capacity
    df["project_key"] = df["ISO"].astype(str) + ":" + df["queue_sheet"].astype(str)
    df["type"] = df["Type-1"].combine_first(df["Technology"])
    return df


def _prepare_county_table(column: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def prepare(df: pd.DataFrame) -> pd.DataFrame:
        df["fips5"] = zero_padded(df[column], 5)
        df["state_code"] = _state_from_fips(df["fips5"])
        return df

    return prepare


def _prepare_population(df: pd.DataFrame) -> pd.DataFrame:
    df["fips5"] = zero_padded(df["STATE"], 2) + zero_padded(df["COUNTY"], 3)
    df["state_code"] = _state_from_fips(df["fips5"])
    return df


def _prepare_counties(df: pd.DataFrame) -> pd.DataFrame:
    df["fips5"] = df["GEO_ID"].astype(str).str[-5:]
    df["state_code"] = _state_from_fips(df["fips5"])
    return df


def _prepare_states(df: pd.DataFrame) -> pd.DataFrame:
    df["fips2"] = zero_padded(df["state_fips"], 2)
    df["state_code"] = df["fips2"].map(STATE_FIPS_TO_POSTAL).fillna("")
    return df


def _prepare_transfer_county(df: pd.DataFrame) -> pd.DataFrame:
    df["fips_r"] = zero_padded(df["fips_r"], 5)
    df["fips_rr"] = zero_padded(df["fips_rr"], 5)
    return df


def _prepare_prices(df: pd.DataFrame) -> pd.DataFrame:
    df["price_key"] = df["year"].astype(str) + ":" + df["state"].astype(str) + ":" + df["industry_sector_category"]
    return df


def _prepare_network_links(df: pd.DataFrame) -> pd.DataFrame:
    df["link_key"] = df["network"].astype(str) + ":" + df["src_node"].astype(str) + "-" + df["dst_node"].astype(str)
    return df


# GEM's lifecycle statuses; "in-service" is another spelling of operating. Anything else (including GEM's
# "New Pipeline", which names no stage) and an empty status are "unknown": GEM keeps most statuses in its
# spreadsheet, not in the route files (docs/layers.md).
GAS_STATUSES = ("operating", "construction", "proposed", "shelved", "cancelled", "mothballed", "idle", "retired")
_GAS_STATUS_ALIASES = {"in-service": "operating", "in service": "operating"}
# Routes that carry gas, will soon, or may (status unknown) count for the distance to a pipeline.
GAS_STATUSES_COUNTED = ("operating", "construction", "unknown")
# Gas transmission pipes are 2 to 60 inches across. Other numbers in GEM's free-text diameter (762, likely
# millimetres; 1061760513, a typo) cannot be told apart, so they are read as unknown rather than guessed.
PIPE_DIAMETER_RANGE_IN = (2.0, 60.0)
ENERGY_PRICE_UNITS = {"electricity": "cents_per_kWh", "natural_gas": "usd_per_Mcf"}
ENERGY_PRICE_SECTORS = ("Residential", "Commercial", "Industrial")


def _is_blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, float) and np.isnan(cell)) or str(cell).strip() == ""


def gas_status(cell: object) -> str:
    text = "" if _is_blank(cell) else str(cell).strip().lower()
    text = _GAS_STATUS_ALIASES.get(text, text)
    return text if text in GAS_STATUSES else "unknown"


def largest_diameter_in(cell: object) -> float:
    """The largest plausible diameter in GEM's free text ('36"-42"' -> 42, '8, 12, 16, 24' -> 24), NaN if none."""
    if _is_blank(cell):
        return np.nan
    low, high = PIPE_DIAMETER_RANGE_IN
    numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", str(cell))]
    plausible = [n for n in numbers if low <= n <= high]
    return max(plausible) if plausible else np.nan


def _prepare_gas_pipelines(df: pd.DataFrame) -> pd.DataFrame:
    df["status_normalised"] = df["status"].map(gas_status)
    df["diameter_max_in"] = df["diameter_in"].map(largest_diameter_in)
    return df


def _prepare_energy_prices(df: pd.DataFrame) -> pd.DataFrame:
    names = df["state"].where(df["state"].notna(), "").astype(str).str.strip()
    df["state_code"] = names.map(STATE_NAME_TO_POSTAL).fillna("")
    df["series"] = df["commodity"].astype(str) + ":" + df["sector"].astype(str)
    return df


def _validate_energy_prices(df: pd.DataFrame) -> list[tuple[object, str, str]]:
    problems: list[tuple[object, str, str]] = []
    for index, state, commodity, sector, unit in zip(
        df.index, df["state"], df["commodity"], df["sector"], df["unit"], strict=True
    ):
        if str(state).strip() not in STATE_NAME_TO_POSTAL:
            problems.append((index, "state", f"{state!r} is not a US state name"))
        expected = ENERGY_PRICE_UNITS.get(str(commodity))
        if expected is None:
            problems.append((index, "commodity", f"{commodity!r} is not one of {', '.join(ENERGY_PRICE_UNITS)}"))
        elif unit != expected:
            problems.append((index, "unit", f"{unit!r} is not the unit of {commodity} prices ({expected})"))
        if sector not in ENERGY_PRICE_SECTORS:
            problems.append((index, "sector", f"{sector!r} is not one of {', '.join(ENERGY_PRICE_SECTORS)}"))
    return problems


REEDS = "NREL ReEDS inputs via PyPSA-USA"
REEDS_LICENCE = "BSD-3-Clause (ReEDS) / MIT (PyPSA-USA)"
GRIDKIT = "OpenStreetMap contributors, GridKit extraction (Topologies of power networks)"
HIFLD_LINES = "HIFLD Electric Power Transmission Lines (about 2019), processed by University of Chicago RDCEP"
HIFLD_LINES_LICENCE = "Public domain (HIFLD, US government); RDCEP processing states no licence"
GPPD_ATTRIBUTION = "WRI Global Power Plant Database v1.3.0 (CC BY 4.0)"
TOPOLOGY_ZOO_ATTRIBUTION = "Internet Topology Zoo, Knight et al., University of Adelaide (CC BY 4.0)"
YEAR_RANGE = (1900, 2100)

KINDS: dict[str, KindSpec] = {
    spec.kind: spec
    for spec in [
        KindSpec(
            kind="power_plants", family="power", title="Power plants (GPPD joined to EIA-860)", geometry="point",
            id_columns=("gppd_idnr",), required_columns=("gppd_idnr", "name", "capacity_mw", "primary_fuel"),
            fields={"name": "name", "category": "primary_fuel", "capacity_mw": "capacity_mw",
                    "voltage_kv": "grid_voltage_kv", "state": "state_code"},
            publisher="WRI Global Power Plant Database v1.3.0 + US EIA Form EIA-860 (2019)",
            licence="CC BY 4.0 (GPPD); public domain (EIA)", prepare=_prepare_power_plants,
            attribution=GPPD_ATTRIBUTION,
        ),
        KindSpec(
            kind="hv_substations", family="power", title="High-voltage nodes and substations (OSM/GridKit)",
            geometry="point", id_columns=("region", "v_id"), required_columns=("region", "v_id", "typ", "voltage"),
            fields={"name": "name", "category": "typ", "voltage_kv": "voltage_kv"},
            publisher=GRIDKIT, licence=ODBL, prepare=_prepare_gridkit_nodes, attribution=OSM_ATTRIBUTION,
        ),
        KindSpec(
            kind="hv_lines", family="power", title="High-voltage transmission lines (OSM/GridKit)", geometry="line",
            id_columns=("region", "l_id"), required_columns=("region", "l_id", "voltage"),
            fields={"name": "name", "category": "type", "voltage_kv": "voltage_kv"},
            publisher=GRIDKIT, licence=ODBL, prepare=_prepare_gridkit, attribution=OSM_ATTRIBUTION,
        ),
        KindSpec(
            kind="hifld_lines", family="power", title="Transmission lines ≥345 kV AC (HIFLD)", geometry="line",
            id_columns=("id",), required_columns=("id", "voltage_kv", "volt_class"),
            fields={"category": "volt_class", "voltage_kv": "voltage_kv"},
            publisher=HIFLD_LINES, licence=HIFLD_LINES_LICENCE,
            bounds={"voltage_kv": (345.0, 800.0)}, required_values=("voltage_kv",),
        ),
        KindSpec(
            kind="hifld_hvdc_lines", family="power", title="HVDC transmission lines (HIFLD; not AC tap points)",
            geometry="line", id_columns=("id",), required_columns=("id", "voltage_kv", "volt_class"),
            fields={"category": "volt_class", "voltage_kv": "voltage_kv"}, value_label="pole-to-pole kV",
            publisher=HIFLD_LINES, licence=HIFLD_LINES_LICENCE,
            bounds={"voltage_kv": (100.0, 2000.0)}, required_values=("voltage_kv",),
        ),
        KindSpec(
            kind="hifld_substations", family="power", title="Electric substations in 19 central states (HIFLD)",
            geometry="point", id_columns=("id",), required_columns=("id", "name", "state", "max_volt", "min_volt"),
            fields={"name": "name", "state": "state", "voltage_kv": "max_volt", "value": "lines"},
            value_label="lines connected", publisher="HIFLD Electric Substations (2025-26 pull)",
            licence=PUBLIC_DOMAIN, required_values=("state",),
        ),
        KindSpec(
            kind="osm_substations_west", family="power", title="Substations in CA, NV, AZ and OR (OpenStreetMap)",
            geometry="point", id_columns=("osm_id",), required_columns=("osm_id", "name", "max_kv", "state"),
            fields={"name": "name", "category": "substation_type", "voltage_kv": "max_kv", "state": "state"},
            publisher="OpenStreetMap contributors (Overpass export, about 2025)", licence=ODBL,
            attribution=OSM_ATTRIBUTION, required_values=("state",),
        ),
        KindSpec(
            kind="ehv_nodes_derived", family="power", title="Approximate ≥345 kV substations (HIFLD line ends)",
            geometry="point", id_columns=("id",), required_columns=("id", "max_kv", "min_kv", "n_line_ends"),
            fields={"voltage_kv": "max_kv", "value": "n_line_ends", "state": "state"}, value_label="line ends",
            publisher="Derived from HIFLD ≥345 kV line ends merged within about 750 m (estimates, not surveyed)",
            licence="Public domain (derived from HIFLD)", bounds={"voltage_kv": (345.0, 800.0)},
            required_values=("voltage_kv",),
        ),
        KindSpec(
            kind="gas_pipelines", family="fuel", title="Natural-gas pipeline routes (GEM Global Gas Infrastructure)",
            geometry="line", id_columns=("project_id",),
            required_columns=("project_id", "name", "status", "diameter_in"),
            fields={"name": "name", "category": "status_normalised", "value": "diameter_max_in"},
            value_label="largest diameter, inches",
            publisher="Global Energy Monitor, Global Gas Infrastructure Tracker (pipeline routes)",
            licence="CC BY 4.0", attribution="Global Energy Monitor, Global Gas Infrastructure Tracker (CC BY 4.0)",
            prepare=_prepare_gas_pipelines,
        ),
        KindSpec(
            kind="interconnection_queue", family="power", title="ISO generator interconnection queues (2025-01)",
            geometry=None, id_columns=("project_key", "Project ID", "Queue Position", "Project Name", "Queue Date"),
            required_columns=("ISO", "queue_sheet", "Project Name", "State", "Capacity (MW)", "MW-1"),
            fields={"name": "Project Name", "category": "type", "capacity_mw": "capacity", "state": "State"},
            publisher="CAISO, ERCOT, MISO, PJM, SPP, NYISO, ISO-NE queue reports (compiled by S. K. Dzakpasu)",
            licence="ISO public postings; compilation has no stated licence", prepare=_prepare_queue,
            number_repeated_ids=True,
        ),
        KindSpec(
            kind="reeds_zones", family="power", title="ReEDS balancing-area zones", geometry="polygon",
            id_columns=("rb",), required_columns=("rb", "BA_Code"), fields={"name": "rb", "category": "BA_Code"},
            publisher=REEDS, licence=REEDS_LICENCE,
        ),
        KindSpec(
            kind="transfer_capacity_county", family="power", title="County-to-county AC transfer capability",
            geometry=None, id_columns=("Interface",),
            required_columns=("Interface", "MW_f0", "MW_r0", "fips_r", "fips_rr"),
            fields={"name": "Interface", "fips": "fips_r", "value": "MW_f0"}, value_label="forward MW",
            publisher=REEDS, licence=REEDS_LICENCE, prepare=_prepare_transfer_county,
        ),
        KindSpec(
            kind="transfer_capacity_ba", family="power", title="Zone-to-zone AC transfer capability", geometry=None,
            id_columns=("interface",), required_columns=("interface", "MW_f0", "MW_r0"),
            fields={"name": "interface", "value": "MW_f0"}, value_label="forward MW",
            publisher=REEDS, licence=REEDS_LICENCE,
        ),
        KindSpec(
            kind="transfer_capacity_state", family="power", title="State-to-state AC transfer capability",
            geometry=None,
            id_columns=("interface",), required_columns=("interface", "MW_f0", "MW_r0"),
            fields={"name": "interface", "value": "MW_f0"}, value_label="forward MW",
            publisher=REEDS, licence=REEDS_LICENCE,
        ),
        KindSpec(
            kind="power_prices", family="power", title="Average retail electricity price by state (EIA-861)",
            geometry=None, id_columns=("price_key",),
            required_columns=("year", "state", "industry_sector_category", "industrial_cents_kwh"),
            fields={"state": "state", "category": "industry_sector_category", "value": "industrial_cents_kwh"},
            value_label="industrial ¢/kWh", publisher="US EIA (EIA-861)", licence=PUBLIC_DOMAIN,
            prepare=_prepare_prices, year_columns=("year",),
        ),
        KindSpec(
            kind="energy_prices", family="power", geometry=None,
            title="Electricity and natural-gas prices, 12 states (EIA, 2014-2024)",
            id_columns=("year", "state_code", "commodity", "sector"),
            required_columns=("state", "commodity", "sector", "year", "price", "unit"),
            fields={"name": "state", "state": "state_code", "category": "series", "value": "price"},
            value_label="price (¢/kWh or $/Mcf, see unit)",
            publisher="US EIA (Electricity Data Browser, natural-gas prices)",
            licence=PUBLIC_DOMAIN, prepare=_prepare_energy_prices, year_columns=("year",),
            bounds={"value": (0.0, 1000.0)}, validate=_validate_energy_prices,
        ),
        KindSpec(
            kind="counties", family="land", title="US counties (Census 2010 cartographic boundaries)",
            geometry="polygon", id_columns=("fips5",), required_columns=("GEO_ID", "NAME"),
            fields={"name": "NAME", "fips": "fips5", "state": "state_code", "category": "LSAD"},
            publisher="US Census Bureau", licence=PUBLIC_DOMAIN, prepare=_prepare_counties,
        ),
        KindSpec(
            kind="states", family="land", title="US states and territories (Census 2017, us-atlas)",
            geometry="polygon", id_columns=("fips2",), required_columns=("state_fips", "name"),
            fields={"name": "name", "state": "state_code"},
            publisher="US Census Bureau via topojson/us-atlas 3.0.1", licence="Public domain (Census); ISC (us-atlas)",
            prepare=_prepare_states,
        ),
        KindSpec(
            kind="fema_risk", family="land", title="FEMA National Risk Index, county composite", geometry=None,
            id_columns=("fips5",), required_columns=("STCOFIPS", "RISK_SCORE", "RISK_RATNG"),
            fields={"name": "COUNTY", "fips": "fips5", "state": "state_code", "value": "RISK_SCORE",
                    "category": "RISK_RATNG"},
            value_label="risk score (0-100)", publisher="FEMA National Risk Index", licence=PUBLIC_DOMAIN,
            prepare=_prepare_county_table("STCOFIPS"),
        ),
        KindSpec(
            kind="water_use", family="land", title="USGS county water use (2015)", geometry=None,
            id_columns=("fips5",), required_columns=("FIPS", "COUNTY", "TO-Wtotl"),
            fields={"name": "COUNTY", "fips": "fips5", "state": "state_code", "value": "TO-Wtotl"},
            value_label="total withdrawals Mgal/d", publisher="USGS (Dieter et al. 2018, doi:10.5066/F7TB15V5)",
            licence=PUBLIC_DOMAIN, prepare=_prepare_county_table("FIPS"),
        ),
        KindSpec(
            kind="labor_force", family="labor", title="BLS LAUS county labor force (2024)", geometry=None,
            id_columns=("fips5",), required_columns=("fips", "labor_force", "unemployment_rate_pct"),
            fields={"name": "county_name_state", "fips": "fips5", "state": "state_code", "value": "labor_force"},
            value_label="labor force (persons)", publisher="US BLS Local Area Unemployment Statistics",
            licence=PUBLIC_DOMAIN, prepare=_prepare_county_table("fips"),
        ),
        KindSpec(
            kind="population", family="labor", title="Census county population estimates (Vintage 2023)",
            geometry=None, id_columns=("fips5",), required_columns=("STATE", "COUNTY", "CTYNAME", "POPESTIMATE2023"),
            fields={"name": "CTYNAME", "fips": "fips5", "state": "state_code", "value": "POPESTIMATE2023",
                    "category": "SUMLEV"},
            value_label="population 2023", publisher="US Census Bureau, Population Estimates Program",
            licence=PUBLIC_DOMAIN, prepare=_prepare_population,
        ),
        KindSpec(
            kind="household_income", family="labor", title="ACS 2019-2023 county household income", geometry=None,
            id_columns=("fips5",), required_columns=("fips", "median_household_income_usd"),
            fields={"name": "name", "fips": "fips5", "state": "state_code", "value": "median_household_income_usd"},
            value_label="median household income USD", publisher="US Census Bureau, ACS 5-year (S1901)",
            licence=PUBLIC_DOMAIN, prepare=_prepare_county_table("fips"), null_values=("-",),
        ),
        KindSpec(
            kind="datacenters", family="interconnect", title="Datacenters mapped in OpenStreetMap", geometry="point",
            id_columns=("osm_type", "osm_id"), required_columns=("osm_type", "osm_id"),
            fields={"name": "name", "category": "operator", "state": "addr_state"},
            publisher="OpenStreetMap contributors (Overpass extract, 2026-07)", licence=ODBL,
            attribution=OSM_ATTRIBUTION,
        ),
        KindSpec(
            kind="network_nodes", family="interconnect", title="Network points of presence (Internet Topology Zoo)",
            geometry="point", id_columns=("network", "node_id"), required_columns=("network", "node_id", "node_label"),
            fields={"name": "node_label", "category": "network"},
            publisher="Knight et al., Internet Topology Zoo (Univ. of Adelaide)", licence=CC_BY,
            attribution=TOPOLOGY_ZOO_ATTRIBUTION,
        ),
        KindSpec(
            kind="network_links", family="interconnect", title="Network links (Internet Topology Zoo, logical)",
            geometry="line", id_columns=("link_key",), required_columns=("network", "src_node", "dst_node"),
            fields={"name": "link_label", "category": "network"},
            publisher="Knight et al., Internet Topology Zoo (Univ. of Adelaide)", licence=CC_BY,
            prepare=_prepare_network_links, number_repeated_ids=True, attribution=TOPOLOGY_ZOO_ATTRIBUTION,
        ),
        KindSpec(
            kind="ixps", family="interconnect", title="Internet exchanges by city (PeeringDB)", geometry=None,
            id_columns=("pdb_ix_id",), required_columns=("pdb_ix_id", "name", "country", "city"),
            fields={"name": "name", "category": "city"},
            publisher="PeeringDB public API data", licence="PeeringDB Acceptable Use Policy (no open-data licence)",
        ),
    ]
}  # fmt: skip


def get_kind(kind: str) -> KindSpec:
    try:
        return KINDS[kind]
    except KeyError:
        raise KeyError(f"unknown kind {kind!r}; known kinds: {', '.join(sorted(KINDS))}") from None
