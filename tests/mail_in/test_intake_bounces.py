"""A bounce marks the e-mail that failed and tells the apps that keep addresses; it creates,
reopens and sends nothing."""

import pytest
from django.core import mail as django_mail
from django.utils import timezone

from help_requests.models import HelpRequest
from mail_in import extensions
from mail_in.models import InboundMessage
from mail_in.services import mail_intake
from notifications.models import OutboundEmail

from .letters import bounce

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("conversations_handler")]


def sent(to: str, key: str, minutes_ago: int) -> OutboundEmail:
    at = timezone.now() - timezone.timedelta(minutes=minutes_ago)
    return OutboundEmail.objects.create(
        to=to,
        template="help_requests/receipt",
        idempotency_key=key,
        status=OutboundEmail.Status.SENT,
        sent_at=at,
        next_attempt_at=at,
    )


@pytest.fixture
def hooked(monkeypatch):
    """A bounce hook, as the volunteer pool registers one: what it was told."""
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(extensions, "_bounce_hooks", [])
    extensions.on_bounce(lambda *, address, detail: told.append((address, detail)))
    return told


def test_a_bounce_marks_the_latest_email_to_the_address_failed(hooked):
    older = sent("gone@example.org", "a", minutes_ago=60)
    latest = sent("Gone@Example.org", "b", minutes_ago=5)
    someone_else = sent("here@example.org", "c", minutes_ago=1)
    emails = OutboundEmail.objects.count()

    message, created = mail_intake(raw=bounce(failed="gone@example.org"), door="imap")

    assert created and message.outcome == InboundMessage.Outcome.BOUNCE
    for row in (older, latest, someone_else):
        row.refresh_from_db()
    assert latest.status == OutboundEmail.Status.FAILED
    assert latest.last_error == "Bounced: smtp; 550 5.1.1 User unknown"
    assert older.status == someone_else.status == OutboundEmail.Status.SENT
    assert hooked == [("gone@example.org", "smtp; 550 5.1.1 User unknown")]
    assert message.detail == (
        "Bounce for gone@example.org (smtp; 550 5.1.1 User unknown): 1 e-mail(s) in the outbox "
        "marked failed, nothing sent."
    )
    assert OutboundEmail.objects.count() == emails and django_mail.outbox == []
    assert not HelpRequest.objects.exists()


def test_a_second_bounce_marks_the_next_one(hooked):
    first = sent("gone@example.org", "a", minutes_ago=60)
    sent("gone@example.org", "b", minutes_ago=5)
    mail_intake(raw=bounce(failed="gone@example.org"), door="imap")
    mail_intake(raw=bounce(failed="gone@example.org", diagnostic="smtp; 550 no"), door="imap")

    first.refresh_from_db()
    assert (
        first.status == OutboundEmail.Status.FAILED and first.last_error == "Bounced: smtp; 550 no"
    )


def test_a_bounce_for_an_address_we_never_wrote_to_marks_nothing(hooked):
    message, _ = mail_intake(raw=bounce(failed="stranger@example.org"), door="imap")

    assert message.outcome == InboundMessage.Outcome.BOUNCE
    assert "0 e-mail(s) in the outbox marked failed" in message.detail
    assert hooked == [("stranger@example.org", "smtp; 550 5.1.1 User unknown")]
    assert not OutboundEmail.objects.exists()
