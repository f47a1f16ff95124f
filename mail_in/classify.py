"""What kind of mail a ParsedMail is, from its headers alone (docs/mail-in.md, "Reading a message").

Only NORMAL mail may start a request or answer one; every other kind is recorded and left alone,
so the portal never answers a machine and never loops (RFC 3834, section 2)."""

import re
import warnings
from email.utils import parseaddr
from enum import StrEnum

from django.conf import settings
from mailparser_reply import EmailReplyParser

from .parsing import ParsedMail

# Our own loop header: the outbox puts it on every mail the portal sends (docs/mail-in.md).
OWN_HEADER = "x-psf-helpdesk"

# Languages whose "On ... wrote:" lines visible_reply recognises (English always included).
REPLY_LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "ja"]


class Kind(StrEnum):
    NORMAL = "normal"  # a person writing: may start or answer a request
    AUTO_REPLY = "auto_reply"  # RFC 3834: out-of-office, vacation, autoresponders, bulk
    LIST = "list"  # RFC 2919: a mailing list's post (List-Id)
    BOUNCE = "bounce"  # RFC 3464: a delivery-status report
    SPAM = "spam"  # an upstream filter said so (X-Spam-Flag: YES)
    OWN = "own"  # our own mail coming back (the loop header, or our sending address)


def _auto_submitted(value: str) -> bool:
    """RFC 3834, 5: any Auto-Submitted value but "no" (parameters and case ignored); an empty
    one too, as the issue reads it: a machine that marks its mail but says nothing is no person."""
    keyword = value.partition(";")[0].partition("(")[0].strip().lower()
    return keyword != "no"


def _from_mail_system(mail: ParsedMail) -> bool:
    sender = mail.headers.get("from", "").lower()
    local = mail.sender_email.partition("@")[0]
    return local in ("mailer-daemon", "postmaster") or (
        not mail.sender_email and bool(re.search(r"\b(mailer-daemon|postmaster)\b", sender))
    )


def classify(mail: ParsedMail) -> Kind:
    """The first that applies: OWN, BOUNCE, AUTO_REPLY, LIST, SPAM, else NORMAL."""
    headers = mail.headers
    # Nobody but the portal writes from its sending address: what comes from it is ours.
    ours = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()
    if OWN_HEADER in headers or (ours and mail.sender_email == ours):
        return Kind.OWN
    if mail.report_type == "delivery-status" or (
        mail.has_delivery_status and _from_mail_system(mail)
    ):
        return Kind.BOUNCE
    precedence = headers.get("precedence", "").strip().lower()
    if (
        ("auto-submitted" in headers and _auto_submitted(headers["auto-submitted"]))
        or "x-autoreply" in headers
        or "x-autorespond" in headers
        or mail.report_type == "disposition-notification"  # a read receipt, RFC 8098
        or precedence in ("bulk", "junk")
        # A list sets "Precedence: list" on its posts: that is a list's mark, read as one below.
        or (precedence == "list" and "list-id" not in headers)
    ):
        return Kind.AUTO_REPLY
    if "list-id" in headers:
        return Kind.LIST
    if headers.get("x-spam-flag", "").strip().upper() == "YES":
        return Kind.SPAM
    return Kind.NORMAL


MAX_REPLY_CHARS = 100_000  # the reply parser's patterns run on at most this much text


def visible_reply(text: str) -> str:
    """The newest part of a reply, without the quoted history and the signature, for display.

    Staff can always open the whole message; when nothing would be left, the text is kept."""
    try:
        with warnings.catch_warnings():
            # mail-parser-reply 1.36 passes re.sub's count by position (a DeprecationWarning
            # on every call): quiet here, where it is known.
            warnings.filterwarnings("ignore", category=DeprecationWarning, module="mailparser")
            message = EmailReplyParser(languages=REPLY_LANGUAGES).read(text[:MAX_REPLY_CHARS])
        if len(text) > MAX_REPLY_CHARS and len(message.replies) < 2:
            return text  # no history found in the part read: nothing to strip
        if not message.replies or message.replies[0].headers:
            return text  # it starts with quoted history: there are no new words to pick out
        visible = message.replies[0].body
    except Exception:  # the parser's patterns on odd text: show the text as it came
        return text
    return visible if visible.strip() else text
