"""Settings shared by every environment; every value can come from the environment.

dev.py, test.py and prod.py only change defaults. See DESIGN.md section 5 for the env contract.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.csp import CSP
from pythonjsonlogger.core import RESERVED_ATTRS

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
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
    "help_requests",
    "funding",  # funding requests: budgets, the PSF's rules, review rounds, decisions
    "volunteers",
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

# Redis is optional: without it the cache is per-process and Celery runs tasks in-process.
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
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "cache.unavailable"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/me/"  # the adapter sends staff to the admin
ACCOUNT_SIGNUP_REDIRECT_URL = LOGIN_REDIRECT_URL

# django-allauth. E-mail is the login, every address is verified before use, and the library's
# protections (rate limits, no account enumeration) cover the admin too: /admin/login/ hands over
# to allauth's login (psf_helpdesk/urls.py).
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # mail scanners follow links; a button confirms
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True  # confirming from the sign-up browser signs you in
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True  # "e-mail me a sign-in code"; MFA still follows for staff
ACCOUNT_SESSION_REMEMBER = None  # people choose "keep me signed in"; staff sessions are capped
ACCOUNT_EMAIL_NOTIFICATIONS = True  # password, e-mail and MFA changes are reported by e-mail
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False  # stay signed in here; other sessions end
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}  # allauth's default, stated
# A new staff member types their password once: choosing it from the welcome e-mail signs them
# in, and MFA set-up right after takes that sign-in as the password check (AccountAdapter).
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True

MFA_ADAPTER = "accounts.adapters.MFAAdapter"
# A security key (WebAuthn) is the second choice; recovery codes are the way back in.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "PSF Helpdesk"

# Staff must have a second factor and have used it this session before any page but /accounts/.
# Turn it off only for a quick local look: the admin then shows a banner.
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=True)
# Staff sessions end after this long idle, and this long after sign-in whatever happens.
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=60 * 60)
STAFF_SESSION_MAX_SECONDS = env.int("STAFF_SESSION_MAX_SECONDS", default=12 * 60 * 60)

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
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content Security Policy: no inline code, scripts only from us or with the page's nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def mailer_from_url(url: str, timeout: int) -> dict:
    """EMAIL_URL (django-environ's syntax) as a Django 6.1 MAILERS entry."""
    config = environ.Env.email_url_config(url)
    mailer: dict = {"BACKEND": config["EMAIL_BACKEND"]}
    if config["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
        mailer["OPTIONS"] = {
            "host": config["EMAIL_HOST"],
            "port": config["EMAIL_PORT"],
            "username": config.get("EMAIL_HOST_USER") or None,
            "password": config.get("EMAIL_HOST_PASSWORD") or None,
            "use_tls": bool(config.get("EMAIL_USE_TLS")),
            "use_ssl": bool(config.get("EMAIL_USE_SSL")),
            "timeout": timeout,
        }
    return mailer


# E-mail: EMAIL_URL picks the backend (console by default, smtp://host:port for real mail).
SMTP_TIMEOUT_SECONDS = env.int("EMAIL_TIMEOUT", default=10)
MAILERS = {
    "default": mailer_from_url(env("EMAIL_URL", default="consolemail://"), SMTP_TIMEOUT_SECONDS)
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="PSF Helpdesk <noreply@python.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PSF_STAFF_EMAIL = env("PSF_STAFF_EMAIL", default="psf@python.org")
# Mail anyone can make us send to an unproved address (receipts, confirmations): a day's cap each.
PUBLIC_MAIL_DAILY_CAP = env.int("PUBLIC_MAIL_DAILY_CAP", default=3)

# Help requests: staff promise a first answer within this many working days.
HELPDESK_FIRST_ANSWER_WORKING_DAYS = env.int("HELPDESK_FIRST_ANSWER_WORKING_DAYS", default=3)

# Volunteers: an interest still "new" after this many days is escalated to staff; an unconfirmed
# pool sign-up is deleted after this many days.
VOLUNTEER_INTEREST_ESCALATE_DAYS = env.int("VOLUNTEER_INTEREST_ESCALATE_DAYS", default=7)
POOL_CONFIRM_DAYS = env.int("POOL_CONFIRM_DAYS", default=7)
# Pool mail goes out at most this many e-mails a minute (one batch a minute), for the provider.
POOL_MAIL_PER_MINUTE = env.int("POOL_MAIL_PER_MINUTE", default=600)

# Privacy: how long personal data is kept. /privacy/ states these very values, and the daily
# retention job (privacy.tasks.run_retention) applies them.
RETENTION_SPAM_DAYS = env.int("RETENTION_SPAM_DAYS", default=30)
RETENTION_CLOSED_REQUEST_MONTHS = env.int("RETENTION_CLOSED_REQUEST_MONTHS", default=24)
RETENTION_POOL_LEFT_DAYS = env.int("RETENTION_POOL_LEFT_DAYS", default=30)
RETENTION_EMAIL_CONTEXT_DAYS = env.int("RETENTION_EMAIL_CONTEXT_DAYS", default=90)
# An e-mailed link to someone's data works once, for this long (and its session as long again).
PRIVACY_LINK_MINUTES = env.int("PRIVACY_LINK_MINUTES", default=60)

# Celery. Without a broker, tasks run in-process (still through the outbox).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL) or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL.startswith("memory://")
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A dead or half-dead broker must not hang a web request (RELIABILITY.md: "Checked on this stack").
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 1,
    "max_retries": 1,
    "visibility_timeout": 3600,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BEAT_SCHEDULE = {
    "sweep-pending-emails": {
        "task": "notifications.tasks.sweep_pending_emails",
        "schedule": timedelta(minutes=1),
    },
    "staff-digest": {
        "task": "psf_helpdesk.tasks.send_staff_digest",
        "schedule": crontab(hour=7, minute=0),
    },
    "nudge-overdue-help-requests": {
        "task": "help_requests.tasks.nudge_overdue_help_requests",
        "schedule": crontab(minute=0),
    },
    "close-expired-roles": {
        "task": "volunteers.tasks.close_expired_roles",
        "schedule": crontab(minute=5),
    },
    "escalate-stale-interests": {
        "task": "volunteers.tasks.escalate_stale_interests",
        "schedule": crontab(minute=10),
    },
    "expire-pool-signups": {
        "task": "volunteers.tasks.expire_pool_signups",
        "schedule": crontab(minute=15),
    },
    "weekly-pool-digest": {
        "task": "volunteers.tasks.send_weekly_pool_digest",
        "schedule": crontab(day_of_week="monday", hour=8, minute=0),
    },
    "resume-pool-mailings": {
        "task": "volunteers.tasks.resume_pool_mailings",
        "schedule": timedelta(minutes=1),
    },
    "privacy-retention": {  # a quiet hour
        "task": "privacy.tasks.run_retention",
        "schedule": crontab(hour=3, minute=40),
    },
}
# Outbox: how often a send is tried before the row is marked failed, and the first backoff.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=5)
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=30)
# The beat sweeper re-queues rows still pending this long after they were due.
OUTBOX_SWEEP_GRACE_SECONDS = env.int("OUTBOX_SWEEP_GRACE_SECONDS", default=60)

# One JSON line per event (LOG_FORMAT=plain for a human at a terminal; dev's default), each
# with the id of the request it belongs to, and link tokens redacted (common/logs.py).
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "common.logs.RequestIdFilter"},
        "redact": {"()": "common.logs.RedactSecretsFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["levelname", "name", "message", "request_id"],
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
            # Django puts the request object on its records: its repr has the path, tokens and all.
            "reserved_attrs": [*RESERVED_ATTRS, "request"],
        },
        "plain": {
            "()": "common.logs.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
# The worker logs through the same handler, as JSON.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Public forms: POSTs per minute per address, counted in the shared cache (429 past it).
RATELIMIT_FORM_RATE = env("RATELIMIT_FORM_RATE", default="10/m")
RATELIMIT_VIEW = "psf_helpdesk.views.ratelimited"
RATELIMIT_FAIL_OPEN = True  # a Redis outage must not lock people out of the forms
# Proxies in front that append to X-Forwarded-For (Compose: 1, its Caddy). common.http.client_ip
# reads it, and is the one source of the client address: django-ratelimit, allauth, the logs.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
RATELIMIT_IP_META_KEY = "common.http.client_ip"
# Without Redis the cache is per-process, which is right for the embedded default only.
SILENCED_SYSTEM_CHECKS = [] if REDIS_URL else ["django_ratelimit.E003", "django_ratelimit.W001"]
