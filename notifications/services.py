"""Queue e-mails through the outbox: a row in the caller's transaction, a task after commit."""

import hashlib
import logging
import re
import uuid
from collections.abc import Iterable
from functools import partial
from typing import Any, Literal

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.db import iexact_any
from common.privacy import is_erased_address

from .models import OutboundEmail

logger = logging.getLogger(__name__)


def idempotency_key(key: str, address: str) -> str:
    """One row per (key, recipient): a fixed-length digest, whatever the lengths of the two."""
    return hashlib.sha256(f"{key}\n{address.lower()}".encode()).hexdigest()


# RFC 3834: what kind of automatic mail an e-mail is. Machine-written mail (receipts, notices,
# reminders, digests) is "auto-generated"; an automatic answer to a message someone sent us (the
# receipt of a request that came by e-mail) is "auto-replied"; a person's own words (a staff
# reply written in the admin) are not automatic, and carry no Auto-Submitted header at all.
AutoSubmitted = Literal["auto-generated", "auto-replied", ""]
AUTO_GENERATED: AutoSubmitted = "auto-generated"
AUTO_REPLIED: AutoSubmitted = "auto-replied"
NOT_AUTOMATIC: AutoSubmitted = ""

# Every e-mail we send carries this header, so mail intake knows our own mail when it comes back
# (a staff notification to psf@, a forward, a loop): docs/mail-in.md, "Threads".
LOOP_HEADER = "X-PSF-Helpdesk"

# At most this many Message-IDs in References: the thread's first (the root mail clients hang
# the thread on) and the latest ones, as RFC 5322 (3.6.4) lets a long list be shortened.
REFERENCES_CAP = 10


# A Message-ID from outside (the message a receipt answers) is used only when it is a plain
# RFC 5322 msg-id (3.6.4): printable ASCII, one "@", no spaces, brackets or line breaks, so it
# can never add a header; anything else is ignored and the mail simply starts a thread.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+"
_FOREIGN_ID = re.compile(rf"{_ATEXT}@(?:{_ATEXT}|\[[!-Z^-~]*\])")
FOREIGN_ID_MAX_CHARS = 250  # without the brackets; real ones are far shorter


def foreign_message_id(value: str) -> str:
    """`value` (with or without angle brackets) as a Message-ID we may write in our headers,
    without the brackets; "" when it is not a sane one."""
    found = value[1:-1] if value.startswith("<") and value.endswith(">") else value
    if len(found) > FOREIGN_ID_MAX_CHARS or not _FOREIGN_ID.fullmatch(found):
        return ""
    return found


def new_message_id() -> str:
    """A Message-ID of ours, without angle brackets: hd.<uuid hex>@<MAIL_REPLY_TO's domain>."""
    domain = settings.MAIL_REPLY_TO.rpartition("@")[2] or "localhost"
    return f"hd.{uuid.uuid4().hex}@{domain}"


def _thread_ids(
    threads: Iterable[str], addresses: Iterable[str]
) -> dict[tuple[str, str], list[str]]:
    """The Message-IDs already written per (thread, lower-cased recipient), oldest first: one
    query for every recipient of a call (or a batch), however long the threads."""
    threads, addresses = set(filter(None, threads)), set(addresses)
    if not threads or not addresses:
        return {}
    earlier = (
        OutboundEmail.objects.filter(thread__in=threads)
        .filter(iexact_any("to", addresses))
        .exclude(message_id="")
        .exclude(status=OutboundEmail.Status.CANCELLED)  # never sent: nothing to thread on
        .order_by("created_at", "pk")
        .values_list("thread", "to", "message_id")
    )
    found: dict[tuple[str, str], list[str]] = {}
    for thread, to, message_id in earlier:
        found.setdefault((thread, to.lower()), []).append(message_id)
    return found


def _headers(
    headers: dict[str, str] | None,
    *,
    auto_submitted: AutoSubmitted,
    earlier: list[str],
    in_reply_to: str = "",
) -> dict[str, str]:
    """A row's own headers: the caller's, Auto-Submitted, and the thread's In-Reply-To and
    References (computed once, when the row is written, so a retry sends the same)."""
    written = dict(headers or {})
    if auto_submitted:
        written["Auto-Submitted"] = auto_submitted
    answered = foreign_message_id(in_reply_to)
    if answered:
        # The message this mail answers is its parent, after any mail of ours in the thread.
        earlier = [*(message_id for message_id in earlier if message_id != answered), answered]
    if earlier:
        # In-Reply-To names the latest earlier mail of the thread to this person: it is the one
        # this mail follows (its parent, RFC 5322 3.6.4), so Thunderbird and Apple Mail nest each
        # mail under the one before, and Gmail and Outlook, which group by References, find the
        # root in them. Pointing every mail at the first would flatten the thread into replies
        # to the receipt, and lose the order when the receipt is deleted.
        written["In-Reply-To"] = f"<{earlier[-1]}>"
        kept = earlier
        if len(kept) > REFERENCES_CAP:
            kept = [earlier[0], *earlier[-(REFERENCES_CAP - 1) :]]
        written["References"] = " ".join(f"<{message_id}>" for message_id in kept)
    return written


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
    thread: str = "",
    in_reply_to: str = "",
    auto_submitted: AutoSubmitted = AUTO_GENERATED,
) -> list[OutboundEmail]:
    """Write one outbox row per recipient and send each once the transaction commits.

    `key` makes the call idempotent: a second call with the same key and recipient adds nothing.
    `secret` marks a context that holds a sign-in link or code: hidden in the admin, wiped once
    sent. `unverified` marks mail that anyone can make us send to an address nobody has proved
    is theirs (receipts, confirmations): at most PUBLIC_MAIL_DAILY_CAP a day reach one address
    (see `_admitted`). `batch` labels the rows of one mailing, so its progress can be counted.
    `thread` is the reference the mail is about (HR-2026-0042): a recipient's mails about one
    thread carry In-Reply-To and References, so mail clients show them together.
    `in_reply_to` is the Message-ID of a message someone sent us that this mail answers (the
    receipt of a request that came by e-mail): it becomes In-Reply-To and the last of References,
    so the answer shows under their message; an id that is not a sane one is ignored
    (`foreign_message_id`).
    `auto_submitted` is the RFC 3834 kind (see AutoSubmitted); NOT_AUTOMATIC for a person's words.
    Every row gets a Message-ID of its own (`new_message_id`).
    """
    key = key or uuid.uuid4().hex
    addresses = list(dict.fromkeys(to))  # de-duplicate, keep order
    earlier = _thread_ids([thread], addresses)
    rows = []
    for address in addresses:
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
                    headers=_headers(
                        headers,
                        auto_submitted=auto_submitted,
                        earlier=earlier.get((thread, address.lower()), []),
                        in_reply_to=in_reply_to,
                    ),
                    message_id=new_message_id(),
                    thread=thread,
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
    `emails` holds email_queue's arguments, one recipient each; each row gets its Message-ID,
    Auto-Submitted and thread headers as there."""
    now = timezone.now()
    wanted = {idempotency_key(email["key"], email["to"][0]): email for email in emails}
    written = set(
        OutboundEmail.objects.filter(idempotency_key__in=list(wanted)).values_list(
            "idempotency_key", flat=True
        )
    )
    earlier = _thread_ids(
        (email.get("thread", "") for email in emails), (email["to"][0] for email in emails)
    )
    rows = [
        OutboundEmail(
            to=email["to"][0],
            template=email["template"],
            context=email["context"],
            reply_to=email.get("reply_to", ""),
            headers=_headers(
                email.get("headers"),
                auto_submitted=email.get("auto_submitted", AUTO_GENERATED),
                earlier=earlier.get((email.get("thread", ""), email["to"][0].lower()), []),
                in_reply_to=email.get("in_reply_to", ""),
            ),
            message_id=new_message_id(),
            thread=email.get("thread", ""),
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
