"""E-mail: the mailer EMAIL_URL names, who mail is from and to, and the outbox's retries
(base.py imports this module; docs/architecture.md, "The outbox", says what they guarantee)."""

import environ

env = environ.Env()


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


# EMAIL_URL picks the backend (console by default, smtp://host:port for real mail).
SMTP_TIMEOUT_SECONDS = env.int("EMAIL_TIMEOUT", default=10)
MAILERS = {
    "default": mailer_from_url(env("EMAIL_URL", default="consolemail://"), SMTP_TIMEOUT_SECONDS)
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="PSF Helpdesk <noreply@python.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PSF_STAFF_EMAIL = env("PSF_STAFF_EMAIL", default="psf@python.org")
# Mail anyone can make us send to an unproved address (receipts, confirmations): a day's cap each.
PUBLIC_MAIL_DAILY_CAP = env.int("PUBLIC_MAIL_DAILY_CAP", default=3)

# Outbox: how often a send is tried before the row is marked failed, and the first backoff.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=5)
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=30)
# The beat sweeper re-queues rows still pending this long after they were due.
OUTBOX_SWEEP_GRACE_SECONDS = env.int("OUTBOX_SWEEP_GRACE_SECONDS", default=60)
