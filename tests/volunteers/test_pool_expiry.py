"""Sign-ups nobody confirmed are deleted once their link has expired; members stay."""

from datetime import timedelta

import pytest
from django.utils import timezone

from volunteers.models import PoolMember
from volunteers.tasks import expire_pool_signups

from ..factories import PoolMemberFactory

pytestmark = pytest.mark.django_db


def sent_days_ago(days: float, **kwargs) -> PoolMember:
    return PoolMemberFactory(confirmation_sent_at=timezone.now() - timedelta(days=days), **kwargs)


def remaining() -> set[str]:
    return set(PoolMember.objects.values_list("email", flat=True))


def test_unconfirmed_sign_ups_older_than_the_window_are_deleted(settings):
    settings.POOL_CONFIRM_DAYS = 7
    sent_days_ago(8, email="stale@example.org", confirmed_at=None, interests=["web"])
    sent_days_ago(6, email="recent@example.org", confirmed_at=None)
    sent_days_ago(30, email="member@example.org")

    assert expire_pool_signups() == 1

    assert remaining() == {"recent@example.org", "member@example.org"}


def test_the_window_follows_the_setting(settings):
    settings.POOL_CONFIRM_DAYS = 2
    sent_days_ago(3, email="three-days@example.org", confirmed_at=None)
    sent_days_ago(1, email="one-day@example.org", confirmed_at=None)

    assert expire_pool_signups() == 1

    assert remaining() == {"one-day@example.org"}


def test_nothing_to_expire_returns_zero():
    sent_days_ago(1, confirmed_at=None)

    assert expire_pool_signups() == 0
    assert PoolMember.objects.count() == 1
