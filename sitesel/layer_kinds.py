"""The layer kinds sitesel can import, and how each source file maps onto a Feature.

A kind names the file's feature id column(s), the columns that must be present, which source
columns fill the typed Feature fields, and a `prepare` step that normalises units (volts to kV,
FIPS padding). Everything else in a row is kept in Feature.properties.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sitesel.geo_codes import STATE_FIPS_TO_POSTAL

FAMILY_CHOICES = [("power", "Power"), ("land", "Land"), ("labor", "Labor"), ("interconnect", "Interconnect")]

ODBL = "ODbL 1.0 (© OpenStreetMap contributors; share-alike)"
PUBLIC_DOMAIN = "Public domain (US government work)"
CC_BY = "CC BY 4.0"

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


REEDS = "NREL ReEDS inputs via PyPSA-USA"
REEDS_LICENCE = "BSD-3-Clause (ReEDS) / MIT (PyPSA-USA)"
GRIDKIT = "OpenStreetMap contributors, GridKit extraction (Topologies of power networks)"

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
        ),
        KindSpec(
            kind="hv_substations", family="power", title="High-voltage nodes and substations (OSM/GridKit)",
            geometry="point", id_columns=("region", "v_id"), required_columns=("region", "v_id", "typ", "voltage"),
            fields={"name": "name", "category": "typ", "voltage_kv": "voltage_kv"},
            publisher=GRIDKIT, licence=ODBL, prepare=_prepare_gridkit_nodes,
        ),
        KindSpec(
            kind="hv_lines", family="power", title="High-voltage transmission lines (OSM/GridKit)", geometry="line",
            id_columns=("region", "l_id"), required_columns=("region", "l_id", "voltage"),
            fields={"name": "name", "category": "type", "voltage_kv": "voltage_kv"},
            publisher=GRIDKIT, licence=ODBL, prepare=_prepare_gridkit,
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
            prepare=_prepare_prices,
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
        ),
        KindSpec(
            kind="network_nodes", family="interconnect", title="Network points of presence (Internet Topology Zoo)",
            geometry="point", id_columns=("network", "node_id"), required_columns=("network", "node_id", "node_label"),
            fields={"name": "node_label", "category": "network"},
            publisher="Knight et al., Internet Topology Zoo (Univ. of Adelaide)", licence=CC_BY,
        ),
        KindSpec(
            kind="network_links", family="interconnect", title="Network links (Internet Topology Zoo, logical)",
            geometry="line", id_columns=("link_key",), required_columns=("network", "src_node", "dst_node"),
            fields={"name": "link_label", "category": "network"},
            publisher="Knight et al., Internet Topology Zoo (Univ. of Adelaide)", licence=CC_BY,
            prepare=_prepare_network_links, number_repeated_ids=True,
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
