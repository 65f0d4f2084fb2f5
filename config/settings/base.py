"""Settings for every environment, driven by environment variables with safe defaults.

Production is the default: DEBUG is off unless DJANGO_DEBUG=true (development) or the test settings turn it on,
and the security settings switch on whenever DEBUG is off, so `check --deploy` passes. `make demo` serves this
way too, with gunicorn (config/gunicorn.conf.py).
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config.geolibs import configure_geo_libraries

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env.smart_cast = False

DEBUG = env.bool("DJANGO_DEBUG", default=False)


def _secret_key() -> str:
    """DJANGO_SECRET_KEY, else the file DJANGO_SECRET_KEY_FILE names (scripts/setup.sh writes .run/secret-key for a
    local machine), else, in development only, a fixed insecure key."""
    key = env.str("DJANGO_SECRET_KEY", default="")
    key_file = Path(env.str("DJANGO_SECRET_KEY_FILE", default=str(BASE_DIR / ".run" / "secret-key")))
    if not key and key_file.is_file():
        key = key_file.read_text().strip()
    if not key and DEBUG:
        key = "dev-only-insecure-key-" + "x" * 40
    if not key:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) must be set when DEBUG is off")
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Addresses (or networks) of the reverse proxies in front of the app. Only their X-Forwarded-* headers are
# believed (config/security/); from anyone else those headers are dropped. Empty: no proxy is trusted.
TRUSTED_PROXIES = env.list("DJANGO_TRUSTED_PROXIES", default=[])

_geo = configure_geo_libraries()
GDAL_LIBRARY_PATH = _geo["GDAL_LIBRARY_PATH"]
GEOS_LIBRARY_PATH = _geo["GEOS_LIBRARY_PATH"]

INSTALLED_APPS = [
    # Before the admin: its templates add an "Events" (change log) button to every audited object's page.
    "pghistory.admin",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "rest_framework_gis",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "leaflet",
    "axes",
    "csp",
    # Change log (docs/audit.md): triggers (pgtrigger), history rows (pghistory) and their admin.
    "pgtrigger",
    "pghistory",
    "config.security",
    "sitesel",
    "orchestration",
    "changelog",
]

MIDDLEWARE = [
    "config.security.middleware.UntrustedProxyHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who and why for the change log: the user, the URL and an X-Change-Reason header (changelog/context.py).
    "changelog.context.ChangeContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.security.csp.PageCSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its 429 (config/security/lockout.py).
    "axes.middleware.AxesMiddleware",
]

# The change log names the user of writes only; reads change nothing (changelog/context.py).
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL",
        default="postgis://postgres@127.0.0.1:5432/sitesel",
        engine="django.contrib.gis.db.backends.postgis",
    )
}
# Transactions belong to services (docs/decisions.md), not to whole requests.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections, one per serving thread: gunicorn's fixed pool (config/gunicorn.conf.py, workers x threads)
# bounds the web's connections at 8, whatever the number of clients. The name shows them in pg_stat_activity.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["OPTIONS"] = {"application_name": env.str("DJANGO_DB_APPLICATION_NAME", default="sitesel")}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGOUT_REDIRECT_URL = "/login/"
# django-axes checks every authenticate() call (the API token login, /login/ and /admin/login/): after
# LOGIN_FAILURE_LIMIT failures for one username, or from one client address, further sign-ins there are refused
# with a 429 for LOGIN_LOCKOUT_MINUTES (each new failure restarts the wait). docs/decisions.md says why axes.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.security.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "config.security.lockout.lockout_response"
AXES_VERBOSE = False
# Planner sessions end after SESSION_IDLE_HOURS without a request (sliding: each request renews them). They live
# in the Redis cache, so renewing one costs no database write on every page (a Redis restart signs people out).
SESSION_ENGINE = "django.contrib.sessions.backends.cache"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_HOURS", default=8) * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # WhiteNoise serves static files from gunicorn too (docker-compose), with no CDN.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Upload limits (OWASP API4): requests bigger than this are refused before parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.api.authentication.TokenAuthentication",  # knox, one query per request
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["config.api.permissions.ReadOnlyOrPlanner"],
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.BoundedPageNumberPagination",
    # JSON with a nesting limit and no NUL characters (config/api/parsers.py); forms for the browsable API.
    "DEFAULT_PARSER_CLASSES": [
        "config.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
    # The browsable HTML API only in development (docs/decisions.md); deployments answer JSON.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if env.bool("API_BROWSABLE", default=DEBUG) else []),
    ],
    # Reads that cost seconds (the results CSV, a program's forecast) are limited per user: 429 + Retry-After
    # (config/api/throttling.py). Logins are limited by django-axes above, not here.
    "DEFAULT_THROTTLE_RATES": {"expensive": env.str("API_EXPENSIVE_READ_RATE", default="20/minute")},
}
# knox stores only a hash of each token and expires it (docs/decisions.md).
REST_KNOX = {"TOKEN_TTL": timedelta(hours=env.int("API_TOKEN_TTL_HOURS", default=24 * 30)), "AUTO_REFRESH": False}
SPECTACULAR_SETTINGS = {
    "TITLE": "sitesel API",
    "DESCRIPTION": "Where to build AI compute capacity, and how to get it live.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema, Swagger UI and Redoc need a signed-in user, like every other endpoint.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Error responses every operation can give (401, 403, 404, ...), added where a view does not declare them.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.schema.add_error_responses",
    ],
    # Several models have a `status` or `state` field; explicit enum names keep the schema stable and
    # `spectacular --fail-on-warn` clean.
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "sitesel.models.Site.Status",
        "BlockStateEnum": "orchestration.models.choices.State",
        "DeliveryStatusEnum": "orchestration.models.Delivery.Status",
        "FeedReviewStatusEnum": "orchestration.models.FeedReview.Status",
        "SupplierCheckRunStatusEnum": "orchestration.models.SupplierCheckRun.Status",
        "ShipNoticeStatusEnum": "orchestration.models.Delivery.NoticeStatus",
        "AlignmentStatusEnum": "orchestration.api.programs.serializers.ALIGNMENT_STATUSES",
        "FeedReviewClosingStatusEnum": "orchestration.api.suppliers.serializers.REVIEW_CLOSING_STATUSES",
    },
}

# Content-Security-Policy (django-csp) on every response: scripts, styles, images and requests from this site
# only; no inline script or style (the pages keep theirs in static files). The admin's and the API docs' pages
# get the additions they need in config/security/csp.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The admin map draws our own boundary layers; no tile server, so it works offline.
LEAFLET_CONFIG = {"TILES": [], "DEFAULT_CENTER": (39.5, -98.35), "DEFAULT_ZOOM": 4, "MIN_ZOOM": 2}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# Redis re-delivers unacked tasks after this; it must exceed the longest task (docs/decisions.md).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
# The sweeper (core/sweeper.py), a beat task every SWEEPER_INTERVAL_SECONDS, re-enqueues scoring
# runs and supplier checks that showed no progress (heartbeat) for WORK_LEASE_SECONDS: a whole worker killed
# with SIGKILL leaves its message unacked until the visibility timeout above, and a Redis restart without
# persistence loses queued messages. The lease must exceed the longest silent step: one scoring chunk, or a
# feed download (SUPPLIER_FEED_TOTAL_TIMEOUT). After SWEEPER_MAX_SWEEPS re-enqueues a run is failed.
WORK_LEASE_SECONDS = env.int("WORK_LEASE_SECONDS", default=300)
SWEEPER_INTERVAL_SECONDS = env.int("SWEEPER_INTERVAL_SECONDS", default=10)
SWEEPER_MAX_SWEEPS = env.int("SWEEPER_MAX_SWEEPS", default=5)

# Layer files and fixtures shipped with the product.
FIXTURES_DIR = BASE_DIR / "fixtures"
# A layer whose data (its vintage, not its import) is older than this many years is flagged stale in the
# API and the pages; so is a layer of unknown vintage (docs/layers.md).
LAYER_STALE_AFTER_YEARS = env.float("LAYER_STALE_AFTER_YEARS", default=5.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # django-axes logs every attempt at INFO; lockouts (WARNING) are what an operator needs.
    "loggers": {"axes": {"level": "WARNING"}},
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # Off only where the site is served over plain http on loopback (the demo); behind TLS they stay on.
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SESSION_COOKIE_HTTPONLY = True

from config.settings.orchestration import *  # noqa: E402, F403

# Scoring runs (sitesel/services/scoring_runs.py): chunk sizes and Monte Carlo draws per site.
SCORING_SITES_PER_CHUNK = env.int("SCORING_SITES_PER_CHUNK", default=5000)
SCORING_CELLS_PER_CHUNK = env.int("SCORING_CELLS_PER_CHUNK", default=20000)
SCORING_DRAWS = env.int("SCORING_DRAWS", default=500)
# The ranking step's seconds per million items (grid squares or sites), for the ETA of a running run: 3.0 s at
# 1 km with the split ranking (40.9 s for 13.5 M squares, quiet machine) on this 2-core machine
# (docs/performance.md).
SCORING_RANK_SECONDS_PER_MILLION_ITEMS = env.float("SCORING_RANK_SECONDS_PER_MILLION_ITEMS", default=3.0)
# National runs store as result rows the eligible cells in the national top N or in their state's top M (per
# capacity); every cell's score and rank stay in the run's chunk archives (docs/scoring-runs.md).
SCORING_NATIONAL_TOP_CELLS = env.int("SCORING_NATIONAL_TOP_CELLS", default=20000)
SCORING_NATIONAL_TOP_CELLS_PER_STATE = env.int("SCORING_NATIONAL_TOP_CELLS_PER_STATE", default=2000)
# Retention (beat task sitesel.scoring_runs_prune, nightly): the latest N ended runs of each scenario are kept,
# pinned runs forever.
SCORING_RUNS_KEEP_PER_SCENARIO = env.int("SCORING_RUNS_KEEP_PER_SCENARIO", default=10)
