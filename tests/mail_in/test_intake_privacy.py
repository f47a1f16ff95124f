"""Mail to psf@ is part of a person's data: in their export, gone with their erasure, and its
raw bytes and text deleted after MAIL_RETENTION_DAYS (as /privacy/ says)."""

import hashlib
import secrets
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from common.privacy import EXPIRED, REMOVED
from mail_in.models import InboundMessage
from mail_in.services import mail_intake
from privacy.models import AccessLink, Erasure
from privacy.retention import retention_run
from privacy.services import person_erase, person_export, person_of_address

from .letters import letter

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("conversations_handler")]


def stored() -> set[str]:
    root = Path(settings.STORAGES["mail"]["OPTIONS"]["location"])
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def take(raw: bytes) -> InboundMessage:
    return mail_intake(raw=raw, door=InboundMessage.Door.IMAP)[0]


@pytest.fixture
def graces_and_adas():
    grace = take(
        letter(sender="Grace Hopper <Grace@Example.org>", subject="Spam?", body="Grace here",
               headers={"X-Spam-Flag": "YES"})
    )  # fmt: skip
    ada = take(letter(sender="ada@example.org", subject="Ada's", body="Ada here"))
    return grace, ada


def test_the_export_holds_the_persons_mail_to_us(graces_and_adas):
    data = person_export(person=person_of_address(email="grace@example.org"))

    assert data["emails_to_us"] == [
        {
            "received_at": graces_and_adas[0].received_at,
            "from": "grace@example.org",
            "name": "Grace Hopper",
            "subject": "Spam?",
            "text": "Grace here",
            "what_became_of_it": "Quarantined",
            "reference": "",
        }
    ]


def test_erasure_deletes_the_raw_message_and_blanks_what_it_said(
    graces_and_adas, django_capture_on_commit_callbacks
):
    grace, ada = graces_and_adas
    with django_capture_on_commit_callbacks(execute=True):
        erasure = person_erase(
            person=person_of_address(email="grace@example.org"), via=Erasure.Via.LINK
        )

    grace.refresh_from_db()
    ada.refresh_from_db()
    assert erasure.counts["incoming_messages"] == 1
    assert (grace.sender_name, grace.sender_email, grace.subject) == ("", "", "")
    assert grace.text == REMOVED and not grace.raw
    assert grace.outcome == InboundMessage.Outcome.QUARANTINED  # what arrived, still accounted
    assert stored() == {ada.raw.name}  # Grace's file is gone, Ada's stays
    assert (ada.sender_email, ada.text) == ("ada@example.org", "Ada here")
    assert person_export(person=person_of_address(email="grace@example.org"))["emails_to_us"] == []


def test_retention_deletes_raw_mail_and_its_text_after_the_period(
    django_capture_on_commit_callbacks,
):
    day0 = timezone.now()
    with time_machine.travel(day0, tick=False):
        old = take(letter(subject="Old"))
    with time_machine.travel(day0 + timedelta(days=2), tick=False):
        newer = take(letter(subject="Newer", sender="ada@example.org"))

    almost = day0 + timedelta(days=settings.MAIL_RETENTION_DAYS) - timedelta(minutes=1)
    with time_machine.travel(almost, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert retention_run().counts["incoming_mail_expired"] == 0
    after = day0 + timedelta(days=settings.MAIL_RETENTION_DAYS, minutes=1)
    with time_machine.travel(after, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert retention_run().counts["incoming_mail_expired"] == 1
        assert retention_run().counts["incoming_mail_expired"] == 0  # once

    old.refresh_from_db()
    newer.refresh_from_db()
    assert not old.raw and old.text == EXPIRED and old.subject == "Old"
    assert newer.raw and newer.text.startswith("Could the PSF")
    assert stored() == {newer.raw.name}


def test_the_privacy_page_states_the_period(client, settings):
    settings.MAIL_RETENTION_DAYS = 45

    page = " ".join(client.get("/privacy/").content.decode().split())

    assert "Writing to psf@python.org" in page
    assert "are deleted 45 days after it arrived" in page


def test_the_persons_page_counts_the_mail_they_sent(client, graces_and_adas):
    token = secrets.token_urlsafe(32)
    AccessLink.objects.create(
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        email="grace@example.org",
        created_at=timezone.now(),
        expires_at=timezone.now() + timedelta(hours=1),
    )
    assert client.post(f"/privacy/link/{token}/")["Location"] == "/privacy/data/"

    page = " ".join(client.get("/privacy/data/").content.decode().split())

    assert "E-mails you sent to psf@python.org</h2> <p>1 e-mail as they arrived" in page
