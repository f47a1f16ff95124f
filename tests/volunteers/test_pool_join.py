"""Joining the pool: clear errors that write nothing, else a pending sign-up and an e-mail."""

import re

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from notifications.models import OutboundEmail
from volunteers.models import POOL_CONSENT_TEXT, PoolMember

pytestmark = pytest.mark.django_db

JOIN_URL = reverse("volunteers:pool_join")
SENT_URL = reverse("volunteers:pool_join_sent")
BAD_EMAIL = "Enter an e-mail address in the correct format, like name@example.org."


def form_data(**changes):
    """A complete, valid sign-up as a browser posts it; `None` leaves a field out."""
    data = {
        "email": "grace@example.org",
        "name": "Grace Hopper",
        "interests": ["web", "events"],
        "skills": "Django, writing docs",
        "consent": "on",
        "website": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def assert_nothing_written():
    assert PoolMember.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def ticked_interests(response) -> list[str]:
    inputs = re.findall(r'<input[^>]*name="interests"[^>]*>', response.content.decode())
    return [re.search(r'value="([^"]+)"', tag)[1] for tag in inputs if " checked" in tag]


@pytest.mark.parametrize(
    ("field", "changes", "message"),
    [
        ("email", {"email": ""}, "Enter your e-mail address."),
        ("name", {"name": ""}, "Enter your name."),
        ("consent", {"consent": None}, "Please tick the box"),
        ("email", {"email": "not-an-address"}, BAD_EMAIL),
        ("name", {"name": "Grace\r\nBcc: victim@example.org"}, "Your name must fit on one line."),
        ("email", {"email": "grace@example.org\r\nBcc: victim@example.org"}, BAD_EMAIL),
        ("email", {"email": "a" * 250 + "@example.org"}, "254 characters or fewer"),
        ("interests", {"interests": ["cooking"]}, "Choose areas from the list."),
        ("frequency", {"frequency": "daily"}, "Choose what you would like to hear about."),
        ("skills", {"skills": "s" * 2_001}, "must be 2,000 characters or fewer."),
    ],
    ids=[
        "missing-email",
        "missing-name",
        "no-consent",
        "invalid-email",
        "newline-in-name",
        "newline-in-email",
        "email-too-long",
        "area-not-offered",
        "frequency-not-offered",
        "skills-too-long",
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(client, areas, field, changes, message):
    response = client.post(JOIN_URL, form_data(**changes))

    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assertContains(response, message)
    assert_nothing_written()


def test_a_valid_sign_up_leads_to_check_your_email(client, areas):
    response = client.post(JOIN_URL, form_data(), follow=True)

    assertRedirects(response, SENT_URL)
    assertContains(response, "Check your e-mail")


def test_a_sign_up_waits_for_confirmation_with_the_consent_it_was_given(client, areas):
    client.post(JOIN_URL, form_data())

    member = PoolMember.objects.get()
    assert member.email == "grace@example.org"
    assert member.confirmed_at is None and not member.is_subscribed
    # What was typed waits with the sign-up's own link: the record holds none of it yet.
    assert (member.name, member.skills, member.consent_text) == ("", "", "")
    assert not member.interests.exists()
    signup = member.signups.get()
    assert signup.name == "Grace Hopper"
    assert signup.skills == "Django, writing docs"
    assert signup.consent_text == POOL_CONSENT_TEXT
    assert sorted(signup.areas) == ["events", "web"]


def test_the_confirmation_email_has_the_link_and_no_way_to_leave_a_pool_not_yet_joined(
    client, areas, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(JOIN_URL, form_data())

    member = PoolMember.objects.get()
    [message] = mailoutbox
    assert message.to == ["grace@example.org"]
    assert f"{settings.SITE_URL}/pool/confirm/{member.signups.get().token}/" in message.body
    headers = message.message()
    assert headers["List-Unsubscribe"] is None
    assert headers["List-Unsubscribe-Post"] is None
    html = message.alternatives[0].content
    for part in (message.body, html):
        assert "/pool/unsubscribe/" not in part
        assert "Leave" not in part


def test_a_bot_filling_the_hidden_field_is_thanked_and_ignored(client, areas):
    response = client.post(JOIN_URL, form_data(website="https://spam.example"))

    assertRedirects(response, SENT_URL)
    assert_nothing_written()


def test_too_many_sign_ups_from_one_address_are_refused(client, areas, settings):
    settings.RATELIMIT_FORM_RATE = "2/m"

    with time_machine.travel(timezone.now(), tick=False):
        responses = [
            client.post(JOIN_URL, form_data(email=f"person{n}@example.org")) for n in range(3)
        ]

    assert [response.status_code for response in responses] == [302, 302, 429]
    assert PoolMember.objects.count() == 2
    # The third is the form again, as it was typed, with the reason at the top.
    assertContains(responses[2], 'value="person2@example.org"', status_code=429)
    assertContains(responses[2], "Django, writing docs", status_code=429)
    assertContains(responses[2], "sent too many times", status_code=429)
    assert ticked_interests(responses[2]) == ["web", "events"]


def test_a_signed_in_person_finds_their_name_and_address_filled_in(client, areas, user):
    client.force_login(user)

    response = client.get(JOIN_URL)

    assertContains(response, 'value="ada@example.org"')
    assertContains(response, 'value="Ada Lovelace"')


def test_a_link_from_an_area_ticks_that_interest(client, areas):
    response = client.get(JOIN_URL, {"area": "web"})

    assert ticked_interests(response) == ["web"]


def test_without_an_area_nothing_is_ticked(client, areas):
    assert ticked_interests(client.get(JOIN_URL)) == []
