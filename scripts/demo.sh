#!/usr/bin/env bash
# The demo: set up, load the real data, start Celery worker + beat, run the main job, serve :8000 as a deployment
# does (DEBUG off, gunicorn: scripts/serve.sh). Every command runs with the production settings.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck disable=SC1091
source .run/env
unset DJANGO_DEBUG
# The demo's stand-in supplier feed server runs on loopback; allow it (and only it) for this run.
export SUPPLIER_FEED_ALLOW_PRIVATE=true SUPPLIER_FEED_ALLOWED_HOSTS=127.0.0.1
export ORCHESTRATION_ALERT_WEBHOOK_URL=http://127.0.0.1:8765/alerts
PY=.venv/bin/python
CELERY=.venv/bin/celery
HOST=${DEMO_HOST:-127.0.0.1}
PORT=${DEMO_PORT:-8000}

stop_pid() { if [ -f "$1" ]; then kill "$(cat "$1")" 2>/dev/null || true; rm -f "$1"; fi; }
cleanup() { stop_pid .run/worker.pid; stop_pid .run/beat.pid; stop_pid .run/feeds.pid; }

$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0

cleanup  # a re-run replaces the worker and beat of an earlier run
trap cleanup EXIT
$CELERY -A config worker -l info --concurrency 2 --pidfile .run/worker.pid --logfile .run/worker.log --detach
$CELERY -A config beat -l info --pidfile .run/beat.pid --logfile .run/beat.log --detach \
  --scheduler django_celery_beat.schedulers:DatabaseScheduler
echo "Celery worker and beat started (logs: .run/worker.log, .run/beat.log)"

# The main job (the compose file's `seed` service runs the same command): layers, sites, accounts, a scoring
# run through the worker (reused when still current), the demo program. A re-run imports nothing.
$PY manage.py demo_seed
# The stand-in supplier feed server serves feeds for the program just loaded.
$PY manage.py orchestration_feed_server --port 8765 > .run/feeds.log 2>&1 &
echo $! > .run/feeds.pid
for _ in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:8765/ && break; sleep 0.2; done
$PY manage.py orchestration_check_via_beat --timeout 180
$PY manage.py orchestration_demo_report

if [ "${DEMO_SERVE:-1}" = 1 ]; then
  serving="is serving on"; stop="Press Ctrl-C to stop (the worker and beat stop with it)."
else
  serving="would serve on"; stop="Not serving (DEMO_SERVE=0): the worker, beat and feed server stop now."
fi
cat <<TXT

sitesel $serving http://$HOST:$PORT/ (gunicorn, production settings: scripts/serve.sh)
  Log in:   http://$HOST:$PORT/login/   user planner   password $(cat .run/planner-password)
            (admin: http://$HOST:$PORT/admin/   user admin   password $(cat .run/admin-password))
            (read-only: user viewer   password $(cat .run/viewer-password); API only, its own supplier's rows:
             user supplier   password $(cat .run/supplier-password))
  Pages:    http://$HOST:$PORT/map/   http://$HOST:$PORT/runs/   http://$HOST:$PORT/programs/
  API:      http://$HOST:$PORT/api/v1/sites/   docs: http://$HOST:$PORT/api/docs/
  Token:    curl -s -X POST http://$HOST:$PORT/api/v1/auth/login/ -H 'Content-Type: application/json' \\
              -d '{"username": "planner", "password": "$(cat .run/planner-password)"}'
$stop
TXT
[ "${DEMO_SERVE:-1}" = 1 ] || exit 0
SITESEL_BIND="$HOST:$PORT" bash scripts/serve.sh
