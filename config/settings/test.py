"""Test settings: only what must differ from base. Services stay real (PostGIS, Redis)."""

import os

# Tests run with the development defaults (base.py turns DEBUG off unless told); subprocesses they start inherit it.
# The production mode itself is tested by starting it: tests/security/test_production_server.py.
os.environ.setdefault("DJANGO_DEBUG", "true")

from config.settings.base import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests hit Redis for real but on their own logical DB so a dev server's data is untouched.
REDIS_URL = env.str("TEST_REDIS_URL", default=REDIS_URL.rsplit("/", 1)[0] + "/15")  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
# The throttle cache is shared by every test in a run; tests of the limit itself lower it. (DEBUG on: the
# browsable API is served as in development, so the authorization matrix covers its HTML too.)
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"expensive": "10000/minute"}}  # noqa: F405

# --- orchestration (test-only) ---------------------------------------------------------------------
# Loopback is allowed so tests can run a real HTTP server on 127.0.0.1; fast retries and timeouts.
SUPPLIER_FEED_ALLOW_PRIVATE = True
SUPPLIER_FEED_ALLOWED_HOSTS = ["127.0.0.1", "feeds.example.com"]
SUPPLIER_FEED_CONNECT_TIMEOUT = 2.0
SUPPLIER_FEED_READ_TIMEOUT = 0.5
SUPPLIER_FEED_TOTAL_TIMEOUT = 5.0
SUPPLIER_FEED_ATTEMPTS = 3
SUPPLIER_FEED_BACKOFF = 0.01
SUPPLIER_FEED_BACKOFF_MAX = 0.05
SUPPLIER_FEED_MAX_BYTES = 64 * 1024
ORCHESTRATION_ALERT_EMAILS = ["planners@example.com"]
# --- end orchestration ----------------------------------------------------------------------------
