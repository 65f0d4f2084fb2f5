"""How the nationwide grid layers change the national screen: before (GridKit only) and after (GridKit + HIFLD).

    .venv/bin/python bench/layer_coverage.py [--cell-km 5] [--capacity 1000] [--top-share 0.01]

Uses the database of DATABASE_URL and imports the real layers there first if they are missing (as `make demo`
does). Prints two tables, per census region:
1. the share of contiguous-US cells (inside a county) whose nearest AC line of at least 345 kV is within
   10 / 25 / 50 km;
2. where the top share of cells of a national scoring run (default scenario, one capacity) lies.
"after" is the snapshot of every current layer. "before" is the same snapshot with the layers added for the
nationwide grid, fuel and recent prices taken out (HIFLD lines, HIFLD and OSM substations, derived EHV nodes,
GEM gas routes, EIA 2014-2024 prices): GridKit lines and substations east of 106.4°W, prices of 2019. Both are
scored with the economics model of this checkout, in chunks of SCORING_CELLS_PER_CHUNK cells with the run's
default seed and draws, as a national run does.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from sitesel.demo.layers import demo_layers_import, manifest_entries  # noqa: E402
from sitesel.domain.parameters import DEFAULT_PARAMETERS  # noqa: E402
from sitesel.domain.scoring import ScenarioSpec, score_sites  # noqa: E402
from sitesel.models import Feature  # noqa: E402
from sitesel.scoring_runs.compute import compute_chunk  # noqa: E402
from sitesel.scoring_runs.grid import cell_points, conus_grid  # noqa: E402
from sitesel.spatial.prices import price_table  # noqa: E402
from sitesel.spatial.snapshot import (  # noqa: E402
    EHV_VOLTAGE_CLASSES_KV,
    EhvLines,
    LayerSnapshot,
    LineSegments,
    get_snapshot,
    line_tree,
    segments,
)

# Census Bureau regions (the four of its "Census Regions and Divisions of the United States").
CENSUS_REGIONS = {
    "Northeast": "CT ME MA NH RI VT NJ NY PA",
    "Midwest": "IL IN MI OH WI IA KS MN MO NE ND SD",
    "South": "DE DC FL GA MD NC SC VA WV AL KY MS TN AR LA OK TX",
    "West": "AZ CO ID MT NV NM UT WY CA OR WA",
}
REGION_OF = {state: region for region, states in CENSUS_REGIONS.items() for state in states.split()}
REGIONS = list(CENSUS_REGIONS)
NEW_LAYERS = ("hifld_lines", "hifld_substations", "osm_substations_west", "ehv_nodes_derived", "gas_pipelines",
              "energy_prices")  # fmt: skip
RADII_KM = (10, 25, 50)


def gridkit_only(after: LayerSnapshot) -> LayerSnapshot:
    """The snapshot without the layers this change added: what the national screen measured before."""
    nothing = np.empty(0, dtype=object)
    ehv = {}
    for kv in EHV_VOLTAGE_CLASSES_KV:
        gridkit, _ = segments(after.lines_by_class[kv].geometries)
        ehv[kv] = EhvLines(line_tree(gridkit), len(gridkit), line_tree(nothing))
    old_prices = Feature.objects.filter(
        layer__kind="power_prices", valid_to__isnull=True, category="Total Electric Industry", value__isnull=False
    ).values_list("state", "properties__year", "value")
    return replace(
        after,
        ehv_lines_by_class=ehv,
        substation_sources={k: v for k, v in after.substation_sources.items() if k not in NEW_LAYERS},
        gas_pipelines=LineSegments(
            line_tree(nothing), np.empty(0, dtype=np.int64), {"diameter_in": np.empty(0), "status": nothing}
        ),
        state_prices=price_table((state, int(year), value, "power_prices") for state, year, value in old_prices),
        gas_prices=price_table([]),
        vintages={k: v for k, v in after.vintages.items() if k not in NEW_LAYERS},
    )


def national_screen(snapshot: LayerSnapshot, cell_km: float, capacity: float) -> dict[str, np.ndarray]:
    """Every located cell's region, ≥345 kV distance, eligibility and rank at `capacity`, as a national run."""
    grid = conus_grid(cell_km)
    size = settings.SCORING_CELLS_PER_CHUNK
    parts: dict[str, list[np.ndarray]] = {"ids": [], "state": [], "d345": []}
    criteria_parts: list[dict[str, np.ndarray]] = []
    for start in range(0, grid.cells, size):
        points = cell_points(grid, start, start + size)
        rows = compute_chunk(snapshot, points, [capacity], DEFAULT_PARAMETERS, seed=0, draws=settings.SCORING_DRAWS)
        keep = rows.located
        criteria = rows.criteria_by_capacity[capacity]
        parts["ids"].append(points.ids[keep])
        parts["state"].append(rows.state[keep])
        parts["d345"].append(criteria["distance_hv_345_km"][keep])
        criteria_parts.append({name: np.asarray(values)[keep] for name, values in criteria.items()})
    merged = {name: np.concatenate(values) for name, values in parts.items()}
    criteria = {name: np.concatenate([c[name] for c in criteria_parts]) for name in criteria_parts[0]}
    output = score_sites(criteria, merged["ids"], merged["state"], ScenarioSpec())
    merged["region"] = np.array([REGION_OF.get(s, "") for s in merged["state"]], dtype=object)
    merged["eligible"] = np.asarray(output.eligible)
    merged["rank"] = np.asarray(output.rank)
    return merged


def top_cells(screen: dict[str, np.ndarray], share: float) -> np.ndarray:
    eligible = np.flatnonzero(screen["eligible"])
    count = int(np.ceil(share * len(eligible)))
    return eligible[np.argsort(screen["rank"][eligible], kind="stable")[:count]]


def coverage_table(before: dict, after: dict) -> list[str]:
    head = " | ".join(f"≤{r} km before | ≤{r} km after" for r in RADII_KM)
    lines = [f"| region | cells | {head} |", "|---|---:|" + "---:|" * (2 * len(RADII_KM))]
    for region in [*REGIONS, "CONUS"]:
        mask = np.ones(len(after["region"]), bool) if region == "CONUS" else after["region"] == region
        assert np.array_equal(before["ids"], after["ids"])  # the same cells, measured twice
        cells = [f"{100 * np.mean(np.nan_to_num(s['d345'][mask], nan=np.inf) <= r):.1f} %" for r in RADII_KM
                 for s in (before, after)]  # fmt: skip
        lines.append(f"| {region} | {int(mask.sum()):,} | " + " | ".join(cells) + " |")
    return lines


def top_table(before: dict, after: dict, share: float) -> list[str]:
    top_before, top_after = top_cells(before, share), top_cells(after, share)
    lines = [
        f"| region | cells | top {100 * share:g} % before | top {100 * share:g} % after | change |",
        "|---|---:|---:|---:|---:|",
    ]
    for region in REGIONS:
        b = int(np.sum(before["region"][top_before] == region))
        a = int(np.sum(after["region"][top_after] == region))
        lines.append(f"| {region} | {int(np.sum(after['region'] == region)):,} | {b:,} | {a:,} | {a - b:+,} |")
    kept = len(np.intersect1d(before["ids"][top_before], after["ids"][top_after]))
    lines.append(f"| all | {len(after['ids']):,} | {len(top_before):,} | {len(top_after):,} | {kept:,} cells in both |")
    return lines


def escalation_lines(snapshot: LayerSnapshot) -> list[str]:
    lines = ["| price | from year | to year | states in the index | factor | states escalated |"]
    lines.append("|---|---|---|---|---:|---:|")
    for label, table in (("industrial electricity ¢/kWh", snapshot.state_prices),
                         ("industrial natural gas $/Mcf", snapshot.gas_prices)):  # fmt: skip
        for year, index in table.indexes.items():
            escalated = sum(1 for p in table.by_state.values() if p.source_year == year)
            lines.append(f"| {label} | {year} | {index.to_year} | {len(index.states)} ({', '.join(index.states)}) "
                         f"| {index.factor:.4f} | {escalated} |")  # fmt: skip
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cell-km", type=float, default=5.0)
    parser.add_argument("--capacity", type=float, default=1000.0, help="MW scored for the top-cells table")
    parser.add_argument("--top-share", type=float, default=0.01)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    for _ in demo_layers_import():  # unchanged files are skipped by checksum
        pass
    started = time.perf_counter()
    after_snapshot = get_snapshot()
    vintages = {e["kind"]: e["vintage"] for e in manifest_entries()}
    after = national_screen(after_snapshot, args.cell_km, args.capacity)
    before = national_screen(gridkit_only(after_snapshot), args.cell_km, args.capacity)
    print(f"National {args.cell_km:g} km screen: {len(after['ids']):,} cells inside US counties; "
          f"HIFLD lines {vintages['hifld_lines']}, GridKit {vintages['hv_lines']}.\n")  # fmt: skip
    print("Share of cells whose nearest AC line of at least 345 kV is within the distance:\n")
    print("\n".join(coverage_table(before, after)))
    print(f"\nWhere the top {100 * args.top_share:g} % of eligible cells lie (default scenario, "
          f"{args.capacity:g} MW, seed 0, {settings.SCORING_DRAWS} draws):\n")  # fmt: skip
    print("\n".join(top_table(before, after, args.top_share)))
    print('\nPrice escalation to the common year (docs/layers.md, "Prices and their vintage"):\n')
    print("\n".join(escalation_lines(after_snapshot)))
    print(f"\n({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
