"""Intake: one service for every door. Each message is recorded once, with what it became."""

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from .models import InboundMessage
from .parsing import parse_message


def mail_intake(*, raw: bytes, door: InboundMessage.Door) -> tuple[InboundMessage, bool]:
    """Record and act on one raw message; (row, False) when it was taken in before.

    Storing and acting happen in one transaction: a crash leaves neither. Never raises on what
    the message holds (mail_in/parsing.py never does)."""
    mail = parse_message(raw)
    existing = InboundMessage.objects.filter(message_key=mail.key[:255]).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            message = InboundMessage(
                message_key=mail.key[:255],
                message_id=mail.message_id[:998],
                door=door,
                size=len(raw),
                sender_name=mail.sender_name[:200],
                sender_email=mail.sender_email[:254],
                subject=mail.subject[:255],
                text=mail.text,
                outcome=InboundMessage.Outcome.QUARANTINED,
                reason=InboundMessage.Reason.UNREADABLE,
                detail="Not read yet: intake is being built.",
            )
            message.raw.save("message.eml", ContentFile(raw), save=False)
            message.save()
    except IntegrityError:
        # Another worker recorded the same message first: theirs stands.
        return InboundMessage.objects.get(message_key=mail.key[:255]), False
    return message, True
