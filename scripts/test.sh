#!/usr/bin/env bash
# Run the whole test suite against real PostgreSQL/PostGIS and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
# shellcheck disable=SC1091
source .run/env
.venv/bin/ruff check .
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null
.venv/bin/python manage.py spectacular --validate --fail-on-warn --file .run/schema.yml
# The container stack cannot run here; keep its files correct: compose schema, Dockerfile lint (.hadolint.yaml).
.venv/bin/check-jsonschema -q --builtin-schema vendor.compose-spec docker-compose.yml
.venv/bin/hadolint Dockerfile
exec .venv/bin/pytest "$@"
