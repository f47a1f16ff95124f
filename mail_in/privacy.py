"""What incoming mail holds about a person (the messages they sent to psf@), and removing it:
the one place that knows which of its fields are personal (composed by privacy.services and
privacy.retention).

Erasure deletes the raw message and blanks the sender, subject and text; the row keeps its
date, outcome and reference, so staff can still account for what arrived. After
MAIL_RETENTION_DAYS every message loses its raw bytes and its text (what became of it lives on
in the request, under that request's own retention)."""

import logging
from collections.abc import Collection
from datetime import datetime
from typing import Any

from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import Q

from accounts.models import User
from common.db import iexact_any
from common.privacy import EXPIRED, FORGOTTEN, REMOVED, Erased, name_parts, redact_names

from .models import InboundMessage, raw_storage

logger = logging.getLogger("mail_in")
LABEL = InboundMessage._meta.label_lower


def _delete_files(storage: Storage, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # a file left behind must not turn the commit into an error
            logger.exception("mail_in: could not delete the raw message %s", name)


def _delete_on_commit(names: list[str]) -> None:
    """The stored messages go once the rows that name them no longer do (after commit)."""
    names = [n for n in names if n]
    if names:
        storage = raw_storage()
        transaction.on_commit(lambda: _delete_files(storage, names), robust=True)


def person_export(*, emails: Collection[str], user: User | None) -> dict[str, Any]:
    """The messages the person sent to psf@, as recorded: when, subject, text and what became
    of each. One query."""
    messages = InboundMessage.objects.filter(iexact_any("sender_email", emails)).order_by(
        "received_at", "pk"
    )
    return {
        "emails_to_us": [
            {
                "received_at": m.received_at,
                "from": m.sender_email,
                "name": m.sender_name,
                "subject": m.subject,
                "text": m.text,
                "what_became_of_it": m.get_outcome_display(),
                "reference": m.reference,
            }
            for m in messages
        ]
    }


def person_erase(*, emails: Collection[str], user: User | None, by: User | None) -> Erased:
    """Delete the person's raw messages and blank their sender, subject and text (inside the
    erasure's transaction). A second run finds nothing: the rows no longer match."""
    erased = Erased()
    if not emails:
        return erased
    with transaction.atomic():
        rows = list(
            InboundMessage.objects.select_for_update()
            .filter(iexact_any("sender_email", emails))
            .order_by("pk")
        )
        names: list[str] = []
        for message in rows:
            said = [*name_parts(message.sender_name), message.sender_email]
            erased.values |= {message.sender_name, message.sender_email, message.subject}
            erased.values |= {message.text} if message.text else set()
            names.append(str(message.raw.name or ""))
            message.raw.name = ""
            message.sender_name = message.sender_email = ""
            message.subject = ""
            message.text = REMOVED if message.text else ""
            message.detail = redact_names(message.detail, [*said, *emails], FORGOTTEN)
            erased.targets.append((LABEL, message.pk, "(no subject)"))
            if message.reference:
                erased.references.append(message.reference)
        InboundMessage.objects.bulk_update(
            rows, ["raw", "sender_name", "sender_email", "subject", "text", "detail"]
        )
        _delete_on_commit(names)
    erased.values.discard("")
    if rows:
        erased.counts = {"incoming_messages": len(rows)}
    return erased


def inbound_messages_expire(*, received_before: datetime) -> int:
    """Retention: messages received before `received_before` lose their raw bytes and their
    text. Idempotent: done rows no longer match. Returns how many rows changed."""
    due = InboundMessage.objects.filter(received_at__lt=received_before).filter(
        ~Q(raw="") | ~Q(text__in=["", EXPIRED, REMOVED])
    )
    with transaction.atomic():
        rows = list(due.select_for_update(skip_locked=True).only("pk", "raw", "text"))
        _delete_on_commit([str(m.raw.name or "") for m in rows])
        for message in rows:
            message.raw.name = ""
            message.text = EXPIRED if message.text not in ("", REMOVED) else message.text
        InboundMessage.objects.bulk_update(rows, ["raw", "text"])
    return len(rows)
