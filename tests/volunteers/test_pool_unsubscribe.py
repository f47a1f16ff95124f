"""Leaving the pool: a button on the page, or one click in the mail client (RFC 8058)."""

import logging

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from notifications.models import OutboundEmail
from psf_helpdesk.tasks import send_staff_digest
from tests.signin import force_sign_in
from volunteers.models import PoolMember

from ..factories import PoolMemberFactory

pytestmark = pytest.mark.django_db

ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture
def member() -> PoolMember:
    return PoolMemberFactory(email="ada@example.org", name="Ada Lovelace")


def still_subscribed(member: PoolMember) -> bool:
    member.refresh_from_db()
    return member.is_subscribed


def test_get_on_the_unsubscribe_link_shows_a_button_and_does_not_unsubscribe(client, member):
    response = client.get(member.unsubscribe_url())

    assertContains(response, "Leave the pool")
    assert still_subscribed(member)


def test_pressing_the_button_on_the_page_unsubscribes(member):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(member.unsubscribe_url())

    response = browser.post(
        member.unsubscribe_url(), {"csrfmiddlewaretoken": page.context["csrf_token"]}
    )

    assertContains(response, "You have left")
    assert not still_subscribed(member)


def test_leaving_sends_no_email(client, member):
    client.post(member.unsubscribe_url())

    assert OutboundEmail.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        {"data": ONE_CLICK, "content_type": "application/x-www-form-urlencoded"},
        {"data": {"List-Unsubscribe": "One-Click"}},  # multipart/form-data, also allowed
    ],
    ids=["urlencoded", "multipart"],
)
def test_the_mail_clients_one_click_post_unsubscribes_without_a_csrf_token(member, body):
    response = Client(enforce_csrf_checks=True).post(member.unsubscribe_one_click_url(), **body)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert not still_subscribed(member)


def test_the_page_takes_no_post_without_its_csrf_token_not_even_the_one_click_body(member):
    """The page's form is CSRF checked like every other; one click has a URL of its own."""
    browser = Client(enforce_csrf_checks=True)

    for body in ({}, {"List-Unsubscribe": "One-Click"}):
        assert browser.post(member.unsubscribe_url(), body).status_code == 403

    assert still_subscribed(member)


def test_the_one_click_url_takes_only_the_one_click_body(member):
    browser = Client(enforce_csrf_checks=True)

    for body in ({}, {"List-Unsubscribe": "Yes please"}, {"csrfmiddlewaretoken": "x"}):
        response = browser.post(member.unsubscribe_one_click_url(), body)
        assert response.status_code == 400

    assert still_subscribed(member)


def test_opening_the_one_click_url_shows_the_page_with_the_button(client, member):
    """A mail client without one-click opens the header's link in a browser: a GET, which
    never unsubscribes."""
    response = client.get(member.unsubscribe_one_click_url(), follow=True)

    assert response.redirect_chain == [(member.unsubscribe_url(), 302)]
    assertContains(response, "Leave the pool")
    assert still_subscribed(member)


@pytest.mark.parametrize(
    "name", ["volunteers:pool_unsubscribe", "volunteers:pool_unsubscribe_one_click"]
)
def test_an_unknown_link_is_not_found(client, member, name):
    url = reverse(name, args=["not-a-real-token"])

    assert client.get(url).status_code == 404
    one_click = client.post(url, data=ONE_CLICK, content_type="application/x-www-form-urlencoded")
    assert one_click.status_code == 404
    assert still_subscribed(member)


def test_the_one_click_link_is_kept_out_of_the_logs(client, member, caplog):
    client.post(member.unsubscribe_one_click_url(), {})  # a 400, which Django logs with its path

    console = logging.getHandlerByName("console")  # settings.LOGGING's, with its filters
    assert console is not None
    lines = [console.format(record) for record in caplog.records if console.filter(record)]
    assert any("/pool/unsubscribe/" in line for line in lines), lines
    assert not any(member.unsubscribe_token in line for line in lines), lines


def test_leaving_twice_keeps_the_first_date(client, member):
    client.post(member.unsubscribe_url())
    member.refresh_from_db()
    left_at = member.unsubscribed_at

    response = client.post(member.unsubscribe_url())

    assertContains(response, "You have left")
    member.refresh_from_db()
    assert member.unsubscribed_at == left_at


def test_someone_who_left_is_not_in_the_csv_export(client, staff, member):
    PoolMemberFactory(email="grace@example.org")
    client.post(member.unsubscribe_url())
    force_sign_in(client, staff)

    response = client.get(reverse("admin:volunteers_poolmember_export"))
    export = b"".join(response.streaming_content).decode()

    assert "grace@example.org" in export
    assert "ada@example.org" not in export


def test_someone_who_left_is_not_announced_in_the_digest(
    client, member, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    PoolMemberFactory(email="grace@example.org")
    client.post(member.unsubscribe_url())

    with django_capture_on_commit_callbacks(execute=True):
        send_staff_digest()

    [digest] = mailoutbox
    assert "grace@example.org" in digest.body
    assert "ada@example.org" not in digest.body
