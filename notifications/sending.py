"""Sending the outbox: send one row, sweep rows whose enqueue was lost, send what is due.

A send happens in three steps, so that nothing is sent twice and nothing is retried forever:
1. claim: lock the row, check it is pending and due, count the attempt and move `next_attempt_at`
   past the task's time limit (a lease), then commit;
2. send, outside any transaction and inside the task's time limit;
3. record: sent, or (on failure) the next attempt after a backoff, or failed after the last one.
A worker killed during step 2 has already counted its attempt, so a mail that kills its worker
stops after OUTBOX_MAX_ATTEMPTS; a second delivery of the task finds the row not due and skips.
The Celery tasks (notifications/tasks.py) each call one function of this module.
"""

import functools
import logging
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import DurationField, ExpressionWrapper, F, Q
from django.utils import timezone

from .models import OutboundEmail
from .rendering import email_render
from .services import SMTP_FAILED_RECENTLY, SMTP_PAUSE_SECONDS, email_enqueue
from .smtp import smtp_send

logger = logging.getLogger(__name__)

# One send may take one SMTP timeout or two (connect, then data); the task is stopped after that.
SEND_SOFT_LIMIT = 2 * settings.SMTP_TIMEOUT_SECONDS + 5
SEND_HARD_LIMIT = SEND_SOFT_LIMIT + 5
# While a worker holds a claimed row, nobody else may try it: longer than the hard limit.
CLAIM_SECONDS = SEND_HARD_LIMIT + 5


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** (attempts - 1))


@functools.cache
def claim_sql() -> str:
    """Claim and read in one statement (Django's update() returns only a count); the table and
    column names are the model's, quoted for the database in use."""
    quote = connection.ops.quote_name
    meta = OutboundEmail._meta
    table = quote(meta.db_table)
    columns = {f.name: quote(f.column) for f in meta.concrete_fields if f.column}
    pk, status, attempts, next_attempt_at = (
        columns[name] for name in ("id", "status", "attempts", "next_attempt_at")
    )
    # Names from the model, quoted; every value is a parameter.
    return (
        f"UPDATE {table} SET {attempts} = {attempts} + 1, {next_attempt_at} = %s "  # noqa: S608
        f"WHERE {pk} = %s AND {status} = %s AND {next_attempt_at} <= %s AND {attempts} < %s "
        "RETURNING *"
    )


def _claim(email_id: int) -> OutboundEmail | None:
    """Step 1: the row if it is pending and due, with this attempt counted and committed.

    One UPDATE claims it: a second worker's UPDATE of the same row waits for the first, then
    finds the row no longer due (claimed for CLAIM_SECONDS) and claims nothing.
    """
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    lease = now + timedelta(seconds=CLAIM_SECONDS)
    params = [adapt(lease), email_id, OutboundEmail.Status.PENDING, adapt(now)]
    claimed = list(OutboundEmail.objects.raw(claim_sql(), [*params, settings.OUTBOX_MAX_ATTEMPTS]))
    if claimed:
        return claimed[0]
    # Not pending, not due, or every try so far killed its worker: the last gives up for good.
    due = OutboundEmail.objects.filter(
        pk=email_id, status=OutboundEmail.Status.PENDING, next_attempt_at__lte=now
    )
    if due.update(
        status=OutboundEmail.Status.FAILED,
        last_error=(
            f"The worker stopped during each of the {settings.OUTBOX_MAX_ATTEMPTS} attempts."
        ),
    ):
        logger.error("Outbound e-mail %s failed for good: the worker stopped each time", email_id)
    return None


def _record_failure(email: OutboundEmail, error: str) -> OutboundEmail:
    """Step 3 after a failed send: retry later, or give up after the last attempt."""
    email.last_error = error[:2000]
    if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        email.status = OutboundEmail.Status.FAILED
        logger.error("Outbound e-mail %s failed for good: %s", email.pk, email.last_error)
    else:
        email.next_attempt_at = timezone.now() + _backoff(email.attempts)
        logger.warning(
            "Outbound e-mail %s failed, retry in %ss",
            email.pk,
            int(_backoff(email.attempts).total_seconds()),
        )
    email.save(update_fields=["last_error", "status", "next_attempt_at"])
    return email


def email_send(*, email_id: int) -> str:
    """Send one outbox row at most once; on failure, schedule the next try with backoff."""
    email = _claim(email_id)
    if email is None:
        return "skipped"
    try:
        smtp_send(email_render(email=email))
    except (Exception, SoftTimeLimitExceeded) as exc:
        email = _record_failure(email, f"{type(exc).__name__}: {exc}")
        if settings.CELERY_TASK_ALWAYS_EAGER:
            cache.set(SMTP_FAILED_RECENTLY, True, SMTP_PAUSE_SECONDS)
    else:
        email.status = OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        if email.secret:
            email.context = {}  # a used link or code has no business staying around
        email.save(update_fields=["status", "sent_at", "context"])
        return "sent"
    # In the embedded default (eager) a failure is not retried inside the web request: the row
    # stays pending for `manage.py outbox_send` (or the sweeper, where beat runs).
    if email.status == OutboundEmail.Status.PENDING and not settings.CELERY_TASK_ALWAYS_EAGER:
        countdown = (email.next_attempt_at - timezone.now()).total_seconds()
        email_enqueue(email_id=email.pk, countdown=max(countdown, 0))
    return email.status


SWEEP_BATCH = 500
SWEEP_MAX_SPACING = timedelta(hours=1)


def emails_sweep_pending() -> int:
    """Re-queue pending rows well past their due time, oldest first; returns how many.

    A row pending more than OUTBOX_SWEEP_GRACE_SECONDS past its due time has lost its task
    (broker down, worker killed). Re-queuing makes it due now; it is not swept again before it
    has waited as long again as it had waited until then (at most an hour), so while the workers
    are down each row is re-published after 1, 2, 4, 8 ... minutes, not every minute.
    """
    now = timezone.now()
    waited = ExpressionWrapper(F("next_attempt_at") - F("created_at"), output_field=DurationField())
    overdue = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.PENDING,
        next_attempt_at__lt=now - timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS),
    ).alias(waited_until=F("next_attempt_at") + waited)
    due_again = Q(waited_until__lt=now) | Q(next_attempt_at__lt=now - SWEEP_MAX_SPACING)
    # The rows are locked from the read to the write: a second sweeper running at once skips
    # them, and reads them again only once this one has committed, when they are no longer
    # overdue. Read first and written later, a row a worker had meanwhile claimed (its lease in
    # next_attempt_at) was made due again, and a second worker sent it a second time.
    with transaction.atomic():
        ids = list(
            overdue.filter(due_again)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        OutboundEmail.objects.filter(pk__in=ids).update(next_attempt_at=now)
    for email_id in ids:
        email_enqueue(email_id=email_id)
    return len(ids)


def emails_send_due() -> dict[str, int]:
    """Send every pending row that is due, in this process (`manage.py outbox_send`)."""
    ids = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.PENDING, next_attempt_at__lte=timezone.now()
    ).order_by("next_attempt_at", "pk")
    results: dict[str, int] = {}
    for email_id in ids.values_list("pk", flat=True).iterator():
        result = email_send(email_id=email_id)
        results[result] = results.get(result, 0) + 1
    return results
