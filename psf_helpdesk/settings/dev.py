"""Development: debug on by default, everything else from base."""

from .base import *
from .base import LOGGING, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Logs for a person at a terminal (LOG_FORMAT=json to see what production writes).
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # type: ignore[index]

# The demo staff member's password, set and printed by `manage.py seed_demo` (`make run`), so a
# newcomer can reach the admin at once. Only in these settings, and only with DEBUG on: never in
# prod.py, and seed_demo also checks DEBUG.
DEMO_STAFF_PASSWORD = "psf-demo-staff" if DEBUG else ""
