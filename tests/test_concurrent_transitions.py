"""Two staff, one click each, at the same moment: one change, one history entry, one e-mail (T29).

Each state change that sends mail locks its row and reads the state again first. These run on
Postgres, where the threads really race; SQLite serialises every write and would hide a bug.
"""

import time
from unittest import mock

import pytest
from django.db.models.signals import post_save

from help_requests.models import HelpRequest, HelpRequestEvent
from help_requests.services import help_request_triage
from notifications.models import OutboundEmail
from volunteers.models import Role, RoleInterest
from volunteers.services import (
    interests,
    role_interest_complete_vetting,
    role_interest_set_status,
    role_mark_filled,
)

from .concurrency import errors, run_together
from .conftest import ON_POSTGRES
from .factories import HelpRequestFactory, RoleFactory, RoleInterestFactory, StaffFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://..."),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def two_staff():
    return [StaffFactory(email="one@python.org"), StaffFactory(email="two@python.org")]


@pytest.mark.parametrize(
    ("status", "template"),
    [
        (RoleInterest.Status.DECLINED, "volunteers/interest_declined"),
        (RoleInterest.Status.ONBOARDED, "volunteers/interest_onboarded"),
    ],
)
def test_two_staff_moving_the_same_hand_send_one_email(two_staff, areas, status, template):
    interest = RoleInterestFactory(role=RoleFactory(area=areas["web"]), email="kwame@example.org")

    results = run_together(
        2,
        lambda n: role_interest_set_status(
            interest=RoleInterest.objects.get(pk=interest.pk), status=status, by=two_staff[n]
        ),
    )

    assert errors(results) == []
    interest.refresh_from_db()
    assert interest.status == status
    assert OutboundEmail.objects.filter(template=template, to="kwame@example.org").count() == 1


def test_two_staff_moving_the_same_hand_write_its_status_once(two_staff, areas):
    """The e-mail's key would hide a second write (both name the same transition): count the
    writes themselves. Each click reads the hand, then takes a moment before writing."""
    interest = RoleInterestFactory(role=RoleFactory(area=areas["web"]))
    writes: list[tuple[str, str]] = []

    def count(sender, instance, update_fields, **kwargs) -> None:
        if update_fields and "status" in update_fields:
            writes.append((instance.status, instance.status_changed_by.email))

    def check_slowly(**kwargs) -> None:
        check(**kwargs)
        time.sleep(0.3)  # the other click reads the hand meanwhile, unless the row is locked

    check = interests.role_interest_check_status
    post_save.connect(count, sender=RoleInterest)
    try:
        with mock.patch.object(interests, "role_interest_check_status", check_slowly):
            results = run_together(
                2,
                lambda n: role_interest_set_status(
                    interest=RoleInterest.objects.get(pk=interest.pk),
                    status=RoleInterest.Status.CONTACTED,
                    by=two_staff[n],
                ),
            )
    finally:
        post_save.disconnect(count, sender=RoleInterest)

    assert errors(results) == []
    assert len(writes) == 1, writes
    interest.refresh_from_db()
    assert (interest.status, interest.status_changed_by.email) == writes[0]


def test_two_staff_completing_vetting_record_one_vetter(two_staff, areas):
    role = RoleFactory(area=areas["infrastructure"], is_vetted=True)
    interest = RoleInterestFactory(role=role)

    results = run_together(
        2,
        lambda n: role_interest_complete_vetting(
            interest=RoleInterest.objects.get(pk=interest.pk), by=two_staff[n]
        ),
    )

    assert errors(results) == []
    vetted = {result.vetted_at for result in results}
    assert len(vetted) == 1  # the second saw the first's vetting and changed nothing


def test_two_staff_filling_the_same_role_decline_each_waiting_hand_once(two_staff, areas):
    role = RoleFactory(area=areas["web"], people_needed=1)
    RoleInterestFactory(role=role, status=RoleInterest.Status.ONBOARDED)
    waiting = RoleInterestFactory(role=role, email="waiting@example.org")

    results = run_together(
        2,
        lambda n: role_mark_filled(role=Role.objects.get(pk=role.pk), by=two_staff[n]),
    )

    assert errors(results) == []
    waiting.refresh_from_db()
    assert waiting.status == RoleInterest.Status.DECLINED
    declined = OutboundEmail.objects.filter(
        template="volunteers/interest_declined", to="waiting@example.org"
    )
    assert declined.count() == 1


def test_two_staff_resolving_the_same_request_make_one_change_and_one_email(two_staff):
    request = HelpRequestFactory(email="grace@example.org")

    results = run_together(
        2,
        lambda n: help_request_triage(
            help_request=HelpRequest.objects.get(pk=request.pk),
            by=two_staff[n],
            status=HelpRequest.Status.RESOLVED,
        ),
    )

    assert errors(results) == []
    assert HelpRequestEvent.objects.filter(request=request, field="status").count() == 1
    closed = OutboundEmail.objects.filter(template="help_requests/closed", to="grace@example.org")
    assert closed.count() == 1
