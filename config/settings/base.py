"""Settings for every environment, driven by environment variables with safe local defaults.

Production differs only by environment (DJANGO_DEBUG=false, DJANGO_SECRET_KEY, ...); the
security settings switch on whenever DEBUG is off, so `check --deploy` passes with prod env.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config.geolibs import configure_geo_libraries

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env.smart_cast = False

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# The default key is only for local runs; with DEBUG off a real key is required.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="" if not DEBUG else "dev-only-insecure-key-" + "x" * 40)
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

_geo = configure_geo_libraries()
GDAL_LIBRARY_PATH = _geo["GDAL_LIBRARY_PATH"]
GEOS_LIBRARY_PATH = _geo["GEOS_LIBRARY_PATH"]

INSTALLED_APPS = [
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
    "sitesel",
    "orchestration",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
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
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
    # Password guessing on the token endpoint is slowed per client address (429 with Retry-After).
    # DRF throttles are not a security boundary on their own; an edge limit belongs in front too.
    "DEFAULT_THROTTLE_RATES": {"login": env.str("API_LOGIN_RATE", default="10/minute")},
}
# knox stores only a hash of each token and expires it (docs/decisions.md).
REST_KNOX = {"TOKEN_TTL": timedelta(hours=env.int("API_TOKEN_TTL_HOURS", default=24 * 30)), "AUTO_REFRESH": False}
SPECTACULAR_SETTINGS = {
    "TITLE": "sitesel API",
    "DESCRIPTION": "Where to build AI compute capacity, and how to get it live.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
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
        "ShipNoticeStatusEnum": "orchestration.services.deliveries.NOTICE_STATUSES",
        "AlignmentStatusEnum": "orchestration.api.serializers.ALIGNMENT_STATUSES",
        "FeedReviewClosingStatusEnum": "orchestration.api.serializers.REVIEW_CLOSING_STATUSES",
    },
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
# The sweeper (sitesel/services/sweeper.py), a beat task every SWEEPER_INTERVAL_SECONDS, re-enqueues scoring
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
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SESSION_COOKIE_HTTPONLY = True

from config.settings.orchestration import *  # noqa: E402, F403

# Scoring runs (sitesel/services/scoring.py): chunk sizes and Monte Carlo draws per site.
SCORING_SITES_PER_CHUNK = env.int("SCORING_SITES_PER_CHUNK", default=5000)
SCORING_CELLS_PER_CHUNK = env.int("SCORING_CELLS_PER_CHUNK", default=20000)
SCORING_DRAWS = env.int("SCORING_DRAWS", default=500)
