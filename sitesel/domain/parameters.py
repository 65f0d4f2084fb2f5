"""Default parameters of the build-economics model, each with its unit, allowed range, source and sweep.

Every number the model uses lives here, so a scenario can override any of them and docs/economics.md
can cite each one. The metadata on each field is the single place where the unit, the range the
validator accepts (`lo`..`hi`), the published range, the source and the sensitivity sweep are written
down; the docs table is checked against it by tests/domain/test_parameters.py.

Where no public figure exists the source begins with "assumption" and the field carries a `sweep`
(low, high): `bench/calibrate_economics.py` runs the model at both ends and prints what moves.
Sourced figures with a published range carry a sweep too, so the sensitivity table covers them.
Source notes name the publisher and document; docs/economics.md gives the full references.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from typing import Any

from sitesel.domain.errors import InvalidParameter

CNW = "Cushman & Wakefield, Data Center Development Cost Guide 2025"
REVX = "NREL reVX least_cost_xmission/config"
MISO_RULES = "MISO transmission cost estimating guide (rtowww.com)"
REOPT = "NREL REopt.jl data/chp/chp_defaults.json"
EPOCH_TCO = "Epoch AI, 'Servers account for 60% of the TCO of a 1 GW AI data center' (2026-05-14)"
EPOCH_FIT = (
    "fitted to Epoch AI Frontier Data Centers timelines, US greenfield campuses that broke ground before 2024 "
    "(bench/calibrate_economics.py --fit)"
)


def _p(
    default: float,
    *,
    unit: str,
    lo: float,
    hi: float,
    published: str,
    source: str,
    sweep: tuple[float, float] | None = None,
    flag: bool = False,
    integer: bool = False,
) -> Any:
    """A parameter field. `lo`/`hi` are what validation accepts; `published` is the sourced range;
    `sweep` is the (low, high) pair the sensitivity table runs."""
    return field(
        default=default,
        metadata={
            "unit": unit,
            "lo": lo,
            "hi": hi,
            "published": published,
            "source": source,
            "sweep": sweep,
            "flag": flag,
            "integer": integer,
        },
    )


@dataclass(frozen=True)
class EconomicsParameters:
    """All model defaults. Floats throughout so that overrides are a flat `dict[str, float]`."""

    # --- Compute accounting (one definition, shared with the bill of materials) -------------------
    pue: float = _p(
        1.2,
        unit="ratio",
        lo=1.0,
        hi=3.0,
        published="1.1-1.56 (new large builds <= ~1.3; industry average 1.56)",
        source="Uptime Institute 2024 survey (average 1.56); new AI builds ~1.2",
        sweep=(1.1, 1.35),
    )
    rack_power_kw: float = _p(
        132.0,
        unit="kW/rack",
        lo=1.0,
        hi=2000.0,
        published="120-132 (GB200/GB300 NVL72)",
        source="introl.com; JLL 2025 via dcnnmagazine.com (NVL72 ~120-132 kW)",
        sweep=(120.0, 140.0),
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
    block_mw: float = _p(
        50.0,
        unit="facility MW per block",
        lo=1.0,
        hi=2000.0,
        published="25 MW halls (Applied Digital); 66-150 MW buildings (Epoch AI timelines)",
        source="the product's block size: a campus is built and energised in blocks of this size",
    )

    # --- Facility capex ---------------------------------------------------------------------------
    facility_capex_usd_per_it_mw: float = _p(
        11.7e6,
        unit="USD/MW of critical IT load",
        lo=1e6,
        hi=50e6,
        published="9.3-15.0 M (19 US markets)",
        source=f"{CNW}, pp. 8-9 (US average $11.7 M/MW); its 10 % site share, metered per acre, stays inside",
        sweep=(9.3e6, 15.0e6),
    )
    facility_scope_uplift_frac: float = _p(
        0.5,
        unit="fraction of the C&W per-MW cost",
        lo=0.0,
        hi=3.0,
        published="0.18-0.58 (AI-ready $15-20 M/MW / (C&W $11.7 M x 1.085) - 1)",
        source="C&W excludes OFCI equipment, fit-out, soft costs and owner contingency; Goldman Sachs AI-ready "
        "$15-20 M/MW (marketscreener.com)",
        sweep=(0.18, 0.58),
    )
    ai_liquid_cooling_premium_frac: float = _p(
        0.085,
        unit="fraction",
        lo=0.0,
        hi=2.0,
        published="0.07-0.10 (AI liquid-cooled vs traditional, US)",
        source="Turner & Townsend, 'AI data centre rush raises alarm over construction supply chain' (+7-10 %)",
        sweep=(0.07, 0.10),
    )
    labor_share_of_facility: float = _p(
        0.35,
        unit="fraction of facility cost that is site labour",
        lo=0.0,
        hi=1.0,
        published="0.25 (field labour, PDDM) - 0.40-0.50 (Cortex Construct)",
        source="PDDM 'Why labor productivity is crucial' (~25 %); Cortex Construct cost guide (40-50 %)",
        sweep=(0.25, 0.50),
    )
    learning_rate: float = _p(
        0.90,
        unit="labour cost of block 2k / block k (Wright's law)",
        lo=0.5,
        hi=1.0,
        published="0.80 'normally used in construction' (range 0.60-0.95); not constant (Thomas 1986)",
        source="F. Gould, 'Applying learning curve theory in construction cost estimating'; tempered by Thomas, "
        "Mathews & Ward (1986) and Eash-Gates et al. (2020): learning is not automatic",
        sweep=(0.85, 0.95),
    )
    reference_campus_mw: float = _p(
        307.0,
        unit="facility MW",
        lo=1.0,
        hi=10_000.0,
        published="average DC parcel 224 acres (2024)",
        source=f"{CNW}, p. 1 (average parcel 224 acres) / 0.73 acres per MW: the campus size C&W's "
        "per-MW average describes; learning is normalised so this size costs exactly C&W's figure",
        sweep=(150.0, 600.0),
    )

    # --- Per-site development (paid once per site, whatever its size) -----------------------------
    core_team_people: float = _p(
        40.0,
        unit="people (PM, superintendents, QA/QC, safety, commissioning)",
        lo=0.0,
        hi=1000.0,
        published="none",
        source="assumption (owner's and general contractor's core site team)",
        sweep=(25.0, 60.0),
    )
    core_team_usd_per_person_year: float = _p(
        250_000.0,
        unit="USD per person-year, loaded",
        lo=0.0,
        hi=5e6,
        published="none",
        source="assumption (loaded cost of senior construction staff)",
        sweep=(180_000.0, 320_000.0),
    )
    fibre_routes: float = _p(
        2.0,
        unit="diverse routes",
        lo=0.0,
        hi=10.0,
        published="2 (diverse paths)",
        source="industry practice: two physically diverse fibre routes to a PoP",
        integer=True,
    )
    fibre_usd_per_km: float = _p(
        100_000.0,
        unit="USD/km of new fibre route",
        lo=0.0,
        hi=5e6,
        published="15,500-249,000 (aerial best case $25 k/mile - buried $400 k/mile)",
        source="Columbia Telecommunications via nomordacallowed.com (weak); default inside the range",
        sweep=(15_500.0, 249_000.0),
    )
    missing_network_pop_distance_km: float = _p(
        50.0,
        unit="km",
        lo=0.0,
        hi=2000.0,
        published="none",
        source="assumption (conservative stand-in when no PoP layer covers the site)",
        sweep=(20.0, 100.0),
    )
    permits_and_studies_usd: float = _p(
        10e6,
        unit="USD per site",
        lo=0.0,
        hi=1e9,
        published="none ($30 M 'minimum best case to turn on your first server')",
        source="assumption (entitlements, utility studies, design adaptation); context: Crosby (Compass), "
        "Uptime Institute Journal 'Data Center Cost Myths: SCALE'",
        sweep=(5e6, 20e6),
    )

    # --- IT capex ----------------------------------------------------------------------------------
    it_capex_usd_per_gpu: float = _p(
        77_160.0,
        unit="USD/GPU (all-in IT per GPU slot)",
        lo=1_000.0,
        hi=1e6,
        published="45.7-77.8 k (Epoch $26.1 B compute per IT GW; Bernstein $47 k; NVIDIA $35 B/GW)",
        source="NVIDIA Q2 FY26 call via livemint.com ($35 B NVIDIA content per GW) / 453,600 GPUs per GW",
        sweep=(47_000.0, 77_160.0),
    )

    # --- Land ----------------------------------------------------------------------------------------
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
        published="244 k weighted average (>=50-acre parcels $5.40/ft2)",
        source=f"{CNW}, p. 1 and pp. 10-13",
    )

    # --- Grid interconnection -------------------------------------------------------------------------
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
    n_minus_1_spare_circuits: float = _p(
        1.0,
        unit="circuits beyond what the load needs",
        lo=0.0,
        hi=3.0,
        published="1 (N-1: the load stays served with one circuit out)",
        source="NERC TPL-001 N-1 planning criterion; dual feeds at any size",
        integer=True,
    )
    max_circuits: float = _p(
        3.0,
        unit="circuits",
        lo=1.0,
        hi=8.0,
        published="none",
        source="assumption: a campus tie has at most this many circuits at one voltage",
        sweep=(2.0, 4.0),
        integer=True,
    )
    substation_module_mw: float = _p(
        300.0,
        unit="MW per substation module",
        lo=1.0,
        hi=10_000.0,
        published="300 ('the first of two 300-megawatt substations')",
        source="Black & Veatch, 'Powering hyperscale data centers' (vendor)",
        sweep=(200.0, 500.0),
    )
    substation_module_usd: float = _p(
        35e6,
        unit="USD per module (2024 $, all-in)",
        lo=0.0,
        hi=1e9,
        published="40 M (Wakeman, 135 MW); 110 M incl. 1.74-mile 345 kV line (Harwood); 14.8 M at 115 kV (2016)",
        source="thenewenergycrisis.com (Dominion Wakeman); nationaltoday.com (Minnkota/Applied Digital); "
        "transmissionhub.com (Cheyenne); central value between them",
        sweep=(25e6, 60e6),
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
        0.20, unit="fraction", lo=0.0, hi=1.0, published="0.20", source=MISO_RULES
    )
    transmission_afudc_frac: float = _p(0.075, unit="fraction", lo=0.0, hi=1.0, published="0.075", source=MISO_RULES)
    spur_multiplier_under_3mi: float = _p(
        1.5, unit="multiplier", lo=1.0, hi=5.0, published="1.5", source=f"{REVX} constants.py"
    )
    spur_multiplier_under_10mi: float = _p(
        1.2, unit="multiplier", lo=1.0, hi=5.0, published="1.2", source=f"{REVX} constants.py"
    )
    hv_equipment_escalation_2019_2024: float = _p(
        1.227,
        unit="multiplier on 2019 $ line and transformer costs",
        lo=1.0,
        hi=3.0,
        published="1.227 (CPI-U); transformers +60-80 % since 2020 (weak)",
        source="BLS CPI-U annual average 2019 (255.657) -> 2024 (313.689); upper sweep: Wood Mackenzie via a "
        "repost of IEEE Spectrum",
        sweep=(1.227, 1.8),
    )
    missing_line_distance_km: float = _p(
        100.0,
        unit="km",
        lo=0.0,
        hi=2000.0,
        published="none",
        source="assumption (conservative stand-in when no line layer covers the site)",
        sweep=(50.0, 150.0),
    )
    plant_voltage_fallback_distance_km: float = _p(
        50.0,
        unit="km",
        lo=0.0,
        hi=2000.0,
        published="50 (search radius)",
        source="= radius of the EIA-860 plant-voltage search; a plant at >= kV within 50 km implies a line",
    )

    # --- Construction labour ----------------------------------------------------------------------------
    workers_per_mw_peak: float = _p(
        4.8,
        unit="workers per facility MW at peak",
        lo=0.0,
        hi=50.0,
        published="~4.8 (5,800 / 1,200 MW)",
        source="Abilene via McKinsey (telborg.com) and Bisnow (allwork.space)",
        sweep=(3.0, 6.0),
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
        source="assumption (a commuting zone ~ the county plus its neighbours)",
        sweep=(1.5, 6.0),
    )
    attainable_share_of_local_trades: float = _p(
        0.15,
        unit="fraction",
        lo=0.0,
        hi=1.0,
        published="none",
        source="assumption (share of employed local construction workers one project can hire at peak)",
        sweep=(0.05, 0.30),
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
        source="assumption (average crew over the build relative to peak, an S-shaped manpower curve)",
        sweep=(0.5, 0.75),
    )
    per_diem_usd_per_day: float = _p(
        178.0,
        unit="USD/day",
        lo=0.0,
        hi=5_000.0,
        published="178 (lodging 110 + M&IE 68); a camp bed ~$180/day ($132 M / >1,000 beds / ~2 yr)",
        source="GSA FY2025 standard CONUS per diem; camp: Target Hospitality, Dickens County TX (weak). Each "
        "imported worker is lodged once: hotel per diem or a camp bed, never both",
    )
    travel_wage_premium_usd_per_hour: float = _p(
        20.0,
        unit="USD/hour",
        lo=0.0,
        hi=500.0,
        published="none (union electricians up to $130/h vs ~$30/h average)",
        source="assumption; context: Bisnow 'Private Jets, Huge Raises And Man Camps'",
        sweep=(10.0, 50.0),
    )
    mobilization_usd_per_imported_worker: float = _p(
        3_000.0,
        unit="USD per imported worker (travel, onboarding, badging), once",
        lo=0.0,
        hi=100_000.0,
        published="none",
        source="assumption",
        sweep=(1_500.0, 6_000.0),
    )
    hours_per_worker_month: float = _p(
        173.0, unit="hours", lo=1.0, hi=744.0, published="173 (40 h x 52 / 12)", source="arithmetic"
    )
    schedule_stretch_per_shortfall_share: float = _p(
        0.3,
        unit="fractional stretch of build time per unit shortfall share",
        lo=0.0,
        hi=5.0,
        published="none",
        source="assumption (an imported crew is slower to assemble; labour mobilisation has no published coefficient)",
        sweep=(0.0, 0.6),
    )

    # --- Operations -------------------------------------------------------------------------------------
    default_industrial_price_cents_kwh: float = _p(
        8.06,
        unit="US cents/kWh",
        lo=0.0,
        hi=100.0,
        published="8.06 (US 2023)",
        source="EIA Electric Power Monthly Table 5.6.B (via statista.com)",
    )
    utilization: float = _p(
        0.8,
        unit="fraction of hours at full IT load",
        lo=0.01,
        hi=1.0,
        published="none",
        source="assumption (training clusters run near-continuously)",
        sweep=(0.6, 0.95),
    )
    ops_staff_fixed_fte: float = _p(
        25.0,
        unit="FTE per site",
        lo=0.0,
        hi=10_000.0,
        published="~30 at a 2-5 MW facility; ~200 for 400-430 MW; up to 350 for 530 MW",
        source="unanswered.io (weak); Applied Digital Ellendale (constructionowners.com) and Deuel County "
        "proposal (hcprt.itmwpb.com): FTE ~ 25 + 0.5 x MW",
        sweep=(15.0, 40.0),
    )
    ops_staff_fte_per_mw: float = _p(
        0.5,
        unit="FTE per facility MW",
        lo=0.0,
        hi=100.0,
        published="see ops_staff_fixed_fte",
        source="same fit as ops_staff_fixed_fte",
        sweep=(0.3, 0.7),
    )
    ops_staff_usd_per_fte_year: float = _p(
        130_000.0,
        unit="USD per FTE-year, loaded",
        lo=0.0,
        hi=2e6,
        published="none",
        source="assumption (technicians, security, operations management)",
        sweep=(90_000.0, 180_000.0),
    )
    facility_upkeep_frac_per_year: float = _p(
        0.02,
        unit="fraction of non-IT capex per year (maintenance, insurance, property tax)",
        lo=0.0,
        hi=0.5,
        published="0.025 incl. staff (Epoch: $0.3 B/yr non-energy opex / $11.8 B construction per IT GW)",
        source=f"{EPOCH_TCO}; staff counted separately above",
        sweep=(0.01, 0.03),
    )
    discount_rate: float = _p(
        0.08,
        unit="per year",
        lo=0.0,
        hi=1.0,
        published="none",
        source="assumption (cost of capital)",
        sweep=(0.06, 0.12),
    )
    it_life_years: float = _p(
        5.0, unit="years", lo=1.0, hi=30.0, published="5-6", source="hyperscaler server depreciation (10-K); Epoch 5"
    )
    facility_life_years: float = _p(
        14.0,
        unit="years",
        lo=1.0,
        hi=60.0,
        published="14 (Epoch) - 20",
        source=EPOCH_TCO,
        sweep=(14.0, 20.0),
    )
    gpu_rental_usd_per_hour: float = _p(
        3.0,
        unit="USD per GPU-hour",
        lo=0.0,
        hi=100.0,
        published="2.80-3.20 (B200 rental)",
        source="FT Alphaville / RBC via newsbeep.com; used only to cross-check the cost of delay",
    )

    # --- On-site generation (bridge power) ---------------------------------------------------------------
    bridge_power_enabled: float = _p(
        1.0,
        unit="0/1",
        lo=0.0,
        hi=1.0,
        published="-",
        source="scenario switch: 1 = the model may bring early blocks forward on on-site gas where gas can reach "
        "the site and the months saved are worth more than the generation costs",
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
        unit="largest share of facility load on-site generation may carry",
        lo=0.0,
        hi=1.0,
        published="-",
        source="scenario choice; the model sizes the bridge to the blocks that would otherwise wait for the grid",
    )
    recip_capex_usd_per_kw: float = _p(
        2_120.0,
        unit="USD/kW",
        lo=0.0,
        hi=20_000.0,
        published="2,000-2,350 (largest size class)",
        source=f"{REOPT}, recip_engine 3-4.5 MW class",
        sweep=(2_000.0, 3_000.0),
    )
    recip_heat_rate_btu_per_kwh: float = _p(
        8_417.0,
        unit="Btu/kWh (HHV)",
        lo=3_412.0,
        hi=20_000.0,
        published="electric efficiency 40.5 % HHV",
        source=f"{REOPT}, recip_engine largest class (3,412 / 0.4054)",
    )
    recip_om_usd_per_mwh: float = _p(
        13.5, unit="USD/MWh", lo=0.0, hi=500.0, published="13.5", source=f"{REOPT}, recip_engine largest class"
    )
    recip_lead_months_low: float = _p(
        12.0, unit="months", lo=0.0, hi=240.0, published="12-18", source="sourcerockep.com (vendor)"
    )
    recip_lead_months_high: float = _p(
        18.0, unit="months", lo=0.0, hi=240.0, published="12-18", source="sourcerockep.com (vendor)"
    )
    turbine_capex_usd_per_kw: float = _p(
        2_157.0,
        unit="USD/kW",
        lo=0.0,
        hi=20_000.0,
        published="<1,500 (2023) -> 2,157 (2025)",
        source="BNEF via orestisdel.substack.com (CCGT)",
    )
    turbine_heat_rate_btu_per_kwh: float = _p(
        10_815.0,
        unit="Btu/kWh (HHV)",
        lo=3_412.0,
        hi=20_000.0,
        published="electric efficiency 31.6 % HHV (simple cycle)",
        source=f"{REOPT}, combustion_turbine largest class (3,412 / 0.3155)",
    )
    turbine_om_usd_per_mwh: float = _p(
        9.5, unit="USD/MWh", lo=0.0, hi=500.0, published="9.5", source=f"{REOPT}, combustion_turbine largest class"
    )
    turbine_lead_months_low: float = _p(
        60.0, unit="months", lo=0.0, hi=240.0, published="5-7 yr", source="EPRI via S&P Global Platts"
    )
    turbine_lead_months_high: float = _p(
        84.0, unit="months", lo=0.0, hi=240.0, published="5-7 yr", source="EPRI via S&P Global Platts"
    )
    bridge_residual_value_frac: float = _p(
        0.3,
        unit="fraction of generation capex recovered (kept as backup, resold or redeployed)",
        lo=0.0,
        hi=1.0,
        published="none",
        source="assumption",
        sweep=(0.0, 0.6),
    )
    default_gas_price_usd_per_mcf: float = _p(
        4.72,
        unit="USD per thousand cubic feet (industrial)",
        lo=0.0,
        hi=100.0,
        published="3.38-7.58 (8 states, 2024); US 3.90 (2019)",
        source="EIA natural gas prices, industrial, 2024: median of the 8 states in "
        "eia_prices_12_southeast_states_2014_2024.csv; US 2019: EIA 'Natural gas explained'",
        sweep=(3.38, 7.58),
    )
    mmbtu_per_mcf: float = _p(
        1.038, unit="MMBtu per Mcf", lo=0.5, hi=2.0, published="1.038", source="EIA heat content of natural gas (2023)"
    )
    gas_lateral_usd_per_inch_km: float = _p(
        207_000.0,
        unit="USD per inch of diameter per km (2024 $)",
        lo=0.0,
        hi=1e7,
        published="158 k (2016 $: $7.65 M/mile / 30 in); FERC 2014-19 $5.72 M/mile",
        source="Oil & Gas Journal 2015-16 via hanginghco.com and gem.wiki, x CPI-U 2016 -> 2024 (1.307)",
        sweep=(120_000.0, 400_000.0),
    )
    gas_lateral_diameter_in_at_1gw: float = _p(
        24.0,
        unit="inches",
        lo=1.0,
        hi=60.0,
        published="none",
        source="assumption (~200 MMcf/d for 1 GW of engines); diameter scales with flow^0.375 (Weymouth)",
        sweep=(20.0, 30.0),
    )
    gas_lateral_max_km: float = _p(
        50.0,
        unit="km",
        lo=0.0,
        hi=1000.0,
        published="none",
        source="assumption (longer laterals need interstate certificates that take years): beyond this, on-site "
        "gas is not offered",
        sweep=(25.0, 100.0),
    )
    gas_lateral_months_low: float = _p(
        9.0, unit="months", lo=0.0, hi=240.0, published="none", source="assumption", sweep=(6.0, 12.0)
    )
    gas_lateral_months_high: float = _p(
        24.0, unit="months", lo=0.0, hi=240.0, published="none", source="assumption", sweep=(18.0, 36.0)
    )

    # --- Time phases (months) -----------------------------------------------------------------------------
    site_control_months_low: float = _p(
        4.0,
        unit="months",
        lo=0.0,
        hi=240.0,
        published="4-8 (Texas) to 8-18 (Virginia); 6-18 submittal to building permit",
        source="datacentres.com zoning and permitting guide; b2bdaily.com 'How to speed US data center permits'",
    )
    site_control_months_mode: float = _p(
        9.0,
        unit="months",
        lo=0.0,
        hi=240.0,
        published="see site_control_months_low",
        source="same sources",
        sweep=(6.0, 12.0),
    )
    site_control_months_high: float = _p(
        18.0, unit="months", lo=0.0, hi=240.0, published="see site_control_months_low", source="same sources"
    )
    study_unconstrained_months_low: float = _p(
        12.0,
        unit="months from request to interconnection agreement",
        lo=0.0,
        hi=240.0,
        published="12 months to more than 3 years",
        source="ATK Energy Group, 'Grid interconnection for data centers' (vendor)",
    )
    study_unconstrained_months_high: float = _p(
        24.0, unit="months", lo=0.0, hi=240.0, published="see low", source="same source", sweep=(18.0, 30.0)
    )
    study_constrained_months_low: float = _p(
        24.0,
        unit="months",
        lo=0.0,
        hi=240.0,
        published="4-7 yr to power for >100 MW (Dominion), less ~1.5 yr of utility build",
        source="Bloomberg via bnnbloomberg.ca 2024-08-29; axios.com 2024-09-04",
    )
    study_constrained_months_high: float = _p(
        60.0,
        unit="months",
        lo=0.0,
        hi=240.0,
        published="see study_constrained_months_low",
        source="same sources",
        sweep=(48.0, 72.0),
    )
    large_load_threshold_mw: float = _p(
        100.0,
        unit="MW (facility)",
        lo=0.0,
        hi=100_000.0,
        published="100 (Dominion)",
        source="Bloomberg (Dominion's 4-7 yr applies to >100 MW)",
    )
    large_load_threshold_mw_ercot: float = _p(
        75.0,
        unit="MW (facility)",
        lo=0.0,
        hi=100_000.0,
        published="75",
        source="RTO Insider, 'ERCOT again revising large load interconnection process'",
    )
    small_load_study_factor: float = _p(
        0.5,
        unit="multiplier on the study time below the large-load threshold",
        lo=0.0,
        hi=1.0,
        published="none",
        source="assumption (loads under the threshold skip the large-load study)",
        sweep=(0.3, 1.0),
    )
    grid_constraint_pjm: float = _p(
        1.0, unit="0 (unconstrained) .. 1 (constrained)", lo=0.0, hi=1.0, published="Dominion 4-7 yr",
        source="Bloomberg 2024-08-29 (Dominion is in PJM)",
    )  # fmt: skip
    grid_constraint_caiso: float = _p(
        1.0, unit="0..1", lo=0.0, hi=1.0, published="primary-market waits > 4 yr",
        source="JLL 2026 via build.inc (Silicon Valley is a primary market); weight is an assumption",
    )  # fmt: skip
    grid_constraint_ercot: float = _p(
        0.75, unit="0..1", lo=0.0, hi=1.0, published="primary-market waits > 4 yr",
        source="JLL 2026 via build.inc (Dallas is a primary market); weight is an assumption",
    )  # fmt: skip
    grid_constraint_nyiso: float = _p(
        0.75, unit="0..1", lo=0.0, hi=1.0, published="none", source="assumption", sweep=(0.5, 1.0)
    )
    grid_constraint_isone: float = _p(
        0.75, unit="0..1", lo=0.0, hi=1.0, published="none", source="assumption", sweep=(0.5, 1.0)
    )
    grid_constraint_miso: float = _p(
        0.5, unit="0..1", lo=0.0, hi=1.0, published="none", source="assumption", sweep=(0.25, 0.75)
    )
    grid_constraint_spp: float = _p(
        0.25, unit="0..1", lo=0.0, hi=1.0, published="none", source="assumption", sweep=(0.0, 0.5)
    )
    grid_constraint_non_iso: float = _p(
        0.5, unit="0..1", lo=0.0, hi=1.0, published="none",
        source="assumption (vertically integrated utilities; Atlanta and Phoenix are primary markets)",
        sweep=(0.25, 0.75),
    )  # fmt: skip
    grid_constraint_unknown: float = _p(
        1.0, unit="0..1", lo=0.0, hi=1.0, published="-",
        source="conservative: region missing or unrecognised -> treated as constrained (flagged)",
    )  # fmt: skip
    utility_build_months_low: float = _p(
        12.0,
        unit="months from interconnection agreement to energised tie",
        lo=0.0,
        hi=240.0,
        published="Abilene's 1 GW substation near completion ~19 months after ground-breaking",
        source="assumption anchored on the Epoch AI Abilene timeline (2024-05-31 -> 2026-01-15)",
        sweep=(9.0, 15.0),
    )
    utility_build_months_mode: float = _p(
        18.0, unit="months", lo=0.0, hi=240.0, published="see low", source="assumption", sweep=(14.0, 24.0)
    )
    utility_build_months_high: float = _p(
        30.0, unit="months", lo=0.0, hi=240.0, published="see low", source="assumption", sweep=(24.0, 42.0)
    )
    line_build_months_per_100km: float = _p(
        6.0,
        unit="months per 100 km of new line",
        lo=0.0,
        hi=120.0,
        published="none",
        source="assumption (a longer tie needs more right of way and more construction)",
        sweep=(3.0, 12.0),
    )
    upgrade_probability_max: float = _p(
        0.6,
        unit="probability of network upgrades where the county queue saturates its transfer capability",
        lo=0.0,
        hi=1.0,
        published="none (network upgrades drive most queue delay, LBNL Queued Up)",
        source="assumption; the county's active generator queue MW / its transfer capability sets the share of it",
        sweep=(0.3, 0.9),
    )
    upgrade_probability_unknown: float = _p(
        0.3,
        unit="probability",
        lo=0.0,
        hi=1.0,
        published="none",
        source="assumption (no queue data for the county: non-ISO regions)",
        sweep=(0.1, 0.5),
    )
    upgrade_months_low: float = _p(
        12.0, unit="months", lo=0.0, hi=240.0, published="none", source="assumption", sweep=(6.0, 18.0)
    )
    upgrade_months_mode: float = _p(
        24.0, unit="months", lo=0.0, hi=240.0, published="none", source="assumption", sweep=(18.0, 30.0)
    )
    upgrade_months_high: float = _p(
        48.0, unit="months", lo=0.0, hi=240.0, published="none", source="assumption", sweep=(36.0, 60.0)
    )
    hv_equipment_ordered_at_decision: float = _p(
        1.0,
        unit="0/1 (1 = HV transformers reserved at the decision, before the agreement)",
        lo=0.0,
        hi=1.0,
        published="-",
        source="scenario switch (hyperscalers reserve transformer slots early)",
        flag=True,
    )
    transformer_lead_weeks_low: float = _p(
        50.0, unit="weeks", lo=0.0, hi=520.0, published="50", source="McKinsey via marketscreener.com"
    )
    transformer_lead_weeks_mode: float = _p(
        120.0,
        unit="weeks",
        lo=0.0,
        hi=520.0,
        published="90-130+ (power transformers)",
        source="atkenergygroup.com (vendor); mode inside the published band",
        sweep=(90.0, 140.0),
    )
    transformer_lead_weeks_high: float = _p(
        160.0, unit="weeks", lo=0.0, hi=520.0, published=">160 (2026)", source="landgate.com 'The New Prize'"
    )
    switchgear_lead_weeks_low: float = _p(
        46.0, unit="weeks", lo=0.0, hi=520.0, published="46-48", source=f"{CNW}, pp. 6-7"
    )
    switchgear_lead_weeks_mode: float = _p(
        48.0, unit="weeks", lo=0.0, hi=520.0, published="46-48", source=f"{CNW}, pp. 6-7"
    )
    switchgear_lead_weeks_high: float = _p(
        80.0, unit="weeks", lo=0.0, hi=520.0, published="up to 80 (MV)", source="McKinsey via marketscreener.com"
    )
    first_block_months_low: float = _p(
        10.0,
        unit="months from ground-breaking to the first block built",
        lo=0.0,
        hi=240.0,
        published="11 (Crusoe 100 MW); 16 (Abilene building 1); 22-65 to first power (Epoch, US, 2018-23 starts)",
        source=f"datacenterdynamics.com; {EPOCH_FIT}",
    )
    first_block_months_mode: float = _p(
        16.0, unit="months", lo=0.0, hi=240.0, published="see low", source=EPOCH_FIT, sweep=(12.0, 22.0)
    )
    first_block_months_high: float = _p(
        72.0,
        unit="months",
        lo=0.0,
        hi=240.0,
        published="~3 yr US typical (Huang); 59-65 months for campuses that waited for power or paused",
        source=f"Huang via telborg.com; {EPOCH_FIT}",
        sweep=(48.0, 84.0),
    )
    ramp_months_low: float = _p(
        2.0,
        unit="months from the first block to the last, for a 1 GW campus (20 blocks)",
        lo=0.0,
        hi=240.0,
        published="8 (Colossus 2) - 13 (Abilene) for ~1 GW; 17-50 for demand-paced cloud campuses",
        source=EPOCH_FIT,
    )
    ramp_months_mode: float = _p(
        14.0, unit="months", lo=0.0, hi=240.0, published="see low", source=EPOCH_FIT, sweep=(8.0, 20.0)
    )
    ramp_months_high: float = _p(
        60.0, unit="months", lo=0.0, hi=240.0, published="see low", source=EPOCH_FIT, sweep=(40.0, 80.0)
    )
    ramp_size_exponent: float = _p(
        1.0,
        unit="exponent on (blocks - 1) / 19",
        lo=0.0,
        hi=2.0,
        published="single-building campuses energise at once; 1 GW campuses ramp over 8-13 months (frontier)",
        source=f"{EPOCH_FIT}: a smaller campus ramps over a shorter time than a 1 GW one",
        sweep=(0.5, 1.5),
    )

    # --- Grid-swing screen --------------------------------------------------------------------------------
    swing_share_of_it_load: float = _p(
        0.5,
        unit="fraction of IT load",
        lo=0.0,
        hi=1.0,
        published="tens-hundreds of MW, 0.2-3 Hz",
        source="arXiv 2508.14318 (Microsoft/OpenAI/NVIDIA); the share itself is an assumption",
    )
    swing_tolerance_share_of_line_capacity: float = _p(
        0.6, unit="fraction of circuit MW", lo=0.0, hi=10.0, published="none", source="assumption", sweep=(0.4, 0.8)
    )
    swing_max_share_of_transfer_capacity: float = _p(
        0.25,
        unit="fraction of county transfer MW",
        lo=0.0,
        hi=10.0,
        published="none",
        source="assumption; scale reference: 1,500 MW load loss 2024-07-10 (NERC via datacenterdynamics.com)",
        sweep=(0.15, 0.35),
    )
    swing_max_share_of_local_generation: float = _p(
        0.25,
        unit="fraction of generation MW within 50 km",
        lo=0.0,
        hi=10.0,
        published="none",
        source="assumption; used only when county transfer capacity is missing",
        sweep=(0.15, 0.35),
    )
    swing_line_search_km: float = _p(
        30.0, unit="km", lo=0.0, hi=1000.0, published="none", source="assumption ('nearby' grid)", sweep=(20.0, 50.0)
    )


# Ranges that must be ordered low <= mode <= high; checked after single-field validation.
_ORDERED: tuple[tuple[str, ...], ...] = (
    ("transformer_lead_weeks_low", "transformer_lead_weeks_mode", "transformer_lead_weeks_high"),
    ("switchgear_lead_weeks_low", "switchgear_lead_weeks_mode", "switchgear_lead_weeks_high"),
    ("site_control_months_low", "site_control_months_mode", "site_control_months_high"),
    ("utility_build_months_low", "utility_build_months_mode", "utility_build_months_high"),
    ("upgrade_months_low", "upgrade_months_mode", "upgrade_months_high"),
    ("first_block_months_low", "first_block_months_mode", "first_block_months_high"),
    ("ramp_months_low", "ramp_months_mode", "ramp_months_high"),
    ("recip_lead_months_low", "recip_lead_months_high"),
    ("turbine_lead_months_low", "turbine_lead_months_high"),
    ("gas_lateral_months_low", "gas_lateral_months_high"),
    ("study_unconstrained_months_low", "study_unconstrained_months_high"),
    ("study_constrained_months_low", "study_constrained_months_high"),
)

DEFAULT_PARAMETERS = EconomicsParameters()


def parameter_specs() -> dict[str, dict[str, Any]]:
    """Name -> {default, unit, lo, hi, published, source, sweep} for docs, APIs and validation."""
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
    for names in _ORDERED:
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
