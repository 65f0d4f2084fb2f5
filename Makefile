.PHONY: demo test setup drills audit
# Quick start: `make demo` (set up, load real data, run the main job, serve on :8000), `make test`.

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

setup:
	bash scripts/setup.sh

# Fault drills (docs/reliability.md §4): kill -9 workers, Redis and PostgreSQL on private instances; two beats.
drills:
	bash scripts/setup.sh >/dev/null && . .run/env && .venv/bin/python bench/drills

# Known vulnerabilities in every installed package (docs/reliability.md §7); needs PyPI's JSON API or OSV.
audit:
	bash scripts/audit.sh
