"""Production: secrets and hosts must come from the environment; HTTPS everywhere."""

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .base import BASE_DIR, env
from .helpdesk import ATTACHMENT_SCANNER_URL
from .mail import SMTP_TIMEOUT_SECONDS, mailer_from_url

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Production needs Redis: the Celery broker (without it tasks run inside web requests and nothing
# re-sends a pending e-mail) and the shared cache (rate limits that count across processes).
REDIS_URL = env("REDIS_URL")
# Tasks go to the worker through Redis: never eager unless CELERY_TASK_ALWAYS_EAGER says so.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Nothing silenced: the cache is Redis, and `check --deploy` must be clean as it is.
SILENCED_SYSTEM_CHECKS = []

STATIC_ROOT = BASE_DIR / "staticfiles"  # filled by collectstatic (the Dockerfile runs it)
WHITENOISE_USE_FINDERS = False
STORAGES = {
    **STORAGES,  # attachments: base.py's private folder, or any backend set here)
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Every file people send is scanned by clamd before staff can download it (README, "Scanning
# files with ClamAV"): no scanner, no start, unless scanning is switched off on purpose, as with
# MFA (then files are kept "not scanned" and the admin says so on every page).
ATTACHMENT_SCAN_REQUIRED = env.bool("ATTACHMENT_SCAN_REQUIRED", default=True)
if ATTACHMENT_SCAN_REQUIRED and not ATTACHMENT_SCANNER_URL:
    raise ImproperlyConfigured(
        "Set the ATTACHMENT_SCANNER_URL environment variable to clamd's address "
        "(tcp://host:3310 or unix:///run/clamav/clamd.ctl), or ATTACHMENT_SCAN_REQUIRED=false "
        "to keep files people send without a virus scan."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

# Production mail goes over SMTP: a local MTA unless EMAIL_URL names another server.
MAILERS = {
    "default": mailer_from_url(
        env("EMAIL_URL", default="smtp://localhost:25"), SMTP_TIMEOUT_SECONDS
    )
}
