"""Profile one national-screen chunk in-process: where a worker's time goes (measures, economics, archive).

    .venv/bin/python manage.py shell -c "import runpy; runpy.run_path('bench/profile_national_chunk.py')"

Uses the layers of the database it runs on (import them first: `manage.py import_demo_layers`). Takes one chunk of
SCORING_CELLS_PER_CHUNK cells of the 5 km grid across the middle of the country (mostly land), drops the cells in no
US county, measures and prices the rest for 50 MW and 1 GW (SCORING_DRAWS draws) and packs the archive, as
`scoring_chunk_compute` does; prints the time, the archive size and the 30 costliest calls.
"""

import cProfile
import pstats
import time

from django.conf import settings

from sitesel.domain.parameters import DEFAULT_PARAMETERS
from sitesel.scoring_runs.compute import NATIONAL_LINE_KM_STEP, compute_chunk, within_counties
from sitesel.scoring_runs.grid import cell_points, conus_grid
from sitesel.scoring_runs.store import chunk_arrays, pack_chunk
from sitesel.spatial.snapshot import get_snapshot

snapshot = get_snapshot()
grid = conus_grid(5.0)
start = (grid.rows // 2) * grid.columns
profile = cProfile.Profile()
started = time.perf_counter()
profile.enable()
points = within_counties(snapshot, cell_points(grid, start, start + settings.SCORING_CELLS_PER_CHUNK))
draws, step = settings.SCORING_DRAWS, NATIONAL_LINE_KM_STEP
rows = compute_chunk(snapshot, points, [50.0, 1000.0], DEFAULT_PARAMETERS, 0, draws, step)
payload = pack_chunk(chunk_arrays(rows, keep_unlocated=False))
profile.disable()
print(f"{settings.SCORING_CELLS_PER_CHUNK} cells, {len(points.ids)} in US counties: "
      f"{time.perf_counter() - started:.2f} s, archive {len(payload) // 1024} KiB")  # fmt: skip
pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
