"""What kind of message this is (a stand-in until the full reader lands: same names, less care).

`classify(mail) -> Kind`, `visible_reply(text)` and `parse_headers(raw)` are the API intake
calls; the full version replaces this module whole (docs/mail-in.md)."""

import email
import email.policy
import email.utils
import hashlib
from email.message import EmailMessage
from enum import StrEnum

from django.conf import settings

from .parsing import ParsedMail


class Kind(StrEnum):
    NORMAL = "normal"
    AUTO_REPLY = "auto_reply"
    LIST = "list"
    BOUNCE = "bounce"
    SPAM = "spam"
    OWN = "own"


def classify(mail: ParsedMail) -> Kind:
    headers = mail.headers
    own = email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()
    if mail.sender_email and mail.sender_email == own:
        return Kind.OWN
    content_type = headers.get("content-type", "").lower()
    if "multipart/report" in content_type and "delivery-status" in content_type:
        return Kind.BOUNCE
    if headers.get("auto-submitted", "no").strip().lower() != "no":
        return Kind.AUTO_REPLY
    if "x-autoreply" in headers or "x-autorespond" in headers:
        return Kind.AUTO_REPLY
    if headers.get("precedence", "").strip().lower() in {"bulk", "junk", "list"}:
        return Kind.AUTO_REPLY
    if "list-id" in headers:
        return Kind.LIST
    if headers.get("x-spam-flag", "").strip().upper() == "YES":
        return Kind.SPAM
    return Kind.NORMAL


def visible_reply(text: str) -> str:
    return text.strip()


def parse_headers(raw: bytes) -> ParsedMail:
    """The headers only (a message over the size limit is not read further)."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    message = email.message_from_bytes(head, _class=EmailMessage, policy=email.policy.default)
    message_id = str(message.get("Message-ID", "") or "").strip().strip("<>")
    name, address = email.utils.parseaddr(str(message.get("From", "") or ""))
    return ParsedMail(
        message_id=message_id,
        key=message_id or "sha256:" + hashlib.sha256(raw).hexdigest(),
        sender_name=name,
        sender_email=address.lower(),
        subject=str(message.get("Subject", "") or ""),
        text="",
        headers={k.lower(): str(v) for k, v in message.items()},
    )
