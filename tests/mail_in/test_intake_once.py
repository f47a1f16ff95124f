"""Each message is taken in once: the same bytes twice, the same Message-ID twice, two workers
at once. A rolled-back intake leaves no file behind."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from help_requests.models import HelpRequest
from mail_in import services
from mail_in.models import InboundMessage
from mail_in.services import mail_intake
from notifications.models import OutboundEmail

from ..concurrency import errors, run_together
from ..conftest import ON_POSTGRES
from .letters import letter

pytestmark = pytest.mark.usefixtures("conversations_handler")

IMAP, WEBHOOK = InboundMessage.Door.IMAP, InboundMessage.Door.WEBHOOK


def stored_files() -> list[Path]:
    return [
        p for p in Path(settings.STORAGES["mail"]["OPTIONS"]["location"]).rglob("*") if p.is_file()
    ]


@pytest.mark.django_db
def test_the_same_bytes_twice_are_taken_in_once():
    raw = letter(message_id="once@example.org")
    first, created = mail_intake(raw=raw, door=IMAP)
    emails = OutboundEmail.objects.count()

    again, created_again = mail_intake(raw=raw, door=WEBHOOK)

    assert created and not created_again and again == first
    assert again.door == IMAP  # the first record stands, untouched
    assert InboundMessage.objects.count() == HelpRequest.objects.count() == 1
    assert OutboundEmail.objects.count() == emails
    assert len(stored_files()) == 1


@pytest.mark.django_db
def test_the_same_message_id_with_other_bytes_is_the_same_message():
    first, _ = mail_intake(raw=letter(message_id="relayed@example.org"), door=IMAP)
    relayed = letter(message_id="relayed@example.org", headers={"Received": "by relay"})

    again, created = mail_intake(raw=relayed, door=IMAP)

    assert not created and again == first and HelpRequest.objects.count() == 1


@pytest.mark.django_db
def test_a_message_without_a_message_id_is_known_by_its_bytes():
    raw = letter(message_id=None)
    first, _ = mail_intake(raw=raw, door=IMAP)
    assert first.message_id == "" and first.message_key.startswith("sha256:")

    assert mail_intake(raw=raw, door=IMAP) == (first, False)
    other, created = mail_intake(raw=letter(message_id=None, body="Another"), door=IMAP)
    assert created and other != first


@pytest.mark.django_db
def test_a_worker_that_loses_the_race_on_the_key_returns_the_winners_row(monkeypatch):
    raw = letter(message_id="raced@example.org")
    winner, _ = mail_intake(raw=raw, door=IMAP)
    looks = iter([None])  # the loser looked before the winner's row was there
    real = services._taken_in
    monkeypatch.setattr(services, "_taken_in", lambda key: next(looks, real(key)))

    with transaction.atomic():  # the loser's IntegrityError leaves the caller's transaction usable
        loser, created = mail_intake(raw=raw, door=WEBHOOK)
        assert InboundMessage.objects.count() == 1

    assert (loser.pk, created) == (winner.pk, False)
    assert HelpRequest.objects.count() == 1 and len(stored_files()) == 1  # no second file


@pytest.mark.django_db
def test_an_intake_rolled_back_by_its_caller_leaves_no_file():
    with pytest.raises(RuntimeError), transaction.atomic():
        mail_intake(raw=letter(), door=IMAP)
        assert len(stored_files()) == 1
        raise RuntimeError("the worker died before the commit")

    assert not InboundMessage.objects.exists()
    assert stored_files() == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_intake_keeps_its_file():
    message, _ = mail_intake(raw=letter(), door=IMAP)

    assert [p.name for p in stored_files()] == [Path(message.raw.name).name]


@pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://...")
@pytest.mark.django_db(transaction=True)
def test_two_workers_with_one_message_process_it_once():
    raw = letter(message_id="both@example.org")

    results = run_together(4, lambda n: mail_intake(raw=raw, door=IMAP if n % 2 else WEBHOOK))

    assert errors(results) == []
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert len({message.pk for message, _ in results}) == 1
    assert InboundMessage.objects.count() == HelpRequest.objects.count() == 1
    assert OutboundEmail.objects.filter(template="help_requests/receipt").count() == 1
    assert len(stored_files()) == 1  # the losers' files went with their rollbacks
