#!/usr/bin/env bash
# Serve the web pages, admin and API as a deployment does: DEBUG off, gunicorn (config/gunicorn.conf.py),
# static files from WhiteNoise, a bounded number of database connections. Used by `make demo`.
# Plain http on loopback is the one difference from a deployment behind TLS: no HTTPS redirect, no Secure-only
# cookies (a browser would not send them back over http). Set SITESEL_BIND (default 127.0.0.1:8000).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .run/env ] && [ -z "${DATABASE_URL:-}" ] && source .run/env  # shellcheck disable=SC1091
unset DJANGO_DEBUG
export DJANGO_SETTINGS_MODULE=config.settings.base
export DJANGO_SECURE_SSL_REDIRECT=${DJANGO_SECURE_SSL_REDIRECT:-false}
export DJANGO_SECURE_COOKIES=${DJANGO_SECURE_COOKIES:-false}
export DJANGO_DB_APPLICATION_NAME=${DJANGO_DB_APPLICATION_NAME:-sitesel-web}
export SITESEL_BIND=${SITESEL_BIND:-127.0.0.1:8000}
host=${SITESEL_BIND%:*}
export DJANGO_ALLOWED_HOSTS=${DJANGO_ALLOWED_HOSTS:-$host,127.0.0.1,localhost}
exec .venv/bin/gunicorn -c config/gunicorn.conf.py config.wsgi:application
