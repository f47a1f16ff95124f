"""Intake: one service for every door, and staff's decisions on quarantined mail.

Each message is recorded once (its Message-ID, or a hash of its bytes), in the transaction that
acts on it; docs/mail-in.md, "What a message becomes", has the order of the decisions."""

import dataclasses
import hashlib
import logging
import re
import weakref
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from notifications.services import outbound_email_bounced

from .classify import Kind, classify
from .extensions import ReplyRefused, Routed, bounce_hooks, conversations
from .models import InboundMessage, raw_storage
from .parsing import ParsedMail, parse_headers, parse_message
from .threads import ThreadMatch, match_thread

logger = logging.getLogger("mail_in")

Outcome = InboundMessage.Outcome
Reason = InboundMessage.Reason
NOTHING_SENT = "nothing sent"


def _clean(text: str, length: int | None = None) -> str:
    """What a message said, safe for every database: undecodable bytes (kept by the email
    package as surrogates) read as UTF-8 where they are, no NUL, cut to the column."""
    try:
        data = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate no byte stands for
        data = text.encode("utf-8", "replace")
    text = data.decode("utf-8", "replace").replace("\x00", "")
    return text[:length] if length is not None else text


def _delete_raw(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:  # a file left behind must not turn a rollback into an error
        logger.exception("mail_in: could not delete the raw message %s", name)


class _KeepRawOnCommit:
    """An on_commit callback that deletes the stored message if it is dropped unrun: the
    transaction around intake rolled back (the way attachments/services.py keeps its files)."""

    def __init__(self, storage: Storage, name: str) -> None:
        self._forget = weakref.finalize(self, _delete_raw, storage, name)

    def __call__(self) -> None:
        self._forget.detach()


def _store_raw(message: InboundMessage, raw: bytes) -> None:
    """Keep the bytes as they came (STORAGES["mail"]) exactly as long as the row commits."""
    message.raw.save("message.eml", ContentFile(raw), save=False)
    name = str(message.raw.name)
    try:
        transaction.on_commit(_KeepRawOnCommit(raw_storage(), name))
    except BaseException:
        _delete_raw(raw_storage(), name)
        raise


def _cleaned(mail: ParsedMail) -> ParsedMail:
    """The words handlers get are safe to store too (a request's title, a reply's text)."""
    return dataclasses.replace(
        mail,
        sender_name=_clean(mail.sender_name),
        sender_email=_clean(mail.sender_email),
        subject=_clean(mail.subject),
        text=_clean(mail.text),
        files=tuple(dataclasses.replace(f, name=_clean(f.name)) for f in mail.files),
    )


def _read(raw: bytes, *, too_big: bool) -> tuple[ParsedMail, Exception | None]:
    """The message read (only its headers when it is too big), and what went wrong reading it.
    Reading never raises (mail_in/parsing.py); a bug there still leaves a record."""
    try:
        return _cleaned(parse_headers(raw) if too_big else parse_message(raw)), None
    except Exception as error:  # logged where it is recorded (_act)
        try:
            return _cleaned(parse_headers(raw)), error
        except Exception:
            key = "sha256:" + hashlib.sha256(raw).hexdigest()
            return ParsedMail("", key, "", "", "", ""), error


def _taken_in(key: str) -> InboundMessage | None:
    return InboundMessage.objects.filter(message_key=key).first()


def mail_intake(*, raw: bytes, door: InboundMessage.Door | str) -> tuple[InboundMessage, bool]:
    """Record and act on one raw message; (row, False) when it was taken in before.

    The row is written first, so a second worker with the same message waits on its unique key
    and then finds it; acting happens in a savepoint of the same transaction, so an error while
    acting leaves the message recorded (quarantined, unreadable) and nothing half done. Never
    raises on what the message holds."""
    too_big = len(raw) > settings.MAIL_MAX_MESSAGE_MB * 1024 * 1024
    mail, read_error = _read(raw, too_big=too_big)
    key = _clean(mail.key, 255)
    existing = _taken_in(key)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            message = InboundMessage.objects.create(
                message_key=key,
                message_id=_clean(mail.message_id, 998),
                door=door,
                size=len(raw),
                sender_name=_clean(mail.sender_name, 200),
                sender_email=_clean(mail.sender_email, 254),
                subject=_clean(mail.subject, 255),
                text=_clean(mail.text),
                outcome=Outcome.QUARANTINED,
                reason=Reason.UNREADABLE,
                detail="Being read.",
            )
            _store_raw(message, raw)
            _act(message, mail, raw=raw, too_big=too_big, read_error=read_error)
            message.save()
    except IntegrityError:
        # Another worker recorded the same message first: theirs stands.
        existing = _taken_in(key)
        if existing is None:
            raise
        return existing, False
    logger.info(
        "mail_in.taken_in door=%s outcome=%s reason=%s", door, message.outcome, message.reason
    )
    return message, True


def _act(
    message: InboundMessage,
    mail: ParsedMail,
    *,
    raw: bytes,
    too_big: bool,
    read_error: Exception | None,
) -> None:
    """Decide what the message is and do it, in a savepoint: anything unexpected undoes what
    acting wrote and leaves the message quarantined as unreadable, with the error for staff."""
    try:
        with transaction.atomic():
            if read_error is not None:
                raise read_error
            _decide(message, mail, raw=raw, too_big=too_big)
    except Exception as error:
        logger.exception("mail_in.unreadable message=%s", message.pk)
        message.outcome, message.reason = Outcome.QUARANTINED, Reason.UNREADABLE
        message.target, message.reference = None, ""
        message.detail = _clean(
            f"Could not be read ({type(error).__name__}: {error}): quarantined, {NOTHING_SENT}. "
            "Staff can download the message as it came.",
            5000,
        )
        return
    if mail.problems:
        message.detail += " What could not be read: " + "; ".join(mail.problems)
    message.detail = _clean(message.detail)


def _set(
    message: InboundMessage,
    outcome: InboundMessage.Outcome,
    detail: str,
    reason: InboundMessage.Reason | str = "",
) -> None:
    message.outcome, message.reason, message.detail = outcome, reason, detail


def _decide(message: InboundMessage, mail: ParsedMail, *, raw: bytes, too_big: bool) -> None:
    if too_big:
        size, limit = len(raw) / 1024 / 1024, settings.MAIL_MAX_MESSAGE_MB
        _set(
            message,
            Outcome.QUARANTINED,
            f"Over the size limit ({size:.1f} MB; the limit is {limit} MB): only its headers "
            f"were read, {NOTHING_SENT}.",
            Reason.SIZE,
        )
        return
    kind = classify(mail)
    if kind == Kind.OWN:
        _set(message, Outcome.OWN, f"Our own message came back: ignored, {NOTHING_SENT}.")
        return
    if kind == Kind.AUTO_REPLY:
        why = _header_said(mail, ("auto-submitted", "x-autoreply", "x-autorespond", "precedence"))
        _set(message, Outcome.AUTO_REPLY, f"Auto-reply{why}: ignored, {NOTHING_SENT}.")
        return
    if kind == Kind.LIST:
        why = _header_said(mail, ("list-id",))
        _set(message, Outcome.LIST, f"List mail{why}: ignored, {NOTHING_SENT}.")
        return
    if kind == Kind.BOUNCE:
        _bounce(message, mail, raw)
        return
    if kind == Kind.SPAM:
        why = _header_said(mail, ("x-spam-flag",))
        _set(
            message,
            Outcome.QUARANTINED,
            f"Flagged as spam upstream{why}: quarantined, {NOTHING_SENT}.",
            Reason.SPAM,
        )
        return
    if not _usable(mail.sender_email):
        _set(
            message,
            Outcome.QUARANTINED,
            f"No usable sender address in its From: quarantined, {NOTHING_SENT}.",
            Reason.NO_SENDER,
        )
        return
    cap = settings.MAIL_SENDER_HOURLY_CAP
    recent = (
        InboundMessage.objects.filter(
            sender_email=message.sender_email,
            received_at__gte=timezone.now() - timedelta(hours=1),
        )
        .exclude(pk=message.pk)
        .count()
    )
    if recent >= cap:
        _set(
            message,
            Outcome.QUARANTINED,
            f"This sender had already sent {recent} messages in the last hour (the cap is "
            f"{cap}): quarantined, {NOTHING_SENT}.",
            Reason.RATE,
        )
        return
    match = match_thread(mail)
    if match is None:
        _start(message, mail)
    else:
        _reply(message, mail, match)


def _header_said(mail: ParsedMail, names: tuple[str, ...]) -> str:
    """' (Auto-Submitted: auto-replied)': the first of `names` the message carries."""
    for name in names:
        value = mail.headers.get(name, "").strip()
        if value:
            return f" ({'-'.join(part.capitalize() for part in name.split('-'))}: {value[:100]})"
    return ""


def _usable(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


DIAGNOSTIC = re.compile(rb"^Diagnostic-Code:[ \t]*(.+)$", re.MULTILINE | re.IGNORECASE)


def _bounce(message: InboundMessage, mail: ParsedMail, raw: bytes) -> None:
    """RFC 3464: each failed address marks its outbox row and tells every bounce hook (the pool
    suppresses the member). Never an answer to a bounce."""
    found = DIAGNOSTIC.search(raw[: 1024 * 1024])
    said = found.group(1).decode("utf-8", "replace").strip() if found else ""
    detail = said or mail.subject or "delivery failed"
    marked = 0
    for address in dict.fromkeys(a.lower() for a in mail.bounced):
        marked += outbound_email_bounced(address=address, detail=detail)
        for hook in bounce_hooks():
            hook(address=address, detail=detail)
    if not mail.bounced:
        text = f"Bounce naming no failed address: nothing marked, {NOTHING_SENT}."
    else:
        text = (
            f"Bounce for {', '.join(mail.bounced)} ({detail[:300]}): {marked} e-mail(s) in the "
            f"outbox marked failed, {NOTHING_SENT}."
        )
    _set(message, Outcome.BOUNCE, text)


def _handler_missing(message: InboundMessage) -> None:
    _set(
        message,
        Outcome.QUARANTINED,
        "No app takes conversations in this portal (no handler is registered): kept for staff, "
        f"{NOTHING_SENT}.",
        Reason.UNREADABLE,
    )


def _routed(
    message: InboundMessage, routed: Routed, outcome: InboundMessage.Outcome, detail: str
) -> None:
    message.target = routed.target
    message.reference = routed.reference[:20]
    _set(message, outcome, f"{detail} {routed.detail}".strip())


def _start(message: InboundMessage, mail: ParsedMail) -> None:
    handler = conversations()
    if handler is None:
        _handler_missing(message)
        return
    routed = handler.start(mail=mail, message=message)
    _routed(message, routed, Outcome.NEW_REQUEST, f"New request {routed.reference}.")


def _reply(message: InboundMessage, mail: ParsedMail, match: ThreadMatch) -> None:
    handler = conversations()
    if handler is None:
        _handler_missing(message)
        return
    if not match.signature_ok:
        _set(
            message,
            Outcome.QUARANTINED,
            f"Sent to a reply address for {match.reference[:20]} whose signature does not match "
            f"(forged or mangled): not attached to any request, {NOTHING_SENT}.",
            Reason.BAD_SIGNATURE,
        )
        return
    message.reference = match.reference
    if match.owner.lower() != message.sender_email.lower():
        _set(
            message,
            Outcome.QUARANTINED,
            f"A reply to {match.reference} (matched by its {match.via}) from an address that is "
            f"not the submitter's: staff decide, {NOTHING_SENT}.",
            Reason.OTHER_SENDER,
        )
        return
    try:
        with transaction.atomic():  # a refusal undoes whatever the handler wrote
            routed = handler.reply(reference=match.reference, mail=mail, message=message)
    except ReplyRefused as refused:
        said = refused.detail.rstrip(". ")
        _set(message, Outcome.QUARANTINED, f"{said}: quarantined, {NOTHING_SENT}.", refused.reason)
        return
    _routed(
        message, routed, Outcome.REPLY, f"Reply to {match.reference} matched by its {match.via}."
    )


# Staff's decisions ---------------------------------------------------------------------------


def _quarantined(message: InboundMessage) -> InboundMessage:
    """The message locked, if it is still in quarantine; ValidationError otherwise."""
    locked = InboundMessage.objects.select_for_update().get(pk=message.pk)
    if locked.outcome != Outcome.QUARANTINED:
        raise ValidationError(
            f"Only a quarantined message can be decided on; this one is already "
            f"“{locked.get_outcome_display()}”.",
            code="not_quarantined",
        )
    return locked


def _mail_of(message: InboundMessage) -> ParsedMail:
    """The message read again from its raw bytes, or as recorded once they are gone."""
    if message.raw:
        try:
            with message.raw.open("rb") as handle:
                return _cleaned(parse_message(handle.read()))
        except FileNotFoundError:
            pass
    return ParsedMail(
        message_id=message.message_id,
        key=message.message_key,
        sender_name=message.sender_name,
        sender_email=message.sender_email,
        subject=message.subject,
        text=message.text,
    )


def inbound_message_release(*, message: InboundMessage, by: User) -> InboundMessage:
    """Staff turn a quarantined message into a new request (the handler acknowledges it as it
    would any new conversation). Raises ValidationError for a message not in quarantine."""
    with transaction.atomic():
        locked = _quarantined(message)
        handler = conversations()
        if handler is None:
            raise ValidationError("No app takes conversations in this portal.", code="no_handler")
        routed = handler.start(mail=_mail_of(locked), message=locked)
        locked.target = routed.target
        locked.reference = routed.reference[:20]
        locked.outcome, locked.reason = Outcome.NEW_REQUEST, ""
        locked.detail = f"{locked.detail} Turned into {routed.reference} by staff.".strip()
        locked.decided_by, locked.decided_at = by, timezone.now()
        locked.save()
    return locked


def inbound_message_discard(*, message: InboundMessage, by: User) -> InboundMessage:
    """Staff discard a quarantined message: it stays listed (until the retention period), and
    nothing is sent. Raises ValidationError for a message not in quarantine."""
    with transaction.atomic():
        locked = _quarantined(message)
        locked.outcome = Outcome.DISCARDED
        locked.detail = f"{locked.detail} Discarded by staff.".strip()
        locked.decided_by, locked.decided_at = by, timezone.now()
        locked.save(update_fields=["outcome", "detail", "decided_by", "decided_at"])
    return locked
