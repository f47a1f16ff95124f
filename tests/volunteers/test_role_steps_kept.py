"""Each step of an interest is kept with its moment and the staff member who took it, and a
role keeps the moment it was marked filled (Insights reads both: how hands move, days to fill)."""

import pytest
import time_machine
from django.core.exceptions import ValidationError

from volunteers.models import Role, RoleInterest, RoleInterestChange
from volunteers.services import (
    role_interest_register,
    role_interest_set_status,
    role_mark_filled,
    role_set_status,
)

from ..factories import RoleFactory

pytestmark = pytest.mark.django_db
S = RoleInterest.Status


def raise_hand(role, email):
    return role_interest_register(role=role, name="Ada", email=email, availability="Evenings")


def steps(interest):
    return [
        (c.old, c.new, f"{c.changed_at:%d %H:%M}", c.by)
        for c in RoleInterestChange.objects.filter(interest=interest)
    ]


def test_every_step_of_a_hand_is_kept_not_only_the_latest(areas, staff):
    hand = raise_hand(RoleFactory(), "ada@example.org")
    with time_machine.travel("2026-11-02 09:00Z", tick=False):
        role_interest_set_status(interest=hand, status=S.CONTACTED, by=staff)
    with time_machine.travel("2026-11-05 15:30Z", tick=False):
        role_interest_set_status(interest=hand, status=S.ONBOARDED, by=staff)
        role_interest_set_status(interest=hand, status=S.ONBOARDED, by=staff)  # no step

    assert steps(hand) == [
        ("new", "contacted", "02 09:00", staff),
        ("contacted", "onboarded", "05 15:30", staff),
    ]
    hand.refresh_from_db()
    assert f"{hand.status_changed_at:%d %H:%M}" == "05 15:30"


def test_a_step_refused_by_a_rule_is_not_kept(areas, staff):
    hand = raise_hand(RoleFactory(is_vetted=True), "ada@example.org")

    with pytest.raises(ValidationError):
        role_interest_set_status(interest=hand, status=S.ONBOARDED, by=staff)

    assert steps(hand) == []


def test_a_role_keeps_when_it_was_filled_and_forgets_it_when_it_opens_again(areas, staff):
    role = RoleFactory(status=Role.Status.OPEN, people_needed=1)
    hand, waiting = raise_hand(role, "ada@example.org"), raise_hand(role, "bo@example.org")
    role_interest_set_status(interest=hand, status=S.ONBOARDED, by=staff)

    with time_machine.travel("2026-11-18 10:00Z", tick=False):
        role_mark_filled(role=role, by=staff)
    role.refresh_from_db()
    assert f"{role.filled_at:%d %b %H:%M}" == "18 Nov 10:00"
    # Filling declined the hand still waiting: a step like any other.
    assert [(old, new) for old, new, *_ in steps(waiting)] == [("new", "declined")]

    role_set_status(role=role, status=Role.Status.CLOSED)
    role.refresh_from_db()
    assert role.filled_at is not None  # closed after being filled: still filled on the 18th

    role_set_status(role=role, status=Role.Status.OPEN)
    role.refresh_from_db()
    assert role.filled_at is None  # days to fill count from this new opening
