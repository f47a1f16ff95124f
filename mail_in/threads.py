"""Which conversation a message answers, if any (docs/mail-in.md, "What a message becomes").

In this order: a plus address of ours among the recipients (its signature checked); then the
In-Reply-To, then the References, against the Message-IDs the outbox gave our e-mails; then a
bare reference in the subject, which counts only when the sender is the request's submitter
(anyone can type a reference). A reference the conversation handler does not know, or with
another prefix, is no match."""

import re
from dataclasses import dataclass
from typing import Literal

from notifications.models import OutboundEmail

from .addresses import reference_from_address
from .extensions import Conversations, conversations
from .parsing import ParsedMail

Via = Literal["plus address", "In-Reply-To", "References", "subject"]


@dataclass(frozen=True)
class ThreadMatch:
    """The reference a message answers, how it was found, and whether a plus address's
    signature held (False: forged or mangled; never attached). `owner` is the submitter's
    address as the handler gave it ("" when the request has none, or for a bad signature)."""

    reference: str
    via: Via
    signature_ok: bool = True
    owner: str = ""


def _known(handler: Conversations, reference: str) -> str | None:
    """The owner's address of an existing reference of the handler's, else None."""
    if not reference.upper().startswith(f"{handler.prefix.upper()}-"):
        return None
    return handler.owner_email(reference.upper())


def _by_message_id(mail: ParsedMail) -> tuple[str, Via] | None:
    """In-Reply-To first, then References from the newest (the last) back: one query."""
    wanted = [*mail.in_reply_to, *reversed(mail.references)]
    if not wanted:
        return None
    threads = dict(
        OutboundEmail.objects.filter(message_id__in=wanted)
        .exclude(thread="")
        .values_list("message_id", "thread")
    )
    for message_id in mail.in_reply_to:
        if message_id in threads:
            return threads[message_id], "In-Reply-To"
    for message_id in reversed(mail.references):
        if message_id in threads:
            return threads[message_id], "References"
    return None


def match_thread(mail: ParsedMail) -> ThreadMatch | None:
    """The conversation `mail` belongs to, or None for a new one."""
    handler = conversations()
    if handler is None:
        return None
    for address in mail.recipients:
        found = reference_from_address(address)
        if found is None:
            continue
        reference, signature_ok = found
        if not signature_ok:
            return ThreadMatch(reference, "plus address", signature_ok=False)
        owner = _known(handler, reference)
        if owner is not None:
            return ThreadMatch(reference.upper(), "plus address", owner=owner)
    by_id = _by_message_id(mail)
    if by_id is not None:
        reference, via = by_id
        owner = _known(handler, reference)
        if owner is not None:
            return ThreadMatch(reference.upper(), via, owner=owner)
    pattern = rf"(?<![\w-])({re.escape(handler.prefix)}-\d{{4}}-\d{{3,}})(?![\w-])"
    for reference in dict.fromkeys(re.findall(pattern, mail.subject, flags=re.IGNORECASE)):
        owner = _known(handler, reference)
        if owner and mail.sender_email and owner.lower() == mail.sender_email.lower():
            return ThreadMatch(reference.upper(), "subject", owner=owner)
    return None
