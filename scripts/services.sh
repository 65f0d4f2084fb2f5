#!/usr/bin/env bash
# Make sure PostgreSQL + PostGIS and Redis are reachable; write their URLs to .run/env.
# Order of preference: DATABASE_URL / REDIS_URL when set and reachable; the machine's services on
# 127.0.0.1:5432 / 6379; otherwise project-local instances under .run/ on ports 55432 / 56379.
set -euo pipefail
export PGOPTIONS="--client-min-messages=warning"
cd "$(dirname "$0")/.."
ROOT=$PWD
RUN="$ROOT/.run"
mkdir -p "$RUN"

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

db_reachable() {  # $1 = URL
  psql "$1" -Atqc "select 1" >/dev/null 2>&1
}

as_postgres() {  # initdb and pg_ctl refuse to run as root
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_database_url() {
  local url="${DATABASE_URL:-}"
  if [ -n "$url" ]; then
    local admin="${url/postgis:/postgres:}"
    if db_reachable "${admin%/*}/postgres" || db_reachable "$admin"; then echo "$url"; return; fi
    echo "DATABASE_URL is set but not reachable: $url" >&2
  fi
  if ! db_reachable "postgres://postgres@127.0.0.1:5432/postgres" && [ "$(id -u)" = 0 ] \
      && command -v pg_ctlcluster >/dev/null && [ -n "$(ls /etc/postgresql 2>/dev/null)" ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start >/dev/null 2>&1 || true
  fi
  if db_reachable "postgres://postgres@127.0.0.1:5432/postgres"; then
    echo "postgis://postgres@127.0.0.1:5432/sitesel"; return
  fi
  # Project-local cluster.
  local bin; bin=$(pg_bin)
  [ -n "$bin" ] || { echo "no PostgreSQL server binaries found" >&2; exit 1; }
  if [ ! -f "$RUN/pgdata/PG_VERSION" ]; then
    mkdir -p "$RUN/pgdata" && [ "$(id -u)" = 0 ] && chown postgres "$RUN/pgdata" "$RUN"
    as_postgres "$bin/initdb" -D "$RUN/pgdata" -U postgres --auth=trust >/dev/null
  fi
  if ! db_reachable "postgres://postgres@127.0.0.1:55432/postgres"; then
    as_postgres "$bin/pg_ctl" -D "$RUN/pgdata" -l "$RUN/postgres.log" -w \
      -o "-p 55432 -k $RUN -c listen_addresses=127.0.0.1" start >/dev/null
  fi
  echo "postgis://postgres@127.0.0.1:55432/sitesel"
}

ensure_redis_url() {
  local url="${REDIS_URL:-}"
  if [ -n "$url" ] && redis-cli -u "$url" ping >/dev/null 2>&1; then echo "$url"; return; fi
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then echo "redis://127.0.0.1:6379/0"; return; fi
  if ! redis-cli -h 127.0.0.1 -p 56379 ping >/dev/null 2>&1; then
    redis-server --port 56379 --bind 127.0.0.1 --daemonize yes --save "" --appendonly no \
      --dir "$RUN" --logfile "$RUN/redis.log" --pidfile "$RUN/redis.pid"
    for _ in $(seq 50); do redis-cli -p 56379 ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  echo "redis://127.0.0.1:56379/0"
}

DATABASE_URL=$(ensure_database_url)
REDIS_URL=$(ensure_redis_url)
ADMIN_URL="${DATABASE_URL/postgis:/postgres:}"
DB_NAME="${ADMIN_URL##*/}"
psql "${ADMIN_URL%/*}/postgres" -Atqc "select 1 from pg_database where datname='$DB_NAME'" | grep -q 1 \
  || psql "${ADMIN_URL%/*}/postgres" -qc "create database \"$DB_NAME\""
# Test databases are created from template1, so PostGIS goes there too (pytest-django creates test_<db>).
psql "${ADMIN_URL%/*}/template1" -qc "create extension if not exists postgis" >/dev/null
psql "$ADMIN_URL" -qc "create extension if not exists postgis" >/dev/null
printf 'export DATABASE_URL=%q\nexport REDIS_URL=%q\n' "$DATABASE_URL" "$REDIS_URL" > "$RUN/env"
echo "PostgreSQL: $DATABASE_URL"
echo "Redis:      $REDIS_URL"
