.PHONY: demo test setup
# Quick start: `make demo` (set up, load real data, run the main job, serve on :8000), `make test`.

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

setup:
	bash scripts/setup.sh
