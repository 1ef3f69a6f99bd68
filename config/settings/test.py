"""The test suite: fast hashing, local e-mail outbox, a SQLite file the live server can share."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret-4d1e8c")

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES, REDIS_URL, REST_FRAMEWORK, VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The hubs of the in-process socket tests do not read relayed events; the tests of the worker turn it on.
LIVE_RELAY_POLL_SECONDS = 0

# No per-member write limits: the suite (and the in-process benchmarks) write far faster than any
# member; the tests of the limits set their own, low ones.
WRITE_RATE_LIMITS: dict = {}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"writes": None}}
# Nor new-account limits: every test member is made a moment before it posts; their tests set 24 hours.
NEW_ACCOUNT_HOURS = 0

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so a daphne process started by the browser tests sees the same data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

if not REDIS_URL:
    # A cache the browser tests' forked daphne shares with the tests, as Redis is on the PostgreSQL
    # run: clearing it between tests resets the server's sign-in rate-limit counters too.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / f"test-cache-{os.getpid()}"),
        }
    }
