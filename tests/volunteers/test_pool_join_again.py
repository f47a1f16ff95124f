"""Joining with an address already in the pool: the page never tells, the e-mail does."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from volunteers.models import PoolMember
from volunteers.selectors import pool_members_subscribed
from volunteers.services import pool_signups_expire

from ..factories import PoolMemberFactory

pytestmark = pytest.mark.django_db

JOIN_URL = reverse("volunteers:pool_join")

STATES = {
    "confirmed": {},
    "pending": {"confirmed_at": None},
    "unsubscribed": {"unsubscribed_at": timezone.now()},
}


def join(client, email, **changes):
    data = {"email": email, "name": "Someone Else", "interests": ["events"], "consent": "on"}
    return client.post(JOIN_URL, {**data, **changes})


def ada(state: str) -> PoolMember:
    return PoolMemberFactory(
        email="ada@example.org", name="Ada Lovelace", interests=["web"], **STATES[state]
    )


@pytest.mark.parametrize("state", STATES)
def test_the_page_looks_the_same_as_for_a_new_address(client, areas, state):
    ada(state)

    known = join(client, "ADA@Example.org")
    new = join(client, "newcomer@example.org")

    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"])
    assert client.get(known["Location"]).content == client.get(new["Location"]).content


@pytest.mark.parametrize("state", STATES)
def test_an_address_in_any_case_never_becomes_a_second_member(client, areas, state):
    ada(state)

    join(client, "ADA@Example.org")

    assert PoolMember.objects.count() == 1


def test_a_member_is_told_by_email_they_are_already_in_and_keeps_their_details(
    client, areas, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    member = ada("confirmed")

    with django_capture_on_commit_callbacks(execute=True):
        join(client, "ADA@Example.org")

    [message] = mailoutbox
    assert message.to == ["ada@example.org"]
    assert "already in the PSF volunteer pool" in message.subject
    assert "/pool/confirm/" not in message.body
    member.refresh_from_db()
    assert member.name == "Ada Lovelace"
    assert list(member.interests.values_list("code", flat=True)) == ["web"]
    assert member.is_subscribed


def test_a_pending_sign_up_gets_the_link_already_sent_again_and_keeps_its_details(
    client, areas, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    pending = ada("pending")

    with django_capture_on_commit_callbacks(execute=True):
        join(client, "ada@example.org", name="Ada King")

    [message] = mailoutbox
    assert "Please confirm" in message.subject
    assert f"{settings.SITE_URL}{pending.confirm_url()}" in message.body
    client.post(pending.confirm_url())
    member = PoolMember.objects.get()
    assert member.is_subscribed
    # Anyone can type an address: a second sign-up does not rewrite the first one's details.
    assert member.name == "Ada Lovelace"
    assert list(member.interests.values_list("code", flat=True)) == ["web"]


def test_sending_the_form_again_and_again_sends_one_confirmation_an_hour(
    client, areas, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    ten_past = timezone.now().replace(minute=10)
    with (
        time_machine.travel(ten_past, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        for _ in range(3):
            join(client, "grace@example.org")
    assert len(mailoutbox) == 1

    with (
        time_machine.travel(ten_past + timedelta(hours=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        join(client, "grace@example.org")

    link = f"{settings.SITE_URL}{PoolMember.objects.get().confirm_url()}"
    assert [link in message.body for message in mailoutbox] == [True, True]


def test_someone_who_left_must_confirm_again_before_being_back_in_the_pool(
    client, areas, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    left = ada("unsubscribed")
    old_link, old_leave = left.confirm_url(), left.unsubscribe_url()

    with django_capture_on_commit_callbacks(execute=True):
        join(client, "ada@example.org", name="Ada King")

    member = PoolMember.objects.get()
    # Until the new link is used, the record is what it was: left, with the old name and consent.
    assert (member.state, member.name) == ("Unsubscribed", "Ada Lovelace")
    assert member.unsubscribed_at == left.unsubscribed_at
    assert member not in pool_members_subscribed()
    [message] = mailoutbox
    assert f"{settings.SITE_URL}{member.confirm_url()}" in message.body
    assert client.post(old_link).status_code == 404  # links from before they left are dead

    client.post(member.confirm_url())

    member.refresh_from_db()
    assert member in pool_members_subscribed()
    assert member.name == "Ada King"
    assert list(member.interests.values_list("code", flat=True)) == ["events"]
    assert member.consented_at > left.consented_at
    assert member.unsubscribe_url() != old_leave


def test_a_return_never_confirmed_expires_and_leaves_the_old_record(
    client, areas, eager_celery, django_capture_on_commit_callbacks
):
    left = ada("unsubscribed")
    join(client, "ada@example.org", name="Ada King")
    with time_machine.travel(timezone.now() + timedelta(days=settings.POOL_CONFIRM_DAYS + 1)):
        assert pool_signups_expire() == 0
        member = PoolMember.objects.get()
        response = client.post(member.confirm_url())
    assert "Welcome to the volunteer pool" not in response.content.decode()
    member.refresh_from_db()
    assert member.pending_details == {}
    assert (member.name, member.unsubscribed_at) == ("Ada Lovelace", left.unsubscribed_at)


def test_a_member_is_told_at_most_once_a_day_however_often_the_form_is_sent(
    client, areas, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    ada("confirmed")

    with django_capture_on_commit_callbacks(execute=True):
        join(client, "ada@example.org")
        join(client, "ADA@example.org")

    assert len(mailoutbox) == 1
