"""Settings shared by every environment; every value can come from the environment.

dev.py, test.py and prod.py only change defaults; README.md ("Configuration") lists the
variables. Django's own settings are here, the rest by concern in the modules imported at the
end: auth, security, mail, background (Celery), logs and helpdesk (the PSF's periods and limits).
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Lowest layer first (docs/architecture.md, "The layers").
INSTALLED_APPS = [
    "common.admin.StaffAdminConfig",  # django.contrib.admin, titled in staff's words
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # the GIN index of role search (built on PostgreSQL only)
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_ratelimit",
    "accounts",
    "notifications",
    "attachments",  # files on requests, replies and notes: checked, scanned, kept privately
    "mail_in",  # psf@ mail in: the IMAP and webhook doors, threads, loops, bounces, quarantine
    "help_requests",
    "funding",  # funding requests: budgets, the PSF's rules, review rounds, decisions
    "volunteers",
    "insights",  # the staff and board dashboard: charts of help, roles, the pool, funding
    "privacy",  # /privacy/: what is kept and for how long; export, erasure, retention
    "psf_helpdesk",  # project-wide management commands (seed_demo)
]

MIDDLEWARE = [
    "common.logs.RequestLogMiddleware",  # first: every log line of a request carries its id
    "common.errors.DatabaseDownMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After allauth's: staff sessions time out, and staff use MFA before anything else.
    "accounts.middleware.StaffSessionMiddleware",
    "accounts.middleware.StaffMFARequiredMiddleware",
    # Turns django-ratelimit's Ratelimited into RATELIMIT_VIEW's 429 page.
    "django_ratelimit.middleware.RatelimitMiddleware",
]

# Uploads: the attachment limits first, enforced while the body streams (attachments/uploads.py);
# then Django's own, so a file over 2.5 MB streams to a temporary file rather than to memory.
FILE_UPLOAD_HANDLERS = [
    "attachments.uploads.UploadLimitsHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

ROOT_URLCONF = "psf_helpdesk.urls"
WSGI_APPLICATION = "psf_helpdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.staff_mfa",
                "attachments.context_processors.attachment_scanning",
            ],
            "libraries": {"form_cache": "common.form_cache", "dates": "common.date_filters"},
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (prod: 60 s), checked before each request reuses one, so a restarted
# database costs no failed request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is optional: without it the cache is per-process (and Celery has no broker: see
# background.py).
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                # A Redis outage must not turn pages into 500s: every cache call then answers as
                # a miss, so rate limits fail open (logged as cache.unavailable; README).
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Drawn form fields (common/form_cache.py): the same for every process, so each keeps its own.
CACHES["forms"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "forms",
    "OPTIONS": {"MAX_ENTRIES": 1000},
}
# The Insights dashboard's figures, for INSIGHTS_CACHE_SECONDS (insights/selectors/__init__.py).
CACHES["insights"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "insights",
    "OPTIONS": {"MAX_ENTRIES": 500},
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "cache.unavailable"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Our wording of third-party text (allauth's labels and titles, in sentence case).
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside production WhiteNoise serves straight from static/ (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Attachments: private, outside every static or media URL; served only by the checking view.
    "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env.path("ATTACHMENT_ROOT", default=BASE_DIR / "var" / "attachments"),
            "base_url": None,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
    # Raw incoming mail (mail_in): private in the same way, deleted after MAIL_RETENTION_DAYS.
    "mail": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env.path("MAIL_ROOT", default=BASE_DIR / "var" / "mail"),
            "base_url": None,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# System checks silenced: none here. Each environment's module states its own list.
SILENCED_SYSTEM_CHECKS: list[str] = []

from .auth import *  # noqa: E402
from .background import *  # noqa: E402
from .helpdesk import *  # noqa: E402
from .logs import *  # noqa: E402
from .mail import *  # noqa: E402
from .security import *  # noqa: E402
