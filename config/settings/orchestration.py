"""Settings of the orchestration app (supplier feeds, alerts). Imported at the end of base.py.

Every value can be set from the environment; docs/supplier-feeds.md explains the feed rules.
"""

from pathlib import Path

import environ

_env = environ.Env()
_env.smart_cast = False

# --- outbound HTTP (orchestration/outbound.py) ---------------------------------------------------
# Hosts a supplier's JSON feed may be on (exact names, or ".example.com" for a domain and its
# subdomains). A supplier's own `feed_allowed_host` must also match: both lists must agree.
SUPPLIER_FEED_ALLOWED_HOSTS = _env.list("SUPPLIER_FEED_ALLOWED_HOSTS", default=[])
SUPPLIER_FEED_ALLOWED_PORTS = [int(p) for p in _env.list("SUPPLIER_FEED_ALLOWED_PORTS", default=["443"])]
# Admit loopback addresses (127.0.0.0/8, ::1) and plain http to them: local tests and the demo's
# stand-in feed server only. Other private, link-local and metadata addresses stay refused.
SUPPLIER_FEED_ALLOW_PRIVATE = _env.bool("SUPPLIER_FEED_ALLOW_PRIVATE", default=False)
SUPPLIER_FEED_CONNECT_TIMEOUT = _env.float("SUPPLIER_FEED_CONNECT_TIMEOUT", default=5.0)
SUPPLIER_FEED_READ_TIMEOUT = _env.float("SUPPLIER_FEED_READ_TIMEOUT", default=15.0)
SUPPLIER_FEED_TOTAL_TIMEOUT = _env.float("SUPPLIER_FEED_TOTAL_TIMEOUT", default=60.0)
SUPPLIER_FEED_MAX_BYTES = _env.int("SUPPLIER_FEED_MAX_BYTES", default=5 * 1024 * 1024)
SUPPLIER_FEED_ATTEMPTS = _env.int("SUPPLIER_FEED_ATTEMPTS", default=4)
SUPPLIER_FEED_BACKOFF = _env.float("SUPPLIER_FEED_BACKOFF", default=1.0)  # seconds, doubled per attempt
SUPPLIER_FEED_BACKOFF_MAX = _env.float("SUPPLIER_FEED_BACKOFF_MAX", default=30.0)

# --- CSV ship-notice drops -----------------------------------------------------------------------
# A supplier's `feed_csv_dir` is relative to this root; nothing outside it is ever read.
SUPPLIER_CSV_DROP_ROOT = Path(
    _env.str("SUPPLIER_CSV_DROP_ROOT", default=str(Path(__file__).resolve().parents[2] / ".run" / "supplier-drops"))
)

# --- scheduled checks ------------------------------------------------------------------------------
# Two firings of a supplier's scheduled check less than this apart are one check (two beat
# processes, or a re-sent schedule): the second is a no-op. Schedules must be longer than this.
SUPPLIER_CHECK_DEDUP_SECONDS = _env.int("SUPPLIER_CHECK_DEDUP_SECONDS", default=240)

# --- alerts ----------------------------------------------------------------------------------------
ORCHESTRATION_ALERT_EMAILS = _env.list("ORCHESTRATION_ALERT_EMAILS", default=[])
ORCHESTRATION_ALERT_FROM_EMAIL = _env.str("ORCHESTRATION_ALERT_FROM_EMAIL", default="sitesel-alerts@localhost")
# Webhook receiving alerts as JSON POSTs, through the same hardened client (its host is its allow-list).
ORCHESTRATION_ALERT_WEBHOOK_URL = _env.str("ORCHESTRATION_ALERT_WEBHOOK_URL", default="")

# --- forecast ----------------------------------------------------------------------------------------
# Supplier de-rating (orchestration.domain.reliability): closed deliveries needed before a record counts.
ORCHESTRATION_DERATE_MIN_HISTORY = _env.int("ORCHESTRATION_DERATE_MIN_HISTORY", default=5)
ORCHESTRATION_DERATE_GRACE_DAYS = _env.int("ORCHESTRATION_DERATE_GRACE_DAYS", default=0)

# --- program risk (orchestration.domain.scorecards, risk) -------------------------------------------
# A supplier with an on-time rate under this (and at least ORCHESTRATION_DERATE_MIN_HISTORY closed deliveries)
# is flagged on its scorecard and when a new contract is placed with it.
ORCHESTRATION_SCORECARD_ON_TIME_THRESHOLD = _env.float("ORCHESTRATION_SCORECARD_ON_TIME_THRESHOLD", default=0.8)
# Pseudo-deliveries of the category prior a supplier's own slip history is weighed against (n / (n + k)).
ORCHESTRATION_RISK_PRIOR_STRENGTH = _env.float("ORCHESTRATION_RISK_PRIOR_STRENGTH", default=5.0)
# Probability that a delivery takes its supplier's shared slip level in a draw (correlation within a supplier).
ORCHESTRATION_RISK_SUPPLIER_SHARE = _env.float("ORCHESTRATION_RISK_SUPPLIER_SHARE", default=0.7)
