"""The daily retention job: personal data is kept only as long as /privacy/ says.

Every period is a setting (RETENTION_*), read here and by the /privacy/ page alike. Each step
finds only what is due and not yet done, so a run can be repeated, or resumed after a failure.
"""

import calendar
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

import accounts.privacy
import funding.privacy
import help_requests.privacy
import mail_in.privacy
import notifications.privacy
import volunteers.privacy
from common.privacy import ANONYMISED, EXPIRED
from volunteers.services import pool_signups_expire

from .links import access_links_purge
from .models import RetentionRun

logger = logging.getLogger("privacy")

# The columns of a run, in the order of the board's CSV.
COUNTS = (
    "spam_requests_deleted",
    "closed_requests_anonymised",
    "pool_leavers_removed",
    "email_contexts_wiped",
    "pool_signups_expired",
    "access_links_deleted",
    "files_deleted",
    "incoming_mail_expired",
)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day if shorter)."""
    year, month0 = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month0 + 1)[1])
    return moment.replace(year=year, month=month0 + 1, day=day)


def retention_run(*, now: datetime | None = None) -> RetentionRun:
    """Apply every retention period once; record and log what was done."""
    now = now or timezone.now()
    run = RetentionRun.objects.create(started_at=now)
    counts: dict[str, int] = {}
    try:
        # Spam goes with its files; a closed request's files go as it is anonymised (the files
        # sent with it and its public replies: help_requests/privacy.py).
        spam = help_requests.privacy.help_requests_delete_spam(
            closed_before=now - timedelta(days=settings.RETENTION_SPAM_DAYS)
        )
        counts["spam_requests_deleted"] = spam["help_requests"]
        counts["files_deleted"] = spam["files"]
        closed_before = months_before(now, settings.RETENTION_CLOSED_REQUEST_MONTHS)
        # A funding request's words go first: it is found, and its decision's message cleaned
        # of the name, through its help request, which is anonymised next.
        funding.privacy.funding_requests_anonymise(
            help_request_ids=help_requests.privacy.help_requests_due_for_anonymising(
                closed_before=closed_before
            ),
            text=EXPIRED,
            who=ANONYMISED,
        )
        anonymised = help_requests.privacy.help_requests_anonymise_closed(
            closed_before=closed_before
        )
        counts["closed_requests_anonymised"] = anonymised.counts.get("help_requests", 0)
        counts["files_deleted"] += anonymised.counts.get("files", 0)
        left = volunteers.privacy.pool_members_left_remove(
            left_before=now - timedelta(days=settings.RETENTION_POOL_LEFT_DAYS)
        )
        counts["pool_leavers_removed"] = left.counts["pool_members_removed"]
        # The audit record and the admin's log stop naming them too.
        accounts.privacy.audit_relabel(targets=[*anonymised.targets, *left.targets])
        counts["email_contexts_wiped"] = notifications.privacy.outbox_contexts_wipe(
            sent_before=now - timedelta(days=settings.RETENTION_EMAIL_CONTEXT_DAYS)
        )
        counts["pool_signups_expired"] = pool_signups_expire(now=now)
        counts["access_links_deleted"] = access_links_purge(now=now)
        # Raw mail to psf@ and its text (what it became keeps its own period).
        counts["incoming_mail_expired"] = mail_in.privacy.inbound_messages_expire(
            received_before=now - timedelta(days=settings.MAIL_RETENTION_DAYS)
        )
    except Exception as exc:
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
        logger.exception("privacy.retention_failed", extra={"event": "retention.failed", **counts})
        raise
    finally:
        run.counts = counts
        run.finished_at = timezone.now()
        run.save(update_fields=["counts", "finished_at", "error"])
    logger.info("privacy.retention", extra={"event": "retention.run", "run": run.pk, **counts})
    return run
