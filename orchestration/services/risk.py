"""Program risk: the Monte Carlo go-live of a program, and a supplier's view of its own lines (reads only).

Loads the program exactly as the forecast does (`program_load`), draws slips from each supplier's
distribution (`supplier_slip_model`) and runs `orchestration.domain.risk.simulate_program`; the result is
mapped back to database ids with the deterministic forecast of the same moment beside it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from datetime import date

import numpy as np
from django.core.cache import cache

from orchestration.domain.dates import UNSCHEDULED, from_ordinal
from orchestration.domain.forecast import forecast_program
from orchestration.domain.risk import (
    Driver,
    ProgramRisk,
    QuarterBand,
    RiskSettings,
    simulate_portfolio,
    simulate_program,
)
from orchestration.models import BuildProject, ContractLine, Supplier
from orchestration.services.forecast import Program, block_identity, program_load
from orchestration.services.scorecards import RiskFits, supplier_slip_model

RISK_SOURCE = (
    "Monte Carlo over the open deliveries: each supplier's slips from its closed deliveries (arrival vs last "
    "commitment), shrunk towards its category's; receipts, installs and carrier ETAs do not slip"
)


def risk_settings(*, draws: int, seed: int, fits: RiskFits) -> RiskSettings:
    """Draws and seed as asked; the within-supplier share fitted from closed deliveries (or its default)."""
    return RiskSettings(draws=draws, seed=seed, supplier_share=fits.supplier_share.value)


@dataclass(frozen=True, eq=False)
class Simulation:
    program: Program
    risk: ProgramRisk
    evidence: dict[int, dict]  # supplier id -> where its slip distribution came from
    supplier_of_row: dict[int, int]  # slip-model row -> supplier id
    fits: RiskFits  # the share and prior strength used: fitted or default, with the evidence counted


def _line_rows(program: Program, row: dict[int, int]) -> np.ndarray:
    return np.array([row[s] for s in program.line_supplier_ids.tolist()], dtype=np.int64)


def program_simulate(*, project: BuildProject, as_of: date | None = None, draws: int = 2000,
                     seed: int = 0) -> Simulation:  # fmt: skip
    """Load the program as the forecast does and simulate it with the fitted (or default) parameters."""
    program = program_load(project=project, as_of=as_of)
    supplier_ids, model, row, fits, line_rows = _slip_inputs(program)
    risk = simulate_program(program.inp, line_rows, model, risk_settings(draws=draws, seed=seed, fits=fits))
    evidence = {
        pk: {
            "supplier_id": pk,
            "own_deliveries": int(model.n_own[row[pk]]),
            "own_weight": float(model.own_weight[row[pk]]),
            "prior": str(model.prior[row[pk]]),
            "mean_slip_days": float(model.table[row[pk]].mean()),
        }
        for pk in supplier_ids
    }
    return Simulation(program, risk, evidence, {r: pk for pk, r in row.items()}, fits)


def _slip_inputs(program: Program):
    """The suppliers of the program's lines, their slip model, its row per supplier, the fits and each line's row."""
    supplier_ids = sorted(set(program.line_supplier_ids.tolist()))
    model, row, fits = supplier_slip_model(supplier_ids=supplier_ids)
    return supplier_ids, model, row, fits, _line_rows(program, row)


BAND_CACHE_SECONDS = 24 * 3600


def _digest(program: Program, model, line_rows: np.ndarray, params: RiskSettings) -> str:
    """A digest of everything the simulation reads: the program's input arrays, the slip tables, the settings."""
    h = hashlib.sha256(repr(params).encode())
    for value in [*(getattr(program.inp, f.name) for f in fields(program.inp)), model.table, line_rows,
                  program.block_ids]:  # fmt: skip
        if isinstance(value, np.ndarray):
            h.update(f"{value.dtype}{value.shape}".encode())
            h.update(np.ascontiguousarray(value).tobytes())
        else:
            h.update(repr(value).encode())
    return h.hexdigest()


def block_forecast_bands(*, program: Program, draws: int = 2000, seed: int = 0) -> dict[int, tuple]:
    """block id -> (P10, P90) go-live date of the program risk Monte Carlo (None: undatable in that share of
    draws), for the program page's Gantt.

    Cached by a digest of every input of the simulation: the same inputs give the same seeded draws, so an entry is
    never stale, and any change (a block, a delivery, a closed delivery moving a supplier's slips, a new day) is a
    new key. A miss costs one simulation (about 0.5 s at 2,000 draws for the 20-block demo program)."""
    _, model, _, fits, line_rows = _slip_inputs(program)
    params = risk_settings(draws=draws, seed=seed, fits=fits)
    key = "program-band:" + _digest(program, model, line_rows, params)
    bands = cache.get(key)
    if bands is None:
        go_live = simulate_program(program.inp, line_rows, model, params).block_go_live
        q = np.quantile(go_live, (0.1, 0.9), axis=0, method="inverted_cdf").astype(np.int64) if go_live.size else []
        bands = {int(program.block_ids[b]): tuple(None if int(v) >= UNSCHEDULED else from_ordinal(int(v))
                                                  for v in q[:, b]) for b in range(go_live.shape[1])}  # fmt: skip
        cache.set(key, bands, BAND_CACHE_SECONDS)
    return bands


def line_info(line_ids: list[int]) -> dict[int, dict]:
    rows = ContractLine.objects.filter(pk__in=line_ids).values_list(
        "pk", "contract__reference", "line_no", "item", "category", "contract__supplier_id", "contract__supplier__name"
    )
    return {
        pk: {"line_id": pk, "line_ref": f"{ref}/{no}", "item": item, "category": category, "supplier_id": sid,
             "supplier": name}
        for pk, ref, no, item, category, sid, name in rows
    }  # fmt: skip


def _band_rows(quarters: tuple[QuarterBand, ...]) -> list[dict]:
    return [{"quarter": q.quarter, "quarter_end": q.quarter_end, "planned_mw_cumulative": q.planned_mw_cumulative,
             "mw_p10": q.mw_p10, "mw_p50": q.mw_p50, "mw_p90": q.mw_p90} for q in quarters]  # fmt: skip


def _driver(driver: Driver, label: dict) -> dict:
    return {**label, "criticality": driver.criticality, "p80_without": driver.p80_without, "p80_days": driver.p80_days}


def risk_as_data(sim: Simulation) -> dict:
    """The simulation with database ids, next to the deterministic (de-rated) forecast of the same moment."""
    program, risk, evidence = sim.program, sim.risk, sim.evidence
    deterministic = forecast_program(program.inp)
    line_pos = [d.key for d in risk.line_drivers]
    info = line_info([int(program.line_ids[p]) for p in line_pos])
    names = dict(Supplier.objects.filter(pk__in=list(evidence)).values_list("pk", "name"))
    categories = dict(Supplier.objects.filter(pk__in=list(evidence)).values_list("pk", "category"))
    blocks = [
        {
            **block_identity(program, b),
            "forecast_go_live": deterministic.blocks[b.block_idx].forecast_go_live,
            "nominal_go_live": b.nominal_go_live,
            "p50": b.p50,
            "p80": b.p80,
            "p90": b.p90,
            "prob_late": b.prob_late,
            "expected_days_late": b.expected_days_late,
        }
        for b in risk.blocks
    ]
    blocks.sort(key=lambda row: row["index"])
    row_to_supplier = sim.supplier_of_row
    return {
        "as_of": risk.as_of,
        "draws": risk.settings.draws,
        "seed": risk.settings.seed,
        "supplier_share": risk.settings.supplier_share,
        "fit": sim.fits.as_data(),
        "source": RISK_SOURCE,
        "planned_go_live": risk.planned_go_live,
        "forecast_go_live": deterministic.project_go_live,
        "p50": risk.p50,
        "p80": risk.p80,
        "p90": risk.p90,
        "prob_late": risk.prob_late,
        "blocks": blocks,
        "mw_live_by_quarter": _band_rows(risk.mw_by_quarter),
        "supplier_drivers": [
            _driver(
                d,
                {
                    "supplier_id": row_to_supplier[d.key],
                    "supplier": names[row_to_supplier[d.key]],
                    "category": categories[row_to_supplier[d.key]],
                },
            )
            for d in risk.supplier_drivers
        ],  # fmt: skip
        "line_drivers": [_driver(d, info[int(program.line_ids[d.key])]) for d in risk.line_drivers],
        "slip_evidence": [{**evidence[pk], "supplier": names[pk]} for pk in sorted(evidence)],
    }


def project_risk(*, project: BuildProject, as_of: date | None = None, draws: int = 2000, seed: int = 0) -> dict:
    return risk_as_data(program_simulate(project=project, as_of=as_of, draws=draws, seed=seed))


def supplier_line_risk(*, supplier: Supplier, as_of: date | None = None, draws: int = 2000, seed: int = 0) -> dict:
    """The supplier's own open lines on every program: arrival P50/P80/P90 and the chance of missing the
    required-on-site date. Nothing about other suppliers' lines or the blocks' go-live is returned."""
    own = ContractLine.objects.filter(contract__supplier=supplier)
    project_ids = own.values_list("contract__project_id", flat=True).distinct()
    lines = []
    as_of_used = None
    for project in BuildProject.objects.filter(pk__in=list(project_ids)).order_by("pk"):
        sim = program_simulate(project=project, as_of=as_of, draws=draws, seed=seed)
        program, risk = sim.program, sim.risk
        as_of_used = risk.as_of
        mine = np.flatnonzero(program.line_supplier_ids == supplier.pk)
        if mine.size == 0:
            continue
        q = risk.line_arrival_percentiles(mine)
        ros = program.line_required_on_site[mine]
        late = risk.prob_arrival_after(mine, np.where(ros > 0, ros, UNSCHEDULED))
        info = line_info([int(program.line_ids[p]) for p in mine])
        for k, pos in enumerate(mine.tolist()):
            row = info[int(program.line_ids[pos])]
            lines.append(
                {
                    **{key: row[key] for key in ("line_id", "line_ref", "item", "category")},
                    "project_id": project.pk,
                    "required_on_site": from_ordinal(int(ros[k])),
                    "received": bool(program.line_received[pos]),
                    "arrival_p50": from_ordinal(int(q[0, k])),
                    "arrival_p80": from_ordinal(int(q[1, k])),
                    "arrival_p90": from_ordinal(int(q[2, k])),
                    "prob_late": float(late[k]) if ros[k] > 0 else None,
                }
            )
    return {"supplier_id": supplier.pk, "as_of": as_of_used, "draws": draws, "seed": seed, "source": RISK_SOURCE,
            "lines": lines}  # fmt: skip


def portfolio_band(*, projects: list[BuildProject], as_of: date | None = None, draws: int = 2000,
                   seed: int = 0) -> dict:  # fmt: skip
    """MW live by quarter across the programs as one Monte Carlo band: every program drawn in the same draws,
    each supplier with one slip level per draw for all the programs it serves (domain.risk.simulate_portfolio)."""
    programs = [program_load(project=p, as_of=as_of) for p in projects]
    supplier_ids = sorted({s for program in programs for s in program.line_supplier_ids.tolist()})
    model, row, fits = supplier_slip_model(supplier_ids=supplier_ids)
    params = risk_settings(draws=draws, seed=seed, fits=fits)
    band = simulate_portfolio([(p.inp, _line_rows(p, row)) for p in programs], model, params)
    return {
        "draws": params.draws,
        "seed": params.seed,
        "supplier_share": params.supplier_share,
        "fit": fits.as_data(),
        "source": f"{RISK_SOURCE}; every program in the same draws, one slip level per supplier and draw",
        "quarters": _band_rows(band.mw_by_quarter),
    }
