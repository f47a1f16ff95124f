"""The confirmation link: a button to press (mail scanners only GET), then a welcome, once."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from volunteers.models import PoolMember
from volunteers.services import pool_member_unsubscribe

from ..factories import PoolMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending() -> PoolMember:
    return PoolMemberFactory(email="ada@example.org", name="Ada Lovelace", confirmed_at=None)


def welcomes(mailoutbox):
    return [m for m in mailoutbox if m.subject == "Welcome to the PSF volunteer pool"]


def test_get_on_the_confirm_link_shows_a_button_and_does_not_confirm(
    client, pending, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(pending.signups.get().confirm_url())

    assertContains(response, "Confirm and join")
    pending.refresh_from_db()
    assert pending.confirmed_at is None
    assert mailoutbox == []


def test_pressing_the_button_confirms_and_welcomes_by_email_with_a_way_out(
    client, pending, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(pending.signups.get().confirm_url())

    assertContains(response, "Welcome to the volunteer pool")
    pending.refresh_from_db()
    assert pending.is_subscribed
    [welcome] = welcomes(mailoutbox)
    assert welcome.to == ["ada@example.org"]
    headers = welcome.message()
    unsubscribe = f"{settings.SITE_URL}/pool/unsubscribe/{pending.unsubscribe_token}/one-click/"
    assert headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_pressing_the_button_twice_sends_one_welcome(
    client, pending, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(pending.signups.get().confirm_url())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(pending.signups.get().confirm_url())

    assert response.status_code == 200
    assert len(welcomes(mailoutbox)) == 1


def test_an_unknown_link_is_not_found(client, pending):
    assert client.get("/pool/confirm/not-a-real-token/").status_code == 404
    assert client.post("/pool/confirm/not-a-real-token/").status_code == 404


def test_a_link_older_than_the_confirmation_window_has_expired(client, pending, settings):
    days_later = timezone.now() + timedelta(days=settings.POOL_CONFIRM_DAYS, hours=1)

    with time_machine.travel(days_later):
        page = client.get(pending.signups.get().confirm_url())
        pressed = client.post(pending.signups.get().confirm_url())

    assert page.status_code == pressed.status_code == 410
    assertContains(pressed, "This link has expired", status_code=410)
    pending.refresh_from_db()
    assert pending.confirmed_at is None


def test_a_link_just_inside_the_confirmation_window_still_works(client, pending, settings):
    almost = timezone.now() + timedelta(days=settings.POOL_CONFIRM_DAYS, hours=-1)

    with time_machine.travel(almost):
        client.post(pending.signups.get().confirm_url())

    pending.refresh_from_db()
    assert pending.is_subscribed


def test_confirming_needs_the_pages_csrf_token(pending):
    browser = Client(enforce_csrf_checks=True)

    forged = browser.post(pending.signups.get().confirm_url())
    page = browser.get(pending.signups.get().confirm_url())
    pressed = browser.post(
        pending.signups.get().confirm_url(), {"csrfmiddlewaretoken": page.context["csrf_token"]}
    )

    assert forged.status_code == 403
    assert pressed.status_code == 200
    pending.refresh_from_db()
    assert pending.is_subscribed


def test_someone_who_left_cannot_be_welcomed_back_by_an_old_confirm_link(
    client, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    left = PoolMemberFactory(confirmed_at=None)
    link = left.signups.get().confirm_url()
    client.post(link)
    pool_member_unsubscribe(member=left)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link)

    assertNotContains(response, "Welcome to the volunteer pool")
    assertContains(response, "left the pool")
    left.refresh_from_db()
    assert not left.is_subscribed
    assert welcomes(mailoutbox) == []
