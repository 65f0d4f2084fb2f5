"""gunicorn settings of every deployment: the Dockerfile, docker-compose, `make demo` and bench/bench_load.py.

gthread, 2 workers x 4 threads: the configuration measured in docs/reliability.md (Load) on 2 cores. Each
thread holds one persistent database connection (CONN_MAX_AGE), so the web server never holds more than
workers x threads = 8, however many clients connect; extra clients wait in the listen backlog instead.
"""

import os

bind = os.environ.get("SITESEL_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("SITESEL_WORKERS", "2"))
threads = int(os.environ.get("SITESEL_THREADS", "4"))
timeout = 60
# The same proxies the app trusts (DJANGO_TRUSTED_PROXIES, config/security/; none by default): gunicorn's own
# default would believe X-Forwarded-Proto from any loopback client.
forwarded_allow_ips = os.environ.get("DJANGO_TRUSTED_PROXIES", "")
