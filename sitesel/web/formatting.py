"""How the planner pages write numbers: money with its scale ($50.8 M/MW, $3.02 B), a criterion's raw value with
its unit, and each criterion's name in words. Plain Python, no Django: the views, the template filters and the
CSV share it."""

from __future__ import annotations

import math

from sitesel.domain.scoring_scenario import CRITERIA

# A criterion's name as a planner reads it (the registry's key is a code name).
CRITERION_LABELS: dict[str, str] = {
    "distance_hv_230_km": "Distance to a ≥230 kV line",
    "distance_substation_km": "Distance to an HV substation",
    "generation_capacity_50km_mw": "Generation within 50 km",
    "state_industrial_price_cents_kwh": "Industrial electricity price",
    "county_transfer_capacity_mw": "County transfer capacity",
    "fema_risk_score": "FEMA risk score",
    "water_use_mgal_d": "County water use",
    "land_price_usd_per_acre": "Land price",
    "county_labor_force": "County labor force",
    "county_unemployment_rate_pct": "County unemployment",
    "distance_network_pop_km": "Distance to a network point of presence",
    "distance_datacenter_km": "Distance to a datacenter",
    "capex_per_mw_usd": "Capex per MW",
    "time_to_power_p50_months": "Time to power (P50)",
    "time_to_compute_p50_months": "Time to compute (P50)",
}


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value: float | None) -> str:
    """US dollars at a readable scale: $3.02 B, $50.8 M, $712 k, $950."""
    if _missing(value):
        return "—"
    sign, amount = ("-" if value < 0 else ""), abs(float(value))
    for scale, suffix in ((1e9, " B"), (1e6, " M"), (1e3, " k")):
        if amount >= scale:
            scaled = amount / scale
            digits = 2 if scaled < 10 else 1 if scaled < 100 else 0
            return f"{sign}${scaled:,.{digits}f}{suffix}"
    return f"{sign}${amount:,.0f}"


def money_per_mw(value: float | None) -> str:
    """$50.8 M/MW."""
    return "—" if _missing(value) else money(value) + "/MW"


def criterion_label(name: str) -> str:
    return CRITERION_LABELS.get(name, name.replace("_", " "))


def criterion_value(name: str, value: float | None) -> str:
    """A criterion's raw value with its unit: "76 months", "$50.8 M/MW", "12.3 km"."""
    if _missing(value):
        return "missing"
    unit = CRITERIA[name].unit if name in CRITERIA else ""
    if unit == "USD/MW":
        return money_per_mw(value)
    if unit == "USD/acre":
        return money(value) + "/acre"
    if unit == "people":
        return f"{value:,.0f} people"
    if unit == "%":
        return f"{value:.1f} %"
    digits = 0 if abs(value) >= 100 or unit == "months" else 1
    return f"{value:,.{digits}f} {unit}".strip()
