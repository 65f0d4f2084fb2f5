"""The cost of a program's current slips, priced by the site economics model (reads only).

The rules are orchestration.domain.delay_cost; the prices are the site model's cost of delay per MW-month and
cost per GPU-hour for this site at the program's capacity and scenario (the scoring run the program was dated
from, if any), so a planner sees the same figures as on the site page.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import numpy as np

from orchestration.domain.delay_cost import DelayCosts, DelayPrices, delay_costs
from orchestration.domain.forecast import forecast_program
from orchestration.models import BuildProject, CapacityBlock, Contract, ContractLine
from orchestration.services.forecast import Program, program_load
from orchestration.services.risk import line_info
from orchestration.site_selection import site_economics

PRICE_SOURCE = (
    "site economics model: cost of delay = (annualised capex + opex) / 12 per MW; cost per GPU-hour = "
    "(annualised capex + opex) / GPU-hours at 80 % utilisation"
)


def delay_prices(*, project: BuildProject) -> tuple[DelayPrices, dict]:
    """The prices, and where they come from (model version, capacity, scenario)."""
    econ = site_economics(project.site, project.target_mw, project.model_run)
    per_gpu_hour = econ.usd_per_gpu_hour if math.isfinite(econ.usd_per_gpu_hour) else 0.0
    prices = DelayPrices(econ.cost_of_delay_usd_per_mw_month, per_gpu_hour)
    return prices, {
        "cost_of_delay_usd_per_mw_month": prices.cost_of_delay_usd_per_mw_month,
        "usd_per_gpu_hour": prices.usd_per_gpu_hour,
        "model_version": econ.model_version,
        "capacity_mw": project.target_mw,
        "scoring_run_id": project.model_run_id,
        "source": PRICE_SOURCE,
    }


def _block(program: Program, idx: int) -> dict:
    return {"block_id": int(program.block_ids[idx]), "index": int(program.block_index[idx])}


def costs_as_data(program: Program, costs: DelayCosts, prices: dict, contracts: dict[int, Contract]) -> dict:
    positions = {p.line_idx for p in costs.penalties} | {e.line_idx for e in costs.expedite}
    positions |= {s.line_idx for s in costs.stranded}
    labels = line_info([int(program.line_ids[p]) for p in positions])
    info = {p: labels[int(program.line_ids[p])] for p in positions}
    resequence = None
    if costs.resequence is not None:
        r = costs.resequence
        first, best = _block(program, r.first_on_forecast_idx), _block(program, r.block_idx)
        resequence = {
            **best,
            "gpus_received": r.gpus_received,
            "first_block_id": first["block_id"],
            "first_index": first["index"],
            "first_gpus_received": r.first_gpus_received,
            "message": f"energise block {best['index']} first: {r.gpus_received:,.0f} GPUs received wait for power "
            f"there; block {first['index']}, first to get power on today's forecast, has {r.first_gpus_received:,.0f}",
        }
    return {
        "as_of": date.fromordinal(program.inp.as_of_ordinal),
        "prices": prices,
        "blocks": [
            {
                **_block(program, b.block_idx),
                "days_late": b.days_late,
                "mw_months": b.mw_months,
                "gpu_months": b.gpu_months,
                "usd": b.usd,
            }
            for b in costs.blocks
        ],  # fmt: skip
        "mw_months": costs.mw_months,
        "gpu_months": costs.gpu_months,
        "usd": costs.usd,
        "penalties": [
            {
                **info[p.line_idx],
                "contract_id": p.contract,
                "contract_ref": contracts[p.contract].reference,
                "days": p.days,
                "per_day": p.per_day,
                "amount": p.amount,
                "currency": contracts[p.contract].currency,
            }
            for p in costs.penalties
        ],  # fmt: skip
        "penalties_usd": sum(
            (p.amount for p in costs.penalties if p.amount is not None and contracts[p.contract].currency == "USD"),
            Decimal("0.00"),
        ),  # contracts in other currencies are listed with their own amount, not added (no FX here)
        "expedite": [
            {
                **info[e.line_idx],
                "block_ids": [int(program.block_ids[b]) for b in e.block_idxs],
                "days_saved": e.days_saved,
                "mw_days": e.mw_days,
                "usd": e.usd,
            }
            for e in costs.expedite
        ],  # fmt: skip
        "expedite_contracts": [
            {
                "contract_id": e.line_idx,
                "contract_ref": contracts[e.line_idx].reference,
                "supplier_id": contracts[e.line_idx].supplier_id,
                "block_ids": [int(program.block_ids[b]) for b in e.block_idxs],
                "days_saved": e.days_saved,
                "mw_days": e.mw_days,
                "usd": e.usd,
            }
            for e in costs.expedite_contracts
        ],
        "stranded_gpus": [
            {**info[s.line_idx], "gpus": s.gpus, "days": s.days, "gpu_hours": s.gpu_hours, "usd": s.usd}
            for s in costs.stranded
        ],  # fmt: skip
        "stranded_gpu_hours": costs.stranded_gpu_hours,
        "stranded_usd": costs.stranded_usd,
        "resequence": resequence,
    }


def project_delay_costs(*, project: BuildProject, as_of: date | None = None) -> dict:
    """Price the current slips of the program (the deterministic forecast of its current promises)."""
    program = program_load(project=project, as_of=as_of)
    gpus = dict(CapacityBlock.objects.filter(project=project).values_list("pk", "gpus"))
    contract_of = dict(ContractLine.objects.filter(contract__project=project).values_list("pk", "contract_id"))
    contracts = {c.pk: c for c in Contract.objects.filter(project=project)}
    prices, provenance = delay_prices(project=project)
    costs = delay_costs(
        program.inp,
        forecast_program(program.inp),
        block_gpus=np.array([gpus[int(pk)] for pk in program.block_ids], dtype=np.float64),
        line_contract=np.array([contract_of[int(pk)] for pk in program.line_ids], dtype=np.int64),
        penalty_per_day={
            pk: c.late_penalty_per_day for pk, c in contracts.items() if c.late_penalty_per_day is not None
        },
        prices=prices,
    )
    return costs_as_data(program, costs, provenance, contracts)
