"""Joining with an address already in the pool: the page never tells, the e-mail does."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from volunteers.models import PoolMember
from volunteers.selectors import pool_members_subscribed
from volunteers.services import pool_member_unsubscribe, pool_signups_expire

from ..factories import PoolMemberFactory
from ..signin import force_sign_in

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


def links(mailoutbox) -> list[str]:
    """The confirmation links e-mailed so far, as paths."""
    found = [re.search(r"/pool/confirm/[\w-]+/", m.body) for m in mailoutbox]
    return [match[0] for match in found if match]


EVIL = {"name": "Evil Name visit http://evil.example", "frequency": "instant", "skills": "Phish"}
OWN = {"name": "Ada Lovelace", "frequency": "announcements", "skills": "Analytical engines"}


@pytest.mark.parametrize("owner_first", [False, True], ids=["stranger-first", "owner-first"])
def test_the_person_who_confirms_decides_the_details_not_whoever_typed_the_address(
    client, areas, eager_celery, mailoutbox, django_capture_on_commit_callbacks, owner_first
):
    order = [OWN, EVIL] if owner_first else [EVIL, OWN]
    with django_capture_on_commit_callbacks(execute=True):
        for typed in order:
            join(client, "ada@example.org", **typed)
    stranger_link, own_link = links(mailoutbox)[:: 1 if not owner_first else -1]
    assert stranger_link != own_link  # each sign-up has its own link
    member = PoolMember.objects.get()
    assert not member.is_subscribed and member.name == ""  # nothing counts before a link is used

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(own_link).status_code == 200

    member.refresh_from_db()
    assert member.is_subscribed
    assert (member.name, member.frequency, member.skills) == (
        OWN["name"],
        OWN["frequency"],
        OWN["skills"],
    )
    [welcome] = [m for m in mailoutbox if m.subject == "Welcome to the PSF volunteer pool"]
    assert "Ada Lovelace" in welcome.body
    assert "evil.example" not in welcome.body + welcome.alternatives[0][0]
    # The stranger's link died with the owner's confirmation, and a stranger joining now
    # changes nothing: the member is only told they are in.
    assert client.post(stranger_link).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        join(client, "ada@example.org", **EVIL)
    member.refresh_from_db()
    assert (member.name, member.frequency, member.skills) == (
        OWN["name"],
        OWN["frequency"],
        OWN["skills"],
    )


def test_the_owner_signed_in_joins_with_their_own_details_over_a_strangers_sign_up(
    client, user, areas, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    join(client, user.email, **EVIL)
    force_sign_in(client, user, mfa=False)

    join(client, user.email, **OWN)

    member = PoolMember.objects.get()
    assert member.is_subscribed
    assert (member.name, member.skills) == (OWN["name"], OWN["skills"])
    assert not member.signups.exists()  # the stranger's link is dead


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

    link = f"{settings.SITE_URL}{PoolMember.objects.get().signups.get().confirm_url()}"
    assert [link in message.body for message in mailoutbox] == [True, True]


def test_someone_who_left_must_confirm_again_before_being_back_in_the_pool(
    client, areas, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    left = ada("pending")
    old_link = left.signups.get().confirm_url()
    client.post(old_link)
    pool_member_unsubscribe(member=left)
    left.refresh_from_db()
    old_leave = left.unsubscribe_url()

    with django_capture_on_commit_callbacks(execute=True):
        join(client, "ada@example.org", name="Ada King")

    member = PoolMember.objects.get()
    # Until the new link is used, the record is what it was: left, with the old name and consent.
    assert (member.state, member.name) == ("Unsubscribed", "Ada Lovelace")
    assert member.unsubscribed_at == left.unsubscribed_at
    assert member not in pool_members_subscribed()
    [message] = mailoutbox
    assert f"{settings.SITE_URL}{member.signups.get().confirm_url()}" in message.body
    assert client.post(old_link).status_code == 404  # links from before they left are dead

    client.post(member.signups.get().confirm_url())

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
    link = PoolMember.objects.get().signups.get().confirm_url()
    with time_machine.travel(timezone.now() + timedelta(days=settings.POOL_CONFIRM_DAYS + 1)):
        assert client.post(link).status_code == 410  # too old, even before the expiry runs
        assert pool_signups_expire() == 0
        member = PoolMember.objects.get()
        assert client.post(link).status_code == 404
    member.refresh_from_db()
    assert not member.signups.exists()
    assert (member.name, member.unsubscribed_at) == ("Ada Lovelace", left.unsubscribed_at)


def test_a_member_is_told_at_most_once_a_day_however_often_the_form_is_sent(
    client, areas, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    ada("confirmed")

    with django_capture_on_commit_callbacks(execute=True):
        join(client, "ada@example.org")
        join(client, "ADA@example.org")

    assert len(mailoutbox) == 1
