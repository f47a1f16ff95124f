"""A bounce read from psf@ (mail_in) stops pool mail to the address that failed, as staff's
"Bouncing" action does; other members, and addresses that are no member, are left alone."""

import pytest

from mail_in.extensions import bounce_hooks
from volunteers.models import PoolMember
from volunteers.selectors import pool_recipients
from volunteers.services import pool_address_bounced

from ..factories import PoolMemberFactory

pytestmark = pytest.mark.django_db


def report_bounce(address: str) -> None:
    """What mail intake does with a delivery-status report: every registered hook is told."""
    for hook in bounce_hooks():
        hook(address=address, detail="550 5.1.1 User unknown")


def test_the_pool_listens_to_bounces():
    assert pool_address_bounced in bounce_hooks()


def test_a_bounce_suppresses_the_member_with_that_address_in_any_case():
    failing = PoolMemberFactory(email="Ada@Example.org")
    fine = PoolMemberFactory(email="grace@example.org")

    report_bounce("ada@example.ORG")

    failing.refresh_from_db()
    assert failing.suppressed_at is not None
    assert failing.suppressed_reason == PoolMember.Suppression.BOUNCING
    assert list(pool_recipients()) == [fine]


def test_a_bounce_for_an_address_that_is_no_member_changes_nothing():
    member = PoolMemberFactory(email="grace@example.org")

    report_bounce("nobody@example.org")

    member.refresh_from_db()
    assert member.suppressed_at is None


def test_a_second_bounce_keeps_the_first_suppression():
    member = PoolMemberFactory(email="ada@example.org")
    report_bounce("ada@example.org")
    member.refresh_from_db()
    first = member.suppressed_at

    report_bounce("ada@example.org")

    member.refresh_from_db()
    assert member.suppressed_at == first
