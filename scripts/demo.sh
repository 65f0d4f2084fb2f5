#!/usr/bin/env bash
# The demo: set up, load the real data, start Celery worker + beat, run the main job, serve :8000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck disable=SC1091
source .run/env
PY=.venv/bin/python
CELERY=.venv/bin/celery
HOST=${DEMO_HOST:-127.0.0.1}
PORT=${DEMO_PORT:-8000}

stop_pid() { [ -f "$1" ] && kill "$(cat "$1")" 2>/dev/null; rm -f "$1"; return 0; }
cleanup() { stop_pid .run/worker.pid; stop_pid .run/beat.pid; }

$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
$PY manage.py demo_setup

cleanup  # a re-run replaces the worker and beat of an earlier run
trap cleanup EXIT
$CELERY -A config worker -l info --concurrency 2 --pidfile .run/worker.pid --logfile .run/worker.log --detach
$CELERY -A config beat -l info --pidfile .run/beat.pid --logfile .run/beat.log --detach \
  --scheduler django_celery_beat.schedulers:DatabaseScheduler
echo "Celery worker and beat started (logs: .run/worker.log, .run/beat.log)"

$PY manage.py demo_report
echo
echo "Scoring every candidate site for 50 MW and 1 GW through the Celery worker:"
$PY manage.py score_sites --top 10

cat <<TXT

sitesel is serving on http://$HOST:$PORT/
  Log in:   http://$HOST:$PORT/admin/   user admin   password $(cat .run/admin-password)
            (planner account: user planner, password $(cat .run/planner-password))
  API:      http://$HOST:$PORT/api/v1/sites/   docs: http://$HOST:$PORT/api/docs/
  Token:    curl -s -X POST http://$HOST:$PORT/api/v1/auth/login/ -H 'Content-Type: application/json' \\
              -d '{"username": "planner", "password": "$(cat .run/planner-password)"}'
Press Ctrl-C to stop (the worker and beat stop with it).
TXT
[ "${DEMO_SERVE:-1}" = 1 ] || exit 0
$PY manage.py runserver "$HOST:$PORT" --noreload
