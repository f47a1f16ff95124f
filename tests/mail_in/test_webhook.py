"""The HTTP door: POST /mail/inbound/ takes a raw message signed with MAIL_INBOUND_SECRET.

The signature is computed here from the documented format (README, "Mail in"), not with the
view's own helper, so a change to the format fails these tests.
"""

import hashlib
import hmac
import logging
import time

import pytest
from django.test import Client
from django.urls import reverse

from mail_in.models import InboundMessage

from .mails import raw_message

pytestmark = pytest.mark.django_db

SECRET = "whsec-3f9a1c0e7b5d4a2f8e6c"
URL = "/mail/inbound/"


@pytest.fixture(autouse=True)
def door_open(settings):
    settings.MAIL_INBOUND_SECRET = SECRET


def signed(body: bytes, *, secret: str = SECRET, at: float | None = None) -> dict[str, str]:
    timestamp = str(int(time.time() if at is None else at))
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return {"X-Mail-Timestamp": timestamp, "X-Mail-Signature": f"sha256={digest.hexdigest()}"}


def post(client, body: bytes, headers: dict[str, str] | None = None):
    return client.post(URL, data=body, content_type="message/rfc822", headers=headers or {})


def test_the_door_is_at_mail_inbound():
    assert reverse("mail_in:inbound") == URL


def test_a_signed_message_is_taken_in(client):
    body = raw_message(1)

    response = post(client, body, signed(body))

    assert response.status_code == 200
    answer = response.json()
    assert answer["duplicate"] is False
    message = InboundMessage.objects.get()
    assert (answer["outcome"], message.door, message.subject) == (
        message.outcome,
        "webhook",
        "Question 1",
    )
    assert message.raw.read() == body


def test_a_replayed_body_is_answered_as_a_duplicate_and_taken_in_once(client):
    body = raw_message(1)
    headers = signed(body)
    first = post(client, body, headers)

    again = post(client, body, headers)

    assert first.status_code == again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["outcome"] == first.json()["outcome"]
    assert InboundMessage.objects.count() == 1


def test_a_replay_of_a_message_without_message_id_is_a_duplicate_too(client):
    body = raw_message(1, message_id=None)
    post(client, body, signed(body))
    assert post(client, body, signed(body)).json()["duplicate"] is True
    assert InboundMessage.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(lambda body: {}, id="unsigned"),
        pytest.param(lambda body: signed(body, secret="another-secret"), id="other-secret"),
        pytest.param(lambda body: signed(body + b" "), id="other-body"),
        pytest.param(
            lambda body: {**signed(body), "X-Mail-Signature": signed(body)["X-Mail-Signature"][7:]},
            id="no-sha256-prefix",
        ),
        pytest.param(
            lambda body: {**signed(body), "X-Mail-Timestamp": str(int(time.time()) + 1)},
            id="timestamp-not-the-signed-one",
        ),
    ],
)
def test_a_wrong_or_missing_signature_is_refused(client, headers):
    body = raw_message(1)

    response = post(client, body, headers(body))

    assert response.status_code == 403
    assert not InboundMessage.objects.exists()


@pytest.mark.parametrize("age", [-301, 301, 3600])
def test_a_timestamp_more_than_five_minutes_off_is_refused(client, age):
    body = raw_message(1)
    response = post(client, body, signed(body, at=time.time() - age))
    assert response.status_code == 403
    assert not InboundMessage.objects.exists()


def test_a_timestamp_within_five_minutes_is_taken(client):
    body = raw_message(1)
    assert post(client, body, signed(body, at=time.time() - 280)).status_code == 200


def test_the_door_is_closed_without_a_secret(client, settings):
    settings.MAIL_INBOUND_SECRET = ""
    body = raw_message(1)

    response = post(client, body, signed(body, secret=""))

    assert response.status_code == 403
    assert not InboundMessage.objects.exists()


def test_a_message_over_the_limit_is_refused_from_its_length_unread(client, settings):
    settings.MAIL_MAX_MESSAGE_MB = 1
    body = raw_message(1, body="x" * (1024 * 1024))

    response = post(client, body, signed(body))

    assert response.status_code == 413
    assert not InboundMessage.objects.exists()


def test_a_message_just_under_the_limit_is_taken_past_the_form_memory_limit(client, settings):
    """DATA_UPLOAD_MAX_MEMORY_SIZE (for forms) does not cap the door: the mail limit does."""
    settings.MAIL_MAX_MESSAGE_MB = 4
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = raw_message(1, body="y" * (3 * 1024 * 1024))

    response = post(client, body, signed(body))

    assert response.status_code == 200
    assert InboundMessage.objects.get().size == len(body)


def test_only_post(client):
    assert client.get(URL).status_code == 405


def test_no_csrf_token_is_needed():
    body = raw_message(1)
    response = post(Client(enforce_csrf_checks=True), body, signed(body))
    assert response.status_code == 200


def test_neither_the_secret_nor_a_signature_is_ever_logged(client, caplog):
    caplog.set_level(logging.DEBUG)
    body = raw_message(1)
    good = signed(body)
    bad = signed(body, secret="guess")

    post(client, body, bad)
    post(client, body, good)

    refused = [r for r in caplog.records if getattr(r, "event", "") == "mail.inbound_refused"]
    assert [r.reason for r in refused] == ["bad_signature"]
    logged = " ".join(f"{r.getMessage()} {vars(r)}" for r in caplog.records)
    assert SECRET not in logged
    for headers in (good, bad):
        assert headers["X-Mail-Signature"][7:] not in logged
