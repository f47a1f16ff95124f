"""`make bench`: production settings, plus the reference views and the bench's own task.

Everything else is production's: DEBUG off, persistent connections, Postgres, Redis, the
manifest static storage (the bench runs collectstatic into var/bench/static first).
"""

from copy import deepcopy

from psf_helpdesk.settings.prod import *  # noqa: F403
from psf_helpdesk.settings.prod import BASE_DIR, TEMPLATES

ROOT_URLCONF = "tests.load.urls"
STATIC_ROOT = BASE_DIR / "var" / "bench" / "static"
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
LOGGING = {"version": 1, "disable_existing_loggers": False}  # measure the app, not the console
CELERY_IMPORTS = ["tests.load.tasks"]
TEMPLATES = deepcopy(TEMPLATES)
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "tests" / "load" / "templates"]
# Plain HTTP on loopback: cookies without the Secure flag (and so without the __Host- prefix),
# or the load generator's client would never send them back. No effect on the work measured.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME, CSRF_COOKIE_NAME = "sessionid", "csrftoken"
