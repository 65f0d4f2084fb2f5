#!/usr/bin/env bash
# Install what a fresh Debian/Ubuntu machine lacks, build the virtualenv, start the services.
# Safe to re-run: each step checks before it acts.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
pg_major=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$pg_major" ]; then
  need_apt+=(postgresql postgresql-client)
elif ! dpkg -s "postgresql-$pg_major-postgis-3" >/dev/null 2>&1; then
  need_apt+=("postgresql-$pg_major-postgis-3")
fi
command -v redis-server >/dev/null || need_apt+=(redis-server)
command -v psql >/dev/null || need_apt+=(postgresql-client)
python3 -c "import venv, ensurepip" 2>/dev/null || need_apt+=(python3-venv)
command -v make >/dev/null || need_apt+=(make)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)  # the browser tests (tests/web) drive Debian's Chromium

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "Missing system packages: ${need_apt[*]} (run as root or install them with apt-get)" >&2; exit 1
  fi
  echo "Installing system packages: ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  if [ -z "$pg_major" ]; then  # PostgreSQL was just installed: now add PostGIS for its major version
    pg_major=$(ls /usr/lib/postgresql | sort -V | tail -1)
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$pg_major-postgis-3" >/dev/null
  fi
fi

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
req_hash=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat .venv/.requirements.sha256 2>/dev/null)" != "$req_hash" ]; then
  echo "Installing Python requirements into .venv"
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
  echo "$req_hash" > .venv/.requirements.sha256
fi

bash scripts/services.sh
# This machine's secret key for production-mode runs (make demo; base settings read it when DJANGO_SECRET_KEY
# is unset). Made once, readable by its owner only.
[ -s .run/secret-key ] || (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(50))' > .run/secret-key)
