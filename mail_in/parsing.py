"""Raw RFC 5322 bytes -> ParsedMail: what intake needs to know, decoded. Never raises."""

import email
import email.policy
import email.utils
import hashlib
from dataclasses import dataclass, field
from email.message import EmailMessage


@dataclass(frozen=True)
class MailFile:
    """One attached file as it came: checked later by attachments.checks like any upload."""

    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ParsedMail:
    message_id: str  # without the angle brackets; "" when the message has none
    key: str  # the message_id, or sha256:<hex> of the raw bytes
    sender_name: str
    sender_email: str  # lower-cased; "" when there is no usable one
    subject: str  # decoded; "" when there is none
    text: str  # the whole body as plain text (HTML converted), quotes included
    recipients: tuple[str, ...] = ()  # To, Cc, Delivered-To, X-Original-To addresses
    in_reply_to: tuple[str, ...] = ()  # Message-IDs, without angle brackets
    references: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased name -> decoded value
    files: tuple[MailFile, ...] = ()
    bounced: tuple[str, ...] = ()  # failed recipients, for a delivery-status report
    problems: tuple[str, ...] = ()  # what could not be read, in words for staff


def _ids(value: str) -> tuple[str, ...]:
    return tuple(part.strip("<>") for part in value.split() if part.strip("<>"))


def parse_message(raw: bytes) -> ParsedMail:
    """A first, plain reading (the full one replaces it): text/plain preferred, no HTML yet."""
    message = email.message_from_bytes(raw, _class=EmailMessage, policy=email.policy.default)
    message_id = str(message.get("Message-ID", "") or "").strip().strip("<>")
    name, address = email.utils.parseaddr(str(message.get("From", "") or ""))
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    return ParsedMail(
        message_id=message_id,
        key=message_id or "sha256:" + hashlib.sha256(raw).hexdigest(),
        sender_name=name,
        sender_email=address.lower(),
        subject=str(message.get("Subject", "") or ""),
        text=text,
        in_reply_to=_ids(str(message.get("In-Reply-To", "") or "")),
        references=_ids(str(message.get("References", "") or "")),
        headers={k.lower(): str(v) for k, v in message.items()},
    )
