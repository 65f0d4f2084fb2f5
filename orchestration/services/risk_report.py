"""Program risk as lines of text for the command line (the demo report): go-live percentiles, the top risk
drivers and the cost of the current slips, each figure with its unit, date and source."""

from __future__ import annotations

from orchestration.models import BuildProject
from orchestration.services.delay_cost import project_delay_costs
from orchestration.services.risk import portfolio_band, project_risk


def _money(usd: float) -> str:
    return f"${usd / 1e9:,.2f} B" if abs(usd) >= 1e9 else f"${usd / 1e6:,.1f} M"


def _fit(name: str, fit: dict) -> str:
    if fit["fitted"]:
        return f"{name} {fit['value']:.2f} (fitted: {fit['reason']}, n = {fit['n']})"
    return f"{name} {fit['value']:.2f} (the setting's default: {fit['reason']})"


def risk_report_lines(*, project: BuildProject, draws: int = 2000, seed: int = 0, drivers: int = 3) -> list[str]:
    risk = project_risk(project=project, draws=draws, seed=seed)
    cost = project_delay_costs(project=project)
    out = [
        f"Program risk (Monte Carlo, {risk['draws']} draws, seed {risk['seed']}, as of {risk['as_of']}): go-live "
        f"P50 {risk['p50']}, P80 {risk['p80']}, P90 {risk['p90']}; plan {risk['planned_go_live']}, deterministic "
        f"forecast {risk['forecast_go_live']}; P(later than plan) {risk['prob_late']:.0%}",
        f"  source: {risk['source']}",
        f"  {_fit('within-supplier share', risk['fit']['supplier_share'])}; "
        f"{_fit('prior strength', risk['fit']['prior_strength'])}",
        f"Top {drivers} risk drivers (days each supplier's slips add to the program P80; share of draws in which "
        "it sets the date):",
    ]
    for k, d in enumerate(risk["supplier_drivers"][:drivers], start=1):
        line = next((x for x in risk["line_drivers"] if x["supplier_id"] == d["supplier_id"]), None)
        where = f"; its most critical line {line['line_ref']} {line['item']}" if line else ""
        out.append(f"  {k}. {d['supplier']} ({d['category']}): +{d['p80_days']} d on P80, sets the date in "
                   f"{d['criticality']:.0%} of draws{where}")  # fmt: skip
    if not risk["supplier_drivers"]:
        out.append("  none: no supplier sets the program's go-live in any draw")
    prices = cost["prices"]
    out += [
        f"Cost of the current slips (as of {cost['as_of']}; site model {prices['model_version']}: "
        f"{_money(prices['cost_of_delay_usd_per_mw_month'])} per MW-month of delay, "
        f"${prices['usd_per_gpu_hour']:.2f} per GPU-hour):",
        f"  {len(cost['blocks'])} blocks late: {cost['mw_months']:,.1f} MW-months, {cost['gpu_months']:,.0f} "
        f"GPU-months not delivered, {_money(cost['usd'])}",
        f"  contract late penalties owed by the suppliers that hold blocks back: ${cost['penalties_usd']:,.2f} "
        f"({sum(p['amount'] is not None for p in cost['penalties'])} of {len(cost['penalties'])} contracts have "
        f"the term)",
    ]
    for e in cost["expedite_contracts"][:drivers]:
        out.append(f"  expedite {e['contract_ref']}: every late line on time saves {e['mw_days']:,.0f} MW-days "
                   f"(up to {e['days_saved']} d on a block), worth {_money(e['usd'])}")  # fmt: skip
    out.append(f"  GPUs waiting for power: {cost['stranded_gpu_hours']:,.0f} GPU-hours, {_money(cost['stranded_usd'])}")
    if cost["resequence"]:
        out.append(f"  re-sequence: {cost['resequence']['message']}")
    return out


def portfolio_band_line(*, projects: list[BuildProject], draws: int = 2000, seed: int = 0) -> str:
    """MW live at the quarter every program's plan is complete, as one band over all the programs."""
    band = portfolio_band(projects=projects, draws=draws, seed=seed)
    planned_total = max((q["planned_mw_cumulative"] for q in band["quarters"]), default=0.0)
    q = next((q for q in band["quarters"] if q["planned_mw_cumulative"] >= planned_total), None)
    if q is None:
        return "Portfolio band: no programs"
    return (f"Portfolio ({len(projects)} program(s), Monte Carlo, {band['draws']} draws, seed {band['seed']}, "
            f"suppliers' slips shared across programs): by {q['quarter_end']} ({q['quarter']}, every plan complete, "
            f"{q['planned_mw_cumulative']:,.0f} MW planned) MW live P10 {q['mw_p10']:,.0f}, P50 {q['mw_p50']:,.0f}, "
            f"P90 {q['mw_p90']:,.0f}")  # fmt: skip
