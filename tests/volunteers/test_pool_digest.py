"""The staff digest announces each newly confirmed pool member once."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from psf_helpdesk.tasks import send_staff_digest
from volunteers.models import POOL_CONSENT_TEXT
from volunteers.services import pool_join, pool_member_confirm, pool_member_unsubscribe

from ..factories import PoolMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_digest(eager_celery, mailoutbox, django_capture_on_commit_callbacks):
    """Run the daily task; returns the digests delivered by this run."""

    def run() -> list:
        before = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            send_staff_digest()
        return [m for m in mailoutbox[before:] if m.subject.startswith("PSF Helpdesk digest")]

    return run


def tomorrow():
    return time_machine.travel(timezone.now() + timedelta(days=1))


def test_new_members_are_announced_even_when_no_request_waits(areas, run_digest):
    PoolMemberFactory(name="Ada Lovelace", email="ada@example.org", interests=["web"])
    PoolMemberFactory(name="Grace Hopper", email="grace@example.org")
    PoolMemberFactory(name="Pending Person", email="pending@example.org", confirmed_at=None)
    PoolMemberFactory(name="Gone Person", email="gone@example.org", unsubscribed_at=timezone.now())

    [digest] = run_digest()

    assert digest.to == ["psf@python.org"]
    assert "2 new pool members" in digest.subject
    assert "Ada Lovelace <ada@example.org>" in digest.body
    assert "Websites and content" in digest.body
    assert "Grace Hopper <grace@example.org>" in digest.body
    assert "pending@example.org" not in digest.body and "Pending Person" not in digest.body
    assert "gone@example.org" not in digest.body and "Gone Person" not in digest.body


def test_a_second_run_the_same_day_sends_nothing_and_later_members_wait_for_tomorrow(
    run_digest,
):
    PoolMemberFactory(email="ada@example.org")
    [first] = run_digest()
    PoolMemberFactory(email="grace@example.org")

    assert run_digest() == []

    with tomorrow():
        [next_day] = run_digest()
    assert "grace@example.org" in next_day.body
    assert "ada@example.org" not in next_day.body
    assert "grace@example.org" not in first.body


def test_the_next_day_with_nobody_new_and_no_requests_sends_nothing(run_digest):
    PoolMemberFactory(email="ada@example.org")
    run_digest()

    with tomorrow():
        assert run_digest() == []


def test_a_sign_up_is_announced_only_after_it_is_confirmed(client, run_digest):
    pending = PoolMemberFactory(email="ada@example.org", confirmed_at=None)
    assert run_digest() == []

    client.post(pending.signups.get().confirm_url())

    [digest] = run_digest()
    assert "ada@example.org" in digest.body


def test_someone_who_left_and_came_back_is_announced_again_once_confirmed(run_digest):
    member = PoolMemberFactory(name="Ada Lovelace", email="ada@example.org")
    run_digest()
    pool_member_unsubscribe(member=member)
    rejoined = pool_join(email="ADA@example.org", name="Ada L.", consent_text=POOL_CONSENT_TEXT)

    with tomorrow():
        assert run_digest() == []  # back, but not confirmed yet
        pool_member_confirm(signup=rejoined.signups.get())
        [digest] = run_digest()

    assert "Ada L. <ada@example.org>" in digest.body
