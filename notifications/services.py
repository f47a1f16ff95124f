"""Queue e-mails through the outbox: a row in the caller's transaction, a task after commit."""

import hashlib
import logging
import uuid
from collections.abc import Iterable
from functools import partial
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.privacy import is_erased_address

from .models import OutboundEmail

logger = logging.getLogger(__name__)


def idempotency_key(key: str, address: str) -> str:
    """One row per (key, recipient): a fixed-length digest, whatever the lengths of the two."""
    return hashlib.sha256(f"{key}\n{address.lower()}".encode()).hexdigest()


def email_queue(
    *,
    to: Iterable[str],
    template: str,
    context: dict[str, Any],
    reply_to: str = "",
    headers: dict[str, str] | None = None,
    key: str = "",
    secret: bool = False,
    unverified: bool = False,
    batch: str = "",
) -> list[OutboundEmail]:
    """Write one outbox row per recipient and send each once the transaction commits.

    `key` makes the call idempotent: a second call with the same key and recipient adds nothing.
    `secret` marks a context that holds a sign-in link or code: hidden in the admin, wiped once
    sent. `unverified` marks mail that anyone can make us send to an address nobody has proved
    is theirs (receipts, confirmations): at most PUBLIC_MAIL_DAILY_CAP a day reach one address
    (see `_admitted`). `batch` labels the rows of one mailing, so its progress can be counted.
    """
    key = key or uuid.uuid4().hex
    rows = []
    for address in dict.fromkeys(to):  # de-duplicate, keep order
        digest = idempotency_key(key, address)
        existing = OutboundEmail.objects.filter(idempotency_key=digest).first()
        if existing is not None:
            rows.append(existing)
            continue
        if not _admitted(address, template=template, unverified=unverified):
            continue
        try:
            with transaction.atomic():  # a concurrent call may write the same key first
                row = OutboundEmail.objects.create(
                    idempotency_key=digest,
                    to=address,
                    template=template,
                    context=context,
                    reply_to=reply_to,
                    headers=headers or {},
                    secret=secret,
                    batch=batch,
                    next_attempt_at=timezone.now(),
                )
        except IntegrityError:
            existing = OutboundEmail.objects.filter(idempotency_key=digest).first()
            if existing is None:
                raise  # not the key: a real error
            rows.append(existing)
            continue
        transaction.on_commit(partial(email_enqueue, email_id=row.pk), robust=True)
        rows.append(row)
    return rows


def email_queue_batch(*, emails: list[dict[str, Any]], batch: str) -> None:
    """Many e-mails at once (one batch of a mailing): one INSERT for all, each with its own
    key; a row whose key was written before is skipped, and the others pass the same admission
    rule as in `email_queue`. Each pending row of the batch is handed to Celery after commit.
    `emails` holds email_queue's arguments, one recipient each."""
    now = timezone.now()
    wanted = {idempotency_key(email["key"], email["to"][0]): email for email in emails}
    written = set(
        OutboundEmail.objects.filter(idempotency_key__in=list(wanted)).values_list(
            "idempotency_key", flat=True
        )
    )
    rows = [
        OutboundEmail(
            to=email["to"][0],
            template=email["template"],
            context=email["context"],
            reply_to=email.get("reply_to", ""),
            headers=email.get("headers") or {},
            secret=email.get("secret", False),
            idempotency_key=digest,
            batch=batch,
            next_attempt_at=now,
        )
        for digest, email in wanted.items()
        if digest not in written
        and _admitted(
            email["to"][0], template=email["template"], unverified=email.get("unverified", False)
        )
    ]
    OutboundEmail.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    keys = [*written, *(row.idempotency_key for row in rows)]
    transaction.on_commit(partial(_enqueue_pending, keys=keys), robust=True)


def _admitted(address: str, *, template: str, unverified: bool) -> bool:
    """The outbox's one admission rule, for every new row (`email_queue` and
    `email_queue_batch` alike): never to an address erased at the person's request, and at most
    PUBLIC_MAIL_DAILY_CAP unverified e-mails a day to one address. A row whose key was written
    before is not new: it is neither refused nor counted again."""
    if is_erased_address(address):  # a person who asked to be forgotten: never written to
        logger.info("mail.erased_recipient template=%s", template)
        return False
    if unverified and not _within_daily_cap(address):
        logger.warning("mail.capped template=%s", template)  # no address: it is personal
        return False
    return True


def _enqueue_pending(*, keys: list[str]) -> None:
    pending = OutboundEmail.objects.filter(
        idempotency_key__in=keys, status=OutboundEmail.Status.PENDING
    ).values_list("pk", flat=True)
    for email_id in pending:
        email_enqueue(email_id=email_id)


def _within_daily_cap(address: str) -> bool:
    """Count one more unsolicited mail to `address` today; False once past the cap.

    Counted in the shared cache (atomic in Redis). If the cache is down the mail goes out: a lost
    receipt hurts a real person more than a few extra mails hurt anyone.
    """
    day = timezone.now().strftime("%Y-%m-%d")
    name = hashlib.sha256(address.lower().encode()).hexdigest()[:32]
    counter = f"mail-cap:{day}:{name}"
    try:
        cache.add(counter, 0, timeout=24 * 3600)
        count = cache.incr(counter)
    except ValueError:  # the counter expired between add and incr
        return True
    return count is None or count <= settings.PUBLIC_MAIL_DAILY_CAP


# In the embedded default (eager tasks) sends happen inside the web request: after one failed
# send, the next ones wait a minute, so a request never waits on more than one SMTP timeout.
SMTP_FAILED_RECENTLY = "outbox:smtp-failed-recently"
SMTP_PAUSE_SECONDS = 60

# The task that sends one row (notifications/tasks.py), called by its name: the task module is
# above this one (it calls the sending code, which queues through here).
SEND_TASK = "notifications.tasks.send_outbound_email"


def email_enqueue(*, email_id: int, countdown: float = 0) -> bool:
    """Hand a row to Celery. A broker that is down only delays the e-mail: the sweeper retries."""
    if settings.CELERY_TASK_ALWAYS_EAGER and cache.get(SMTP_FAILED_RECENTLY):
        logger.warning("SMTP failed a moment ago; e-mail %s stays pending", email_id)
        return False
    send_outbound_email = current_app.tasks[SEND_TASK]
    try:
        send_outbound_email.apply_async(args=(email_id,), countdown=countdown)
    except Exception:
        logger.warning("Could not queue outbound e-mail %s; the sweeper will retry", email_id)
        return False
    return True


def email_retry(*, email: OutboundEmail) -> None:
    """Give a failed e-mail a fresh set of attempts (the admin's "retry" action)."""
    with transaction.atomic():
        updated = OutboundEmail.objects.filter(
            pk=email.pk, status=OutboundEmail.Status.FAILED
        ).update(
            status=OutboundEmail.Status.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
        )
        if updated:
            transaction.on_commit(partial(email_enqueue, email_id=email.pk), robust=True)


def outbound_email_bounced(*, address: str, detail: str) -> int:
    """A bounce came back for `address` (mail_in reads it, docs/mail-in.md): the most recent
    e-mail sent to it is marked failed with the bounce's words, so staff see it in the outbox.
    Returns how many rows changed (0 when nothing was sent to the address, or all are marked).
    """
    with transaction.atomic():
        latest = (
            OutboundEmail.objects.select_for_update()
            .filter(to__iexact=address, status=OutboundEmail.Status.SENT)
            .order_by("-sent_at", "-pk")
            .first()
        )
        if latest is None:
            return 0
        latest.status = OutboundEmail.Status.FAILED
        latest.last_error = f"Bounced: {detail}"[:2000]
        latest.save(update_fields=["status", "last_error"])
    return 1
