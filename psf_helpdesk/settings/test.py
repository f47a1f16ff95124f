"""Tests: fast hashing, mail in memory. DATABASE_URL/REDIS_URL still switch to real services."""

import os
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .base import CACHES, CELERY_BROKER_URL, REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
OUTBOX_RETRY_BASE_SECONDS = 0
# Every test client loads the middleware afresh, and WhiteNoise would index every static file
# each time (about 15 ms, some 900 times a run). As in dev.py (DEBUG on), it looks a file up when
# one is asked for instead; no test here asks for one (the prod headers test has its own settings).
WHITENOISE_AUTOREFRESH = True
# As dev.py: the suite runs on a per-process cache unless REDIS_URL is set; the same list either
# way.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001", "models.W040"]


def worker_redis_url(url: str, worker: int) -> str:
    """pytest-xdist: worker gwN uses the Redis database N below the one REDIS_URL names (tests
    flush the cache, and count what reaches the broker: workers must not share one)."""
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) - worker
    if number < 0:
        raise ImproperlyConfigured(
            f"{url} leaves no Redis database for test worker gw{worker}: name a database "
            "numbered at least the number of workers minus one (e.g. /15)."
        )
    return urlunsplit(parts._replace(path=f"/{number}"))


# Each xdist worker (PYTEST_XDIST_WORKER=gw0, gw1...; pytest-django gives each its own test
# database too) has its own Redis database, for the cache and the broker alike.
if REDIS_URL and os.environ.get("PYTEST_XDIST_WORKER"):
    _worker = int(os.environ["PYTEST_XDIST_WORKER"].removeprefix("gw"))
    if CELERY_BROKER_URL == REDIS_URL:
        CELERY_BROKER_URL = worker_redis_url(REDIS_URL, _worker)
    REDIS_URL = worker_redis_url(REDIS_URL, _worker)
    CACHES["default"]["LOCATION"] = REDIS_URL

# Browser tests (`make e2e`) keep the SQLite test database in a file: the live server answers in
# threads, and with an in-memory database Django gives them all one shared connection, which
# breaks when a page loads several authenticated pictures at once (the Insights charts).
_E2E_DATABASE = os.environ.get("E2E_TEST_DATABASE", "")
if _E2E_DATABASE and DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": _E2E_DATABASE}
