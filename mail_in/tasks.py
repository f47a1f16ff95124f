"""Celery tasks of mail_in: each calls one function (docs/architecture.md, "Background jobs")."""

import logging

from celery import shared_task
from django.conf import settings

from .imap import mailbox_poll

logger = logging.getLogger(__name__)


# --- The mailbox door (docs/mail-in.md, "Doors"): beat reads MAIL_IMAP_URL every minute. ---


@shared_task(soft_time_limit=540, time_limit=600)
def poll_mailbox() -> dict[str, int | bool | str]:
    """Read the mailbox once; nothing when MAIL_IMAP_URL is unset. Never raises: a mailbox that
    is down is recorded on its MailboxState, anything else is logged, and the next minute's run
    reads what is left (a message is moved only after its commit)."""
    if not settings.MAIL_IMAP_URL:
        return {}
    try:
        return mailbox_poll().counts()
    except Exception:
        logger.exception("mail.poll_failed")
        return {"error": "the poll failed; see the log"}
