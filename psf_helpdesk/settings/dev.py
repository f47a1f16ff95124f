"""Development: debug on by default, everything else from base."""

from .base import *
from .base import LOGGING, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Logs for a person at a terminal (LOG_FORMAT=json to see what production writes).
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # type: ignore[index]
# The embedded default's cache is per-process, so django-ratelimit's checks for a shared cache
# would fail `make run`; its counts are right for the one process there is. Silenced with or
# without REDIS_URL, so every dev run checks the same. models.W040: SQLite keeps the Insights
# indexes without their INCLUDE columns (a PostgreSQL feature; help_requests/models.py), which
# is all the embedded default needs.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001", "models.W040"]

# The demo staff member's password, set and printed by `manage.py seed_demo` (`make run`), so a
# newcomer can reach the admin at once. Only in these settings, and only with DEBUG on: never in
# prod.py, and seed_demo also checks DEBUG.
DEMO_STAFF_PASSWORD = "psf-demo-staff" if DEBUG else ""
