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

# What each e-mail is, in the words of the person it went to (their export lists these, never
# the template's name). Braces are filled from the e-mail's stored context: only our own words
# and references, never what someone else wrote.
DESCRIPTIONS = {
    "accounts/account_already_exists": "You already have a PSF Helpdesk account",
    "accounts/confirm_email": "Confirm your e-mail address for PSF Helpdesk",
    "accounts/login_code": "Your PSF Helpdesk sign-in code",
    "accounts/password_reset": "A link to choose a new PSF Helpdesk password",
    "accounts/security_notice": "A change to your PSF Helpdesk account. {what}",
    "accounts/staff_sign_in": "A new sign-in to your PSF Helpdesk staff account",
    "accounts/staff_welcome": "Welcome as PSF Helpdesk staff",
    "accounts/unknown_account": "A password reset asked for an address with no account",
    "funding/decision": "The PSF's decision on your funding request {reference}",
    "help_requests/attachment_quarantined": (
        "A file sent with your {thing} {reference} did not pass the virus check"
    ),
    "help_requests/attachment_quarantined_staff": (
        "For PSF staff: a file sent with {reference} was quarantined"
    ),
    "help_requests/closed": "Your {thing} {reference} was closed",
    "help_requests/new_staff": "For PSF staff: a new {thing}, {reference}",
    "help_requests/overdue": "For PSF staff: the first answer to {reference} is overdue",
    "help_requests/question": "A question from the PSF about your {thing} {reference}",
    "help_requests/receipt": "Receipt for your {thing} {reference}",
    "help_requests/reply": "A reply from the PSF to your {thing} {reference}",
    "help_requests/submitter_reply": "For PSF staff: the submitter of {reference} replied",
    "privacy/access_link": "Your link to what the PSF Helpdesk holds about you",
    "staff_digest": "For PSF staff: the daily digest",
    "volunteers/interest_declined": "About your interest in the volunteer role {role_title}",
    "volunteers/interest_onboarded": "Welcome aboard the volunteer role {role_title}",
    "volunteers/interest_receipt": "Receipt for your interest in the volunteer role {role_title}",
    "volunteers/interest_staff": "For the role's contact: someone is interested in {role_title}",
    "volunteers/interests_escalated": "For PSF staff: interests waiting for an answer",
    "volunteers/pool_already_member": "You are already in the PSF volunteer pool",
    "volunteers/pool_announcement": "An announcement to the volunteer pool: {subject}",
    "volunteers/pool_confirm": "Confirm you want to join the PSF volunteer pool",
    "volunteers/pool_digest": "The weekly summary of new volunteer roles",
    "volunteers/pool_role_opened": "A new volunteer role: {role_title}",
    "volunteers/pool_welcome": "Welcome to the PSF volunteer pool",
}
UNDESCRIBED = "An e-mail from the PSF Helpdesk"
# An e-mail's state, as the person reads it.
STATUS: dict[str, str] = {
    OutboundEmail.Status.PENDING: "Not sent yet",
    OutboundEmail.Status.SENT: "Sent",
    OutboundEmail.Status.FAILED: "Could not be sent",
    OutboundEmail.Status.CANCELLED: "Cancelled, not sent",
}


class _Blank(dict[str, str]):
    """A context to fill a description from: a value it lacks (a wiped or older e-mail) is
    left out rather than failing."""

    def __missing__(self, key: str) -> str:
        return ""


def email_description(*, template: str, context: dict[str, Any]) -> str:
    """What an e-mail is, in words ("Receipt for your help request HR-2026-0042")."""
    words = DESCRIPTIONS.get(template)
    if words is None:
        return UNDESCRIBED
    role = context.get("role")
    values = _Blank(
        {key: str(value) for key, value in context.items() if isinstance(value, str | int)}
    )
    values["thing"] = "suggestion" if context.get("is_suggestion") else "help request"
    if "role_title" not in values and isinstance(role, dict):
        values["role_title"] = str(role.get("title", ""))
    description = words.format_map(values)
    return " ".join(description.split()).rstrip(" :,")


def person_export(*, emails: Collection[str]) -> list[dict[str, Any]]:
    """The e-mails sent (or to be sent) to these addresses: what (in words), when, and whether
    it went."""
    if not emails:
        return []
    rows = OutboundEmail.objects.filter(iexact_any("to", emails)).order_by("created_at", "pk")
    return [
        {
            "to": row.to,
            "what": email_description(template=row.template, context=row.context),
            "status": STATUS.get(row.status, row.get_status_display()),
            "queued_at": row.created_at,
            "sent_at": row.sent_at,
        }
        for row in rows.only("to", "template", "context", "status", "created_at", "sent_at")
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
