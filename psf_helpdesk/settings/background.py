"""Celery: the broker, eager mode, how tasks are delivered, and the beat schedule (base.py
imports this module; docs/architecture.md, "The outbox", says why each value is what it is)."""

from datetime import timedelta

import environ
from celery.schedules import crontab

env = environ.Env()

# The broker: REDIS_URL's Redis, unless CELERY_BROKER_URL names another. The embedded default
# (`make run`, `make test`) has none.
_BROKER_GIVEN = env("CELERY_BROKER_URL", default=env("REDIS_URL", default=""))
CELERY_BROKER_URL = _BROKER_GIVEN or "memory://localhost/"
# Eager mode: a task runs inside the process that queues it, after the commit, still through the
# outbox (no worker, no beat). Stated by CELERY_TASK_ALWAYS_EAGER; when it is not set, eager
# exactly when no broker is given. prod.py states its own default: never.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not _BROKER_GIVEN)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged when it ends, so a worker killed mid-send leaves it to another.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A dead or half-dead broker must not hang a web request: about a second, then the failure to
# queue is logged and the beat sweeper sends the e-mail later (docs/architecture.md, "The
# outbox").
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
# The worker logs through the project's handler (logs.py), as JSON.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

CELERY_BEAT_SCHEDULE = {
    "sweep-pending-emails": {
        "task": "notifications.tasks.sweep_pending_emails",
        "schedule": timedelta(minutes=1),
    },
    "sweep-pending-attachments": {
        "task": "attachments.tasks.sweep_pending_attachments",
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
    "poll-mailbox": {  # a no-op while MAIL_IMAP_URL is unset (mail_in/imap.py)
        "task": "mail_in.tasks.poll_mailbox",
        "schedule": timedelta(minutes=1),
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
