"""What the outbox holds about a person, and removing it (composed by privacy.services).

The outbox keeps a row per e-mail: the recipient, the template and the context it is rendered
from. Rows *to* the person lose the address and everything in them (pending ones are cancelled);
rows to others that carry the person's words (a staff notification of their request, the staff
digest) keep their place but lose those words.
"""

import json
from collections.abc import Collection
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from common.db import iexact_any
from common.privacy import REMOVED, erased_address, is_erased_address

from .models import OutboundEmail
from .services import idempotency_key


def person_export(*, emails: Collection[str]) -> list[dict[str, Any]]:
    """The e-mails sent (or to be sent) to these addresses: what, when, and whether it went."""
    if not emails:
        return []
    rows = OutboundEmail.objects.filter(iexact_any("to", emails)).order_by("created_at", "pk")
    return [
        {
            "to": row.to,
            "what": row.template,
            "status": row.get_status_display(),
            "queued_at": row.created_at,
            "sent_at": row.sent_at,
        }
        for row in rows.only("to", "template", "status", "created_at", "sent_at")
    ]


def _json_forms(text: str) -> set[str]:
    """`text` as it may appear in a stored JSON context: as typed, and \\u-escaped (SQLite keeps
    JSON ASCII-only; PostgreSQL's jsonb keeps the characters)."""
    return {text, json.dumps(text)[1:-1]}


def _scrub(value: Any, values: set[str], emails: set[str]) -> tuple[Any, bool]:
    """`value` with every string that is one of `values`, or mentions one of `emails`,
    replaced; and whether anything was."""
    if isinstance(value, str):
        folded = value.casefold()
        if folded in values or any(email in folded for email in emails):
            return REMOVED, True
        return value, False
    if isinstance(value, list):
        scrubbed = [_scrub(item, values, emails) for item in value]
        return [item for item, _ in scrubbed], any(changed for _, changed in scrubbed)
    if isinstance(value, dict):
        pairs = {key: _scrub(item, values, emails) for key, item in value.items()}
        return {k: v for k, (v, _) in pairs.items()}, any(c for _, c in pairs.values())
    return value, False


def person_erase(
    *, emails: Collection[str], values: Collection[str] = (), markers: Collection[str] = ()
) -> dict[str, int]:
    """Remove the person from the outbox; returns counts. Run inside the erasure's transaction.

    `emails`: the person's addresses. `values`: what other apps removed (names, titles, texts),
    to be taken out of e-mails about the person. `markers`: what finds those e-mails besides the
    address (a request's reference). Idempotent: a second run finds nothing.
    """
    folded_emails = {e.casefold() for e in emails if e}
    folded_values = {v.casefold() for v in values if v and v.strip()} | folded_emails
    needles = set()
    for text in [*folded_emails, *(m for m in markers if m)]:
        needles |= _json_forms(text)
    about = Q(pk__in=[])
    for needle in needles:
        about |= Q(context_text__icontains=needle)
    rows = (
        OutboundEmail.objects.annotate(context_text=Cast("context", TextField()))
        .filter(iexact_any("to", emails) | iexact_any("reply_to", emails) | about)
        .order_by("pk")
    )
    counts = {"emails_cancelled": 0, "emails_erased": 0, "emails_redacted": 0}
    with transaction.atomic():
        for row in rows.select_for_update():
            if row.to.casefold() in folded_emails and not is_erased_address(row.to):
                if row.status == OutboundEmail.Status.PENDING:
                    row.status = OutboundEmail.Status.CANCELLED
                    counts["emails_cancelled"] += 1
                row.to = erased_address("email", row.pk)
                row.context, row.headers, row.last_error, row.reply_to = {}, {}, "", ""
                # The key is a hash of the address: a new, random one says nothing about it.
                row.idempotency_key = idempotency_key(f"erased:{row.pk}", row.to)
                row.save()
                counts["emails_erased"] += 1
                continue
            context, changed = _scrub(row.context, folded_values, folded_emails)
            if row.reply_to.casefold() in folded_emails:
                row.reply_to, changed = "", True
            if changed:
                row.context = context
                row.save(update_fields=["context", "reply_to"])
                counts["emails_redacted"] += 1
    return counts


def outbox_contexts_wipe(*, sent_before: datetime) -> int:
    """Retention: e-mails sent before `sent_before` keep who, what and when, not their context.
    Idempotent (a wiped context is empty)."""
    old = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.SENT, sent_at__lt=sent_before
    ).exclude(context={})
    return old.update(context={})
