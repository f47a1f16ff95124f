"""Roles with sensitive access: nobody is onboarded before PSF staff have vetted them."""

import pytest
from django.core.exceptions import ValidationError
from pytest_django.asserts import assertContains, assertNotContains

from notifications.models import OutboundEmail
from volunteers.models import Role, RoleInterest
from volunteers.services import (
    role_interest_complete_vetting,
    role_interest_register,
    role_interest_set_status,
)

from ..factories import RoleFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/volunteers/roleinterest/"


@pytest.fixture
def postmaster(areas) -> Role:
    return RoleFactory(title="Postmaster", is_vetted=True)


@pytest.fixture
def hand(postmaster) -> RoleInterest:
    """Someone who raised a hand for the vetted role through the public form's service."""
    return role_interest_register(
        role=postmaster, name="Ingrid Solberg", email="ingrid@example.org", availability="Mornings"
    )


def test_a_hand_for_a_vetted_role_needs_vetting_and_everyone_is_told(
    postmaster, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        hand = role_interest_register(
            role=postmaster, name="Ingrid Solberg", email="ingrid@example.org", availability="Now"
        )

    assert (hand.needs_vetting, hand.vetting_label) == (True, "Pending")
    (staff_email,) = [message for message in mailoutbox if message.to == ["psf@python.org"]]
    assert (
        staff_email.subject
        == "[Volunteer] Vetting needed: Ingrid Solberg is interested in Postmaster"
    )
    assert "VETTING NEEDED" in staff_email.body
    (receipt,) = [message for message in mailoutbox if message.to == ["ingrid@example.org"]]
    assert "the PSF will run a short vetting step before onboarding you" in receipt.body


def test_a_hand_for_an_ordinary_role_needs_no_vetting(areas, staff):
    role = RoleFactory(is_vetted=False)
    hand = role_interest_register(
        role=role, name="Kwame", email="kwame@example.org", availability="Weekends"
    )

    assert (hand.needs_vetting, hand.vetting_label) == (False, "Not needed")
    role_interest_set_status(interest=hand, status=RoleInterest.Status.ONBOARDED, by=staff)
    hand.refresh_from_db()
    assert hand.status == RoleInterest.Status.ONBOARDED


def test_onboarding_before_vetting_is_refused(hand, staff):
    with pytest.raises(ValidationError, match="before vetting is complete"):
        role_interest_set_status(interest=hand, status=RoleInterest.Status.ONBOARDED, by=staff)

    hand.refresh_from_db()
    assert hand.status == RoleInterest.Status.NEW
    assert not OutboundEmail.objects.filter(template="volunteers/interest_onboarded").exists()


def test_after_vetting_the_person_can_be_onboarded_and_is_welcomed(hand, staff):
    role_interest_complete_vetting(interest=hand, by=staff)
    role_interest_set_status(interest=hand, status=RoleInterest.Status.ONBOARDED, by=staff)

    hand.refresh_from_db()
    assert (hand.status, hand.vetted_by, hand.vetting_label) == ("onboarded", staff, "Complete")
    assert hand.vetted_at is not None
    assert OutboundEmail.objects.filter(
        to="ingrid@example.org", template="volunteers/interest_onboarded"
    ).exists()


def test_the_change_page_refuses_onboarding_before_vetting(staff_client, hand):
    response = staff_client.post(
        f"{CHANGELIST}{hand.pk}/change/", {"status": "onboarded", "_save": "Save"}
    )

    assert response.status_code == 200
    assertContains(response, "cannot be onboarded for “Postmaster” before vetting is complete.")
    hand.refresh_from_db()
    assert hand.status == RoleInterest.Status.NEW


def test_the_change_page_records_vetting_and_onboards_in_one_save(staff, staff_client, hand):
    assertContains(staff_client.get(f"{CHANGELIST}{hand.pk}/change/"), "Vetting is complete")

    staff_client.post(
        f"{CHANGELIST}{hand.pk}/change/",
        {"status": "onboarded", "vetting_complete": "on", "_save": "Save"},
    )

    hand.refresh_from_db()
    assert (hand.status, hand.vetted_by) == (RoleInterest.Status.ONBOARDED, staff)
    assert hand.vetted_at is not None


def test_a_vetted_hand_no_longer_offers_the_vetting_box(staff, staff_client, hand):
    role_interest_complete_vetting(interest=hand, by=staff)

    response = staff_client.get(f"{CHANGELIST}{hand.pk}/change/")

    assertContains(response, "Ingrid Solberg")
    assertNotContains(response, "Vetting is complete")


def test_the_mark_onboarded_action_leaves_a_pending_vetting_hand_and_says_why(staff_client, hand):
    response = staff_client.post(
        CHANGELIST,
        {"action": "mark_onboarded", "_selected_action": [hand.pk], "index": "0"},
        follow=True,
    )

    assertContains(
        response, "Ingrid Solberg cannot be onboarded for “Postmaster” before vetting is complete."
    )
    hand.refresh_from_db()
    assert hand.status == RoleInterest.Status.NEW


def test_the_vetting_complete_action_then_lets_staff_onboard(staff_client, staff, hand):
    for action in ("complete_vetting", "mark_onboarded"):
        staff_client.post(
            CHANGELIST, {"action": action, "_selected_action": [hand.pk], "index": "0"}
        )

    hand.refresh_from_db()
    assert (hand.status, hand.vetted_by) == (RoleInterest.Status.ONBOARDED, staff)
