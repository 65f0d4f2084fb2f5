"""Default parameters of the build-economics model, each with its unit, allowed range and public source.

Every number the model uses lives here, so a scenario can override any of them and docs/economics.md
can cite each one. The metadata on each field is the single place where the unit, the range the
validator accepts (`lo`..`hi`), the published range and the source are written down; the docs table
is checked against it by tests/domain/test_economics.py.

Sources are summarised in /work/shared/docs/domain-and-anchors.md §(c). Where no public figure
exists the source says "assumption" and the value is meant to be overridden per scenario.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from typing import Any

from sitesel.domain.errors import InvalidParameter

CNW = "Cushman & Wakefield DC Development Cost Guide 2025"
REVX = "NREL reVX least_cost_xmission/config"
MISO_RULES = "MISO transmission cost estimating guide via rtowww.com"


def _p(
    default: float,
    *,
    unit: str,
    lo: float,
    hi: float,
    published: str,
    source: str,
    flag: bool = False,
    integer: bool = False,
) -> Any:
    """A parameter field. `lo`/`hi` are what validation accepts; `published` is the sourced range."""
    return field(
        default=default,
        metadata={
            "unit": unit,
            "lo": lo,
            "hi": hi,
            "published": published,
            "source": source,
            "flag": flag,
            "integer": integer,
        },
    )


@dataclass(frozen=True)
class EconomicsParameters:
    """All model defaults. Floats throughout so that overrides are a flat `dict[str, float]`."""

    # --- Compute accounting -------------------------------------------------------------------
    pue: float = _p(
        1.2,
        unit="ratio",
        lo=1.0,
        hi=3.0,
        published="1.1-1.56 (new large builds <= ~1.3; avg 1.56)",
        source="Uptime Institute 2024 survey (avg 1.56); §(c) 'GPUs per GW (derived)' uses 1.2",
    )
    rack_power_kw: float = _p(
        126.0,
        unit="kW/rack",
        lo=1.0,
        hi=2000.0,
        published="120-132 (GB200/GB300 NVL72)",
        source="introl.com; JLL 2025 via dcnnmagazine.com (NVL72 ~120-132 kW)",
    )
    gpus_per_rack: float = _p(
        72.0,
        unit="GPUs/rack",
        lo=1.0,
        hi=1000.0,
        published="72 (NVL72)",
        source="NVIDIA GB200/GB300 NVL72 configuration",
        integer=True,
    )

    # --- Facility capex -------------------------------------------------------------------------
    facility_capex_usd_per_it_mw: float = _p(
        11.7e6,
        unit="USD/MW of critical IT load",
        lo=1e6,
        hi=50e6,
        published="9.3-15.0 M (19 US markets)",
        source=f"{CNW}, pp. 8-9 (US average $11.7 M/MW)",
    )
    facility_site_share: float = _p(
        0.10,
        unit="fraction of facility capex",
        lo=0.0,
        hi=0.5,
        published="0.10 (site)",
        source=f"{CNW}, pp. 6-7 capex breakdown (site 10 %); moved into the fixed site-works cost",
    )
    facility_scope_uplift_frac: float = _p(
        0.5,
        unit="fraction of the C&W per-MW cost",
        lo=0.0,
        hi=3.0,
        published="0.18-0.58 (derived: AI-ready $15-20 M/MW / (C&W $11.7 M x 1.085) - 1)",
        source="C&W excludes OFCI equipment, fit-out, design/soft costs, owner contingency; "
        "Goldman via marketscreener.com; tuned to 0.5 so 1 GW lands in the $50-80 B all-in range",
    )
    ai_liquid_cooling_premium_frac: float = _p(
        0.085,
        unit="fraction",
        lo=0.0,
        hi=2.0,
        published="0.07-0.10 (AI liquid-cooled vs traditional, US)",
        source="turnerandtownsend.com/news 'AI data centre rush raises alarm…' (+7-10 %)",
    )
    site_works_fixed_usd: float = _p(
        50e6,
        unit="USD per site",
        lo=0.0,
        hi=1e9,
        published="20-100 M (powered core & shell)",
        source="journal.uptimeinstitute.com 'Data Center Cost Myths: SCALE' (Compass CEO)",
    )

    # --- IT capex -----------------------------------------------------------------------------------
    it_capex_usd_per_gpu: float = _p(
        73_500.0,
        unit="USD/GPU (all-in IT per GPU slot)",
        lo=1_000.0,
        hi=1e6,
        published="63.6-77.8 k (= $35 B/GW / 450-550 k GPUs/GW)",
        source="NVIDIA Q2 FY26 call via livemint.com ($35 B NVIDIA content per GW) / default GPUs per GW",
    )

    # --- Land ------------------------------------------------------------------------------------------
    land_acres_per_mw: float = _p(
        0.73,
        unit="acres/MW",
        lo=0.0,
        hi=20.0,
        published="~0.73 (Abilene 875 acres / 1.2 GW)",
        source="Bloomberg via fresh.yiaap.com; datacenterdynamics.com (Crusoe phase 2)",
    )
    land_price_usd_per_acre: float = _p(
        244_000.0,
        unit="USD/acre",
        lo=0.0,
        hi=1e8,
        published="244 k weighted avg (>=50-acre $5.40/ft2)",
        source=f"{CNW}, p. 1 and pp. 10-13",
    )

    # --- Grid interconnection (reVX tables, MISO column, 2019 $) ---------------------------------
    line_capacity_mw_230kv: float = _p(
        400.0,
        unit="MW per circuit",
        lo=1.0,
        hi=10_000.0,
        published="400 (230 kV class)",
        source=f"{REVX} power_to_voltage.json",
    )
    line_capacity_mw_345kv: float = _p(
        750.0,
        unit="MW per circuit",
        lo=1.0,
        hi=10_000.0,
        published="750 (345 kV class)",
        source=f"{REVX} power_to_voltage.json",
    )
    line_capacity_mw_500kv: float = _p(
        1500.0,
        unit="MW per circuit",
        lo=1.0,
        hi=10_000.0,
        published="1500 (500 kV class)",
        source=f"{REVX} power_to_voltage.json",
    )
    line_cost_usd_per_mile_230kv: float = _p(
        1_694_747.0,
        unit="USD/mile (2019 $)",
        lo=0.0,
        hi=1e8,
        published="1.57-3.03 M",
        source=f"{REVX} base_line_costs.json, MISO 400 MW",
    )
    line_cost_usd_per_mile_345kv: float = _p(
        2_241_025.0,
        unit="USD/mile (2019 $)",
        lo=0.0,
        hi=1e8,
        published="derived (no 345 kV row)",
        source=f"derived: midpoint of {REVX} MISO 230 kV and 500 kV rows",
    )
    line_cost_usd_per_mile_500kv: float = _p(
        2_787_303.0,
        unit="USD/mile (2019 $)",
        lo=0.0,
        hi=1e8,
        published="2.79-4.78 M",
        source=f"{REVX} base_line_costs.json, MISO 1500 MW",
    )
    substation_cost_usd_230kv: float = _p(
        9.7e6,
        unit="USD (2019 $)",
        lo=0.0,
        hi=1e9,
        published="5.7-17.5 M",
        source=f"{REVX} new_substation_costs.json (MISO value used in §(c) example)",
    )
    substation_cost_usd_345kv: float = _p(
        15.0e6,
        unit="USD (2019 $)",
        lo=0.0,
        hi=1e9,
        published="derived (no 345 kV row)",
        source=f"derived: midpoint of {REVX} MISO 230 kV and 500 kV new-substation costs",
    )
    substation_cost_usd_500kv: float = _p(
        20.3e6,
        unit="USD (2019 $)",
        lo=0.0,
        hi=1e9,
        published="15.5-37.0 M",
        source=f"{REVX} new_substation_costs.json (MISO value used in §(c) example)",
    )
    transformer_cost_usd_per_mva: float = _p(
        7_490.0,
        unit="USD/MVA (2019 $)",
        lo=0.0,
        hi=1e6,
        published="3,840-11,610",
        source=f"{REVX} transformer_costs.json (500/230 kV, MISO)",
    )
    route_factor: float = _p(
        1.3,
        unit="route length / straight line",
        lo=1.0,
        hi=3.0,
        published="1.3",
        source=f"{MISO_RULES} (route = straight line + 30 %)",
    )
    transmission_contingency_frac: float = _p(
        0.20,
        unit="fraction",
        lo=0.0,
        hi=1.0,
        published="0.20",
        source=MISO_RULES,
    )
    transmission_afudc_frac: float = _p(
        0.075,
        unit="fraction",
        lo=0.0,
        hi=1.0,
        published="0.075",
        source=MISO_RULES,
    )
    spur_multiplier_under_3mi: float = _p(
        1.5,
        unit="multiplier",
        lo=1.0,
        hi=5.0,
        published="1.5",
        source=f"{REVX} constants.py",
    )
    spur_multiplier_under_10mi: float = _p(
        1.2,
        unit="multiplier",
        lo=1.0,
        hi=5.0,
        published="1.2",
        source=f"{REVX} constants.py",
    )
    max_circuits: float = _p(
        2.0,
        unit="circuits",
        lo=1.0,
        hi=6.0,
        published="none",
        source="assumption: a campus takes at most a double-circuit tie at one voltage",
        integer=True,
    )
    usd_2019_to_2024_escalation: float = _p(
        1.227,
        unit="multiplier",
        lo=1.0,
        hi=3.0,
        published="1.227",
        source="BLS CPI-U annual average 2019 (255.657) -> 2024 (313.689)",
    )
    missing_line_distance_km: float = _p(
        100.0,
        unit="km",
        lo=0.0,
        hi=2000.0,
        published="none",
        source="assumption (conservative stand-in when no line layer covers the site)",
    )
    plant_voltage_fallback_distance_km: float = _p(
        50.0,
        unit="km",
        lo=0.0,
        hi=2000.0,
        published="50 (search radius)",
        source="= radius of the EIA-860 plant-voltage search; a plant at >= kV within 50 km implies a line",
    )

    # --- Construction labour -------------------------------------------------------------------------
    workers_per_mw_peak: float = _p(
        4.8,
        unit="workers per facility MW at peak",
        lo=0.0,
        hi=50.0,
        published="~4.8 (5,800 / 1,200 MW)",
        source="Abilene via McKinsey (telborg.com) and Bisnow (allwork.space); derived in §(c)",
    )
    construction_share_of_labor_force: float = _p(
        0.049,
        unit="fraction",
        lo=0.0,
        hi=1.0,
        published="~0.049",
        source="BLS CES 2024 (~8.2 M construction jobs) / BLS CPS 2024 (~168 M labour force)",
    )
    commuting_area_multiplier: float = _p(
        3.0,
        unit="counties' worth of labour force",
        lo=1.0,
        hi=50.0,
        published="none",
        source="assumption (commuting zone ~ the county plus neighbours)",
    )
    attainable_share_of_local_trades: float = _p(
        0.15,
        unit="fraction",
        lo=0.0,
        hi=1.0,
        published="none",
        source="assumption (share of local construction workers one project can hire at peak)",
    )
    national_unemployment_rate_pct: float = _p(
        4.0,
        unit="%",
        lo=0.1,
        hi=50.0,
        published="4.0 (2024)",
        source="BLS LAUS 2024 (county mean 4.0 % in bls_laus_county_labor_force_2024.csv)",
    )
    labor_force_participation_of_population: float = _p(
        0.50,
        unit="labour force / population",
        lo=0.0,
        hi=1.0,
        published="~0.50",
        source="BLS CPS 2024 labour force (~168 M) / Census 2023 population (~335 M)",
    )
    default_county_labor_force: float = _p(
        4_690.0,
        unit="workers",
        lo=0.0,
        hi=1e8,
        published="lower quartile of US counties",
        source="BLS LAUS 2024, measured from bls_laus_county_labor_force_2024.csv (P25 = 4,690)",
    )
    avg_to_peak_crew_ratio: float = _p(
        0.6,
        unit="fraction",
        lo=0.0,
        hi=1.0,
        published="none",
        source="assumption (average crew over the build relative to peak)",
    )
    per_diem_usd_per_day: float = _p(
        178.0,
        unit="USD/day",
        lo=0.0,
        hi=5_000.0,
        published="178 (lodging 110 + M&IE 68)",
        source="GSA FY2025 standard CONUS per diem",
    )
    travel_wage_premium_usd_per_hour: float = _p(
        20.0,
        unit="USD/hour",
        lo=0.0,
        hi=500.0,
        published="none (union electricians up to $130/h)",
        source="assumption; context: bisnow.com 'Private Jets, Huge Raises And Man Camps'",
    )
    hours_per_worker_month: float = _p(
        173.0,
        unit="hours",
        lo=1.0,
        hi=744.0,
        published="173 (40 h x 52 / 12)",
        source="arithmetic",
    )
    camp_threshold_workers: float = _p(
        500.0,
        unit="workers",
        lo=0.0,
        hi=1e6,
        published="none",
        source="assumption (shortfall above which a man-camp is built)",
    )
    camp_fixed_usd: float = _p(
        10e6,
        unit="USD",
        lo=0.0,
        hi=1e9,
        published="none (man-camps reported by Bisnow)",
        source="assumption",
    )
    mobilization_fixed_usd: float = _p(
        5e6,
        unit="USD",
        lo=0.0,
        hi=1e9,
        published="none",
        source="assumption (general conditions set-up)",
    )
    schedule_stretch_per_shortfall_share: float = _p(
        0.3,
        unit="months of stretch per month of build per unit shortfall share",
        lo=0.0,
        hi=5.0,
        published="none",
        source="assumption (labour mobilisation has no published coefficients, §(c))",
    )

    # --- Bridge power -----------------------------------------------------------------------------------
    bridge_power_enabled: float = _p(
        0.0,
        unit="0/1",
        lo=0.0,
        hi=1.0,
        published="-",
        source="scenario switch",
        flag=True,
    )
    bridge_uses_turbines: float = _p(
        0.0,
        unit="0/1 (0 = reciprocating engines)",
        lo=0.0,
        hi=1.0,
        published="-",
        source="scenario switch",
        flag=True,
    )
    bridge_coverage_frac: float = _p(
        1.0,
        unit="fraction of facility load",
        lo=0.0,
        hi=1.0,
        published="-",
        source="scenario choice (1.0 = bridge carries the whole load until the grid arrives)",
    )
    recip_capex_usd_per_kw: float = _p(
        2_120.0,
        unit="USD/kW",
        lo=0.0,
        hi=20_000.0,
        published="2,120-4,510 (by size)",
        source="NREL REopt.jl data/chp/chp_defaults.json, recip_engine largest size class",
    )
    recip_lead_months_low: float = _p(
        12.0,
        unit="months",
        lo=0.0,
        hi=240.0,
        published="12-18",
        source="sourcerockep.com (vendor)",
    )
    recip_lead_months_high: float = _p(
        18.0,
        unit="months",
        lo=0.0,
        hi=240.0,
        published="12-18",
        source="sourcerockep.com (vendor)",
    )
    turbine_capex_usd_per_kw: float = _p(
        2_157.0,
        unit="USD/kW",
        lo=0.0,
        hi=20_000.0,
        published="<1,500 (2023) -> 2,157 (2025)",
        source="BNEF via orestisdel.substack.com (CCGT)",
    )
    turbine_lead_months_low: float = _p(
        60.0,
        unit="months",
        lo=0.0,
        hi=240.0,
        published="5-7 yr",
        source="EPRI via S&P Global Platts",
    )
    turbine_lead_months_high: float = _p(
        84.0,
        unit="months",
        lo=0.0,
        hi=240.0,
        published="5-7 yr",
        source="EPRI via S&P Global Platts",
    )

    # --- Operating cost and levelised cost ------------------------------------------------------------
    default_industrial_price_cents_kwh: float = _p(
        8.06,
        unit="US cents/kWh",
        lo=0.0,
        hi=100.0,
        published="8.06 (US 2023)",
        source="EIA via statista.com; EIA Electric Power Monthly Table 5.6.B",
    )
    utilization: float = _p(
        0.8,
        unit="fraction of hours at full IT load",
        lo=0.01,
        hi=1.0,
        published="none",
        source="assumption (training clusters run near-continuously)",
    )
    discount_rate: float = _p(
        0.08,
        unit="per year",
        lo=0.0,
        hi=1.0,
        published="none",
        source="assumption (cost of capital)",
    )
    it_life_years: float = _p(
        5.0,
        unit="years",
        lo=1.0,
        hi=30.0,
        published="5-6",
        source="hyperscaler server depreciation (10-K)",
    )
    facility_life_years: float = _p(
        20.0,
        unit="years",
        lo=1.0,
        hi=60.0,
        published="none",
        source="assumption",
    )

    # --- Time to power ---------------------------------------------------------------------------------
    grid_wait_constrained_months_low: float = _p(
        48.0,
        unit="months",
        lo=0.0,
        hi=240.0,
        published="4-7 yr (>100 MW, Dominion)",
        source="Bloomberg via bnnbloomberg.ca 2024-08-29; axios.com 2024-09-04",
    )
    grid_wait_constrained_months_high: float = _p(
        84.0,
        unit="months",
        lo=0.0,
        hi=240.0,
        published="4-7 yr (>100 MW, Dominion)",
        source="Bloomberg via bnnbloomberg.ca 2024-08-29; axios.com 2024-09-04",
    )
    grid_wait_unconstrained_months_low: float = _p(
        36.0,
        unit="months",
        lo=0.0,
        hi=240.0,
        published="3-4 yr (Dominion before the surge)",
        source="same Bloomberg article ('was 3-4 yr'); used as the unconstrained-region range",
    )
    grid_wait_unconstrained_months_high: float = _p(
        48.0,
        unit="months",
        lo=0.0,
        hi=240.0,
        published="3-4 yr (Dominion before the surge)",
        source="same Bloomberg article ('was 3-4 yr'); used as the unconstrained-region range",
    )
    large_load_threshold_mw: float = _p(
        100.0,
        unit="MW (facility)",
        lo=0.0,
        hi=100_000.0,
        published="100",
        source="Bloomberg (Dominion's 4-7 yr applies to >100 MW)",
    )
    small_load_wait_factor: float = _p(
        0.5,
        unit="multiplier",
        lo=0.0,
        hi=1.0,
        published="none",
        source="assumption (small loads fit existing capacity more often)",
    )
    grid_constraint_pjm: float = _p(
        1.0,
        unit="0 (unconstrained) .. 1 (constrained)",
        lo=0.0,
        hi=1.0,
        published="Dominion 4-7 yr",
        source="Bloomberg 2024-08-29 (Dominion is in PJM)",
    )
    grid_constraint_caiso: float = _p(
        1.0,
        unit="0..1",
        lo=0.0,
        hi=1.0,
        published="primary-market waits > 4 yr",
        source="JLL 2026 via build.inc (Silicon Valley is a primary market); weight is an assumption",
    )
    grid_constraint_ercot: float = _p(
        0.75,
        unit="0..1",
        lo=0.0,
        hi=1.0,
        published="primary-market waits > 4 yr",
        source="JLL 2026 via build.inc (Dallas is a primary market); weight is an assumption",
    )
    grid_constraint_nyiso: float = _p(
        0.75,
        unit="0..1",
        lo=0.0,
        hi=1.0,
        published="none",
        source="assumption",
    )
    grid_constraint_isone: float = _p(
        0.75,
        unit="0..1",
        lo=0.0,
        hi=1.0,
        published="none",
        source="assumption",
    )
    grid_constraint_miso: float = _p(
        0.5,
        unit="0..1",
        lo=0.0,
        hi=1.0,
        published="none",
        source="assumption",
    )
    grid_constraint_spp: float = _p(
        0.25,
        unit="0..1",
        lo=0.0,
        hi=1.0,
        published="none",
        source="assumption",
    )
    grid_constraint_non_iso: float = _p(
        0.5,
        unit="0..1",
        lo=0.0,
        hi=1.0,
        published="none",
        source="assumption (vertically integrated utilities; Atlanta/Phoenix are primary markets)",
    )
    grid_constraint_unknown: float = _p(
        1.0,
        unit="0..1",
        lo=0.0,
        hi=1.0,
        published="-",
        source="conservative: region missing or unrecognised -> treated as constrained (flagged)",
    )
    transformer_lead_weeks_low: float = _p(
        50.0,
        unit="weeks",
        lo=0.0,
        hi=520.0,
        published="50",
        source="McKinsey via marketscreener.com",
    )
    transformer_lead_weeks_mode: float = _p(
        120.0,
        unit="weeks",
        lo=0.0,
        hi=520.0,
        published="90-130+ (power transformers)",
        source="atkenergygroup.com (vendor); mode chosen inside the published band",
    )
    transformer_lead_weeks_high: float = _p(
        160.0,
        unit="weeks",
        lo=0.0,
        hi=520.0,
        published=">160 (2026)",
        source="landgate.com 'The New Prize…'",
    )
    switchgear_lead_weeks_low: float = _p(
        46.0,
        unit="weeks",
        lo=0.0,
        hi=520.0,
        published="46-48",
        source=f"{CNW}, pp. 6-7",
    )
    switchgear_lead_weeks_mode: float = _p(
        48.0,
        unit="weeks",
        lo=0.0,
        hi=520.0,
        published="46-48",
        source=f"{CNW}, pp. 6-7",
    )
    switchgear_lead_weeks_high: float = _p(
        80.0,
        unit="weeks",
        lo=0.0,
        hi=520.0,
        published="up to 80 (MV)",
        source="McKinsey via marketscreener.com",
    )
    construction_months_low: float = _p(
        11.0,
        unit="months",
        lo=0.0,
        hi=240.0,
        published="11 (Crusoe 100 MW)",
        source="datacenterdynamics.com",
    )
    construction_months_mode: float = _p(
        18.0,
        unit="months",
        lo=0.0,
        hi=240.0,
        published="none (Abilene ph. 1 ~12-13 months)",
        source="assumption between Abilene phase 1 (techjuice.pk) and the US typical ~3 yr",
    )
    construction_months_high: float = _p(
        36.0,
        unit="months",
        lo=0.0,
        hi=240.0,
        published="~3 yr US typical",
        source="Huang via telborg.com",
    )
    construction_overlap_frac: float = _p(
        0.0,
        unit="fraction of construction run in parallel with the wait",
        lo=0.0,
        hi=1.0,
        published="-",
        source="issue: time to power = max(grid, equipment) + construction (0 = serial)",
    )

    # --- Grid-swing screen ----------------------------------------------------------------------------
    swing_share_of_it_load: float = _p(
        0.5,
        unit="fraction of IT load",
        lo=0.0,
        hi=1.0,
        published="tens-hundreds of MW, 0.2-3 Hz",
        source="arXiv 2508.14318 (Microsoft/OpenAI/NVIDIA); share itself is an assumption",
    )
    swing_tolerance_share_of_line_capacity: float = _p(
        0.6,
        unit="fraction of circuit MW",
        lo=0.0,
        hi=10.0,
        published="none",
        source="assumption",
    )
    swing_max_share_of_transfer_capacity: float = _p(
        0.25,
        unit="fraction of county transfer MW",
        lo=0.0,
        hi=10.0,
        published="none",
        source="assumption; scale reference: 1,500 MW load loss 2024-07-10 (NERC via datacenterdynamics.com)",
    )
    swing_max_share_of_local_generation: float = _p(
        0.25,
        unit="fraction of generation MW within 50 km",
        lo=0.0,
        hi=10.0,
        published="none",
        source="assumption; used only when county transfer capacity is missing",
    )
    swing_line_search_km: float = _p(
        30.0,
        unit="km",
        lo=0.0,
        hi=1000.0,
        published="none",
        source="assumption ('nearby' grid)",
    )


# Triangular/uniform ranges that must be ordered; checked after single-field validation.
_ORDERED_TRIPLES: tuple[tuple[str, ...], ...] = (
    ("transformer_lead_weeks_low", "transformer_lead_weeks_mode", "transformer_lead_weeks_high"),
    ("switchgear_lead_weeks_low", "switchgear_lead_weeks_mode", "switchgear_lead_weeks_high"),
    ("construction_months_low", "construction_months_mode", "construction_months_high"),
    ("recip_lead_months_low", "recip_lead_months_high"),
    ("turbine_lead_months_low", "turbine_lead_months_high"),
    ("grid_wait_constrained_months_low", "grid_wait_constrained_months_high"),
    ("grid_wait_unconstrained_months_low", "grid_wait_unconstrained_months_high"),
)

DEFAULT_PARAMETERS = EconomicsParameters()


def parameter_specs() -> dict[str, dict[str, Any]]:
    """Name -> {default, unit, lo, hi, published, source} for docs, APIs and validation."""
    return {f.name: {"default": f.default, **f.metadata} for f in fields(EconomicsParameters)}


def _validate_value(name: str, raw: object, meta: dict[str, Any]) -> float:
    # bool is an int subclass; reject it so True never silently becomes 1.0 for a cost.
    if isinstance(raw, bool) or not isinstance(raw, numbers.Real | Decimal):
        raise InvalidParameter(name, f"must be a number, got {type(raw).__name__}")
    value = float(raw)
    if not math.isfinite(value):
        raise InvalidParameter(name, "must be finite")
    if value < 0:
        raise InvalidParameter(name, f"must not be negative, got {value:g}")
    if value < meta["lo"] or value > meta["hi"]:
        raise InvalidParameter(name, f"must be between {meta['lo']:g} and {meta['hi']:g}, got {value:g}")
    if meta["flag"] and value not in (0.0, 1.0):
        raise InvalidParameter(name, f"must be 0 or 1, got {value:g}")
    if meta["integer"] and not value.is_integer():
        raise InvalidParameter(name, f"must be a whole number, got {value:g}")
    return value


def validate_parameters(params: EconomicsParameters) -> EconomicsParameters:
    """Check every field of an already-built parameter set; returns it unchanged."""
    for f in fields(EconomicsParameters):
        _validate_value(f.name, getattr(params, f.name), dict(f.metadata))
    for names in _ORDERED_TRIPLES:
        values = [getattr(params, n) for n in names]
        for a, b, va, vb in zip(names, names[1:], values, values[1:], strict=False):
            if va > vb:
                raise InvalidParameter(b, f"must be >= {a} ({va:g}), got {vb:g}")
    return params


def parameters_with_overrides(
    overrides: dict[str, float] | None = None, base: EconomicsParameters = DEFAULT_PARAMETERS
) -> EconomicsParameters:
    """Defaults (or `base`) with a scenario's overrides applied; raises InvalidParameter naming the field."""
    overrides = overrides or {}
    known = {f.name: dict(f.metadata) for f in fields(EconomicsParameters)}
    clean: dict[str, float] = {}
    for name, raw in overrides.items():
        if name not in known:
            raise InvalidParameter(str(name), "unknown parameter")
        clean[name] = _validate_value(name, raw, known[name])
    return validate_parameters(replace(base, **clean))
