"""Benchmark: recompute a 1 GW program's forecast from PostGIS, end to end, vs the pure in-memory forecast.

    DATABASE_URL=postgis://... .venv/bin/python bench/bench_program_recompute.py [--repeats 10] [--rebuild]

Loads (once, idempotently) a program shaped like bench/bench_forecast.py's into the database: 20 blocks
x 50 MW, 2,000 contract lines (100 per block from the BOM template, shared transformer and land lines
gating two blocks), 20,000 deliveries, 60 suppliers with a delivery history on a separate project (for
de-rating). Then times, in the same run:

- end to end: `project_forecast` = five `values_list` reads + building `ForecastInput` + supplier
  de-rates from the history + `forecast_program` + turning positions back into ids;
- its parts: the database reads and array building (`program_load`), the pure forecast
  (`forecast_program` on the loaded input) and the result assembly;
- `project_forecast_refresh` (the above plus storing the forecast on 20 blocks and the project).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from bench_forecast import AS_OF, make_program  # noqa: E402
from django.contrib.gis.geos import Point  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from orchestration.domain.categories import CATEGORY_ORDER  # noqa: E402
from orchestration.domain.forecast import forecast_program  # noqa: E402
from orchestration.models import (  # noqa: E402
    BuildProject,
    CapacityBlock,
    Contract,
    ContractLine,
    Delivery,
    Supplier,
)
from orchestration.services.forecast import (  # noqa: E402
    forecast_as_data,
    program_load,
    project_forecast,
    project_forecast_refresh,
)
from sitesel.models import Site  # noqa: E402

NAME, HISTORY = "Bench 1 GW program", "Bench supplier history"
N_SUPPLIERS = 60


def _date(ordinal: int) -> date | None:
    return date.fromordinal(int(ordinal)) if ordinal > 0 else None


@transaction.atomic
def build(seed: int) -> BuildProject:
    """Write bench_forecast.make_program(seed) into the database through bulk inserts."""
    inp = make_program(seed)
    rng = np.random.default_rng(seed + 1)
    site, _ = Site.objects.get_or_create(name="Bench site", defaults={"point": Point(-97.4, 32.6, srid=4326)})
    for name in (NAME, HISTORY):
        old = BuildProject.objects.filter(name=name).first()
        if old:
            Delivery.objects.filter(line__contract__project=old).delete()
            Contract.objects.filter(project=old).delete()
            old.delete()
    Supplier.objects.filter(name__startswith="Bench supplier ").delete()
    planned = [date.fromordinal(int(o)) for o in inp.block_planned_ordinal]
    project = BuildProject.objects.create(
        site=site, name=NAME, target_mw=1000, block_mw=50, planned_first_go_live=planned[0], blocks_interval_days=45
    )
    history = BuildProject.objects.create(
        site=site, name=HISTORY, target_mw=50, block_mw=50, planned_first_go_live=planned[0]
    )
    blocks = CapacityBlock.objects.bulk_create(
        CapacityBlock(
            project=project,
            index=b + 1,
            phase=b // 5 + 1,
            mw=50,
            gpus=22_680,
            planned_go_live=planned[b],
            commissioning_days=int(inp.block_commissioning_days[b]),
            power_available=bool(inp.block_power_available[b]),
        )
        for b in range(inp.n_blocks)
    )
    suppliers = Supplier.objects.bulk_create(
        Supplier(name=f"Bench supplier {s:02d}", category=CATEGORY_ORDER[s % 9].value) for s in range(N_SUPPLIERS)
    )
    contracts = Contract.objects.bulk_create(
        Contract(supplier=s, project=project, reference=f"BENCH-{s.pk}", value=Decimal("1e9")) for s in suppliers
    )
    line_supplier = rng.integers(N_SUPPLIERS, size=inp.n_lines)
    numbers = np.zeros(N_SUPPLIERS, dtype=np.int64)
    lines = []
    for i in range(inp.n_lines):
        s = int(line_supplier[i])
        numbers[s] += 1
        lines.append(
            ContractLine(
                contract=contracts[s],
                line_no=int(numbers[s]),
                item=f"item {i}",
                category=CATEGORY_ORDER[int(inp.line_category[i])].value,
                quantity=Decimal(str(inp.line_required_qty[i])),
                unit="unit",
                install_days=int(inp.line_install_days[i]),
                unit_value=inp.line_unit_value_usd[i],
            )
        )
    lines = ContractLine.objects.bulk_create(lines, batch_size=1000)
    ContractLine.blocks.through.objects.bulk_create(
        ContractLine.blocks.through(contractline_id=lines[int(li)].pk, capacityblock_id=blocks[int(bi)].pk)
        for li, bi in zip(inp.edge_line_idx, inp.edge_block_idx, strict=True)
    )
    deliveries = []
    for d in range(inp.n_deliveries):
        line = lines[int(inp.delivery_line_idx[d])]
        received = Decimal(str(inp.delivery_received_qty[d]))
        deliveries.append(
            Delivery(
                line=line,
                supplier_id=line.contract.supplier_id,
                shipment_ref=f"BENCH-{d}",
                quantity=Decimal(str(inp.delivery_qty[d])),
                received_quantity=received,
                promised_date=_date(inp.delivery_promised_ordinal[d]),
                confirmed_date=_date(inp.delivery_confirmed_ordinal[d]),
                expected_date=_date(inp.delivery_expected_ordinal[d]),
                actual_date=_date(inp.delivery_actual_ordinal[d]),
                status="received" if received > 0 else "scheduled",
            )
        )
    Delivery.objects.bulk_create(deliveries, batch_size=2000)
    # Supplier history (closed deliveries on another project): drives each supplier's de-rate.
    history_lines = []
    for supplier in suppliers:
        contract = Contract.objects.create(
            supplier=supplier, project=history, reference=f"HIST-{supplier.pk}", value=Decimal(0)
        )
        history_lines.append(
            ContractLine(
                contract=contract,
                line_no=1,
                item="earlier orders",
                category=supplier.category,
                quantity=Decimal(1000),
                unit="unit",
            )
        )
    history_lines = ContractLine.objects.bulk_create(history_lines)
    past = []
    for s, line in enumerate(history_lines):
        n = int(rng.integers(3, 60))
        late = rng.random(n) > rng.uniform(0.4, 0.98)
        for k in range(n):
            committed = date.fromordinal(AS_OF) - timedelta(days=int(rng.integers(30, 700)))
            slip = int(rng.gamma(2.0, 20.0)) + 1 if late[k] else 0
            past.append(
                Delivery(
                    line=line,
                    supplier_id=suppliers[s].pk,
                    shipment_ref=f"HIST-{s}-{k}",
                    quantity=1,
                    received_quantity=1,
                    promised_date=committed,
                    status="received",
                    actual_date=committed + timedelta(days=slip),
                )
            )
    Delivery.objects.bulk_create(past, batch_size=2000)
    return project


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--rebuild", action="store_true", help="drop and re-insert the bench program")
    args = parser.parse_args()

    project = BuildProject.objects.filter(name=NAME).first()
    if project is None or args.rebuild:
        start = time.perf_counter()
        project = build(args.seed)
        print(f"loaded the bench program into the database in {time.perf_counter() - start:.1f} s")
    as_of = date.fromordinal(AS_OF)
    n_lines = ContractLine.objects.filter(contract__project=project).count()
    n_deliveries = Delivery.objects.filter(line__contract__project=project).count()
    n_history = Delivery.objects.filter(line__contract__project__name=HISTORY).count()
    n_edges = ContractLine.blocks.through.objects.filter(capacityblock__project=project).count()
    print(
        f"program: {project.blocks.count()} blocks, {project.target_mw:.0f} MW, {n_lines} lines, {n_edges} "
        f"line->block edges, {n_deliveries} deliveries; supplier history {n_history} closed deliveries"
    )
    print(
        f"database: {connection.vendor} {connection.pg_version / 10000:.1f}; python {sys.version.split()[0]}, "
        f"numpy {np.__version__}"
    )

    project_forecast(project=project, as_of=as_of)  # warm up: connection, query plans
    program = program_load(project=project, as_of=as_of)
    result = forecast_program(program.inp)
    rows = {
        "end to end: project_forecast": timed(lambda: project_forecast(project=project, as_of=as_of), args.repeats),
        "  DB reads + arrays (program_load)": timed(lambda: program_load(project=project, as_of=as_of), args.repeats),
        "  pure forecast (in memory)": timed(lambda: forecast_program(program.inp), args.repeats),
        "  ids back in (forecast_as_data)": timed(lambda: forecast_as_data(program, result), args.repeats),
        "refresh (recompute + store)": timed(
            lambda: project_forecast_refresh(project=project, as_of=as_of), args.repeats
        ),  # fmt: skip
    }
    data = project_forecast(project=project, as_of=as_of)
    late = [b["days_late"] for b in data["blocks"] if b["days_late"] is not None]
    print(
        f"project go-live {data['project_go_live']}, MW at risk {data['mw_at_risk']:.0f}, block days late "
        f"min/median/max {min(late)}/{int(np.median(late))}/{max(late)}, stranded lines {len(data['stranded'])}"
    )
    print()
    print(f"{'step':<38}{'runs':>6}{'best ms':>11}{'median ms':>11}")
    for name, times in rows.items():
        print(f"{name:<38}{len(times):>6}{min(times) * 1e3:>11.1f}{statistics.median(times) * 1e3:>11.1f}")
    e2e = statistics.median(rows["end to end: project_forecast"])
    pure = statistics.median(rows["  pure forecast (in memory)"])
    print(
        f"\nend to end / pure forecast (median): {e2e / pure:.0f}x; budget 1,000 ms: "
        f"{'met' if e2e < 1.0 else 'MISSED'} ({e2e * 1e3:.0f} ms)"
    )


if __name__ == "__main__":
    main()
