"""Profile one capacity step of a national run's split ranking in-process: where its time goes (read, score, write).

    .venv/bin/python manage.py shell -c "import runpy; runpy.run_path('bench/profile_national_rank.py')"

Uses the layers of the database it runs on (import them first: `manage.py import_demo_layers`). Creates a national
run of the default scenario on the PROFILE_CELL_KM grid (environment, default 5), computes and stores every chunk
in this process as the workers do, then profiles `scoring_run_rank_capacity` for the first capacity; prints the
step's own timings and the 40 calls with the most time of their own, and deletes the run.
"""

import cProfile
import os
import pstats
import time

from sitesel.models import ScoringRun
from sitesel.services.scoring_run_ranking import scoring_run_rank_capacity
from sitesel.services.scoring_runs import scoring_chunk_compute, scoring_run_create, scoring_run_execute

cell_km = float(os.environ.get("PROFILE_CELL_KM", "5"))
run = scoring_run_create(scenario=None, mode="national", cell_size_km=cell_km)
try:
    started = time.perf_counter()
    for index in scoring_run_execute(run_id=run.pk):
        scoring_chunk_compute(run_id=run.pk, index=index)
    print(f"{cell_km:g} km grid: chunks computed and stored in {time.perf_counter() - started:.1f} s")
    profile = cProfile.Profile()
    profile.enable()
    part = scoring_run_rank_capacity(run_id=run.pk, k=0)
    profile.disable()
    print(f"capacity step: {part.timings}")
    pstats.Stats(profile).sort_stats("tottime").print_stats(40)
finally:
    ScoringRun.objects.filter(pk=run.pk).delete()
