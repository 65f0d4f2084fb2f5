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
exec .venv/bin/pytest "$@"
