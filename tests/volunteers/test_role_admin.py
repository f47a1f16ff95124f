"""Staff publish, review and fill roles in the admin; filling one thanks the other volunteers."""

from datetime import date

import pytest
import time_machine
from pytest_django.asserts import assertContains

from notifications.models import OutboundEmail
from volunteers.models import Role, RoleInterest

from ..factories import RoleFactory, RoleInterestFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/volunteers/role/"


def client_lists(client, title: str) -> bool:
    return title in [role.title for role in client.get("/roles/").context["page"]]


def run_action(client, action: str, *roles: Role):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [role.pk for role in roles], "index": "0"},
        follow=True,
    )


def hands(role: Role, *statuses: str) -> list[RoleInterest]:
    return [
        RoleInterestFactory(role=role, status=status, email=f"{status}{n}@example.org")
        for n, status in enumerate(statuses)
    ]


def test_the_changelist_counts_each_roles_hands_by_status(staff_client, areas):
    postmaster = RoleFactory(title="Postmaster")
    website = RoleFactory(title="Website maintainer")
    hands(postmaster, "new", "new", "contacted", "onboarded", "declined")
    hands(website, "onboarded", "onboarded", "onboarded")

    response = staff_client.get(CHANGELIST)

    for role, counts in ((postmaster, (2, 1, 1)), (website, (0, 0, 3))):
        for status, count in zip(("new", "contacted", "onboarded"), counts, strict=True):
            link = f"?role__id__exact={role.pk}&amp;status__exact={status}"
            assertContains(response, f'{link}">{count}</a>')


def test_filling_a_role_with_too_few_onboarded_is_refused_with_a_reason(staff_client, areas):
    role = RoleFactory(title="Postmaster", people_needed=2)
    hands(role, "onboarded", "new")

    response = run_action(staff_client, "mark_filled", role)

    assertContains(response, "“Postmaster” needs 2 people and has 1 onboarded: onboard them first")
    role.refresh_from_db()
    assert role.status == Role.Status.OPEN
    assert not OutboundEmail.objects.exists()


def test_filling_a_role_thanks_and_declines_everyone_still_waiting(
    staff_client, areas, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    role = RoleFactory(title="Postmaster", people_needed=1)
    onboarded, new, contacted, declined = hands(role, "onboarded", "new", "contacted", "declined")

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(staff_client, "mark_filled", role)

    assertContains(response, "1 role(s) marked filled")
    role.refresh_from_db()
    assert role.status == Role.Status.FILLED
    statuses = dict(RoleInterest.objects.values_list("email", "status"))
    assert statuses == {
        onboarded.email: "onboarded",
        new.email: "declined",
        contacted.email: "declined",
        declined.email: "declined",
    }
    assert sorted(message.to[0] for message in mailoutbox) == [contacted.email, new.email]
    for message in mailoutbox:
        assert "The role has now been filled" in message.body
    assert staff_client.get(role.get_absolute_url()).status_code == 410


def test_mark_reviewed_records_today(staff_client, areas):
    role = RoleFactory(last_reviewed_on=date(2025, 1, 1))

    with time_machine.travel(date(2026, 3, 10)):
        run_action(staff_client, "mark_reviewed", role)

    role.refresh_from_db()
    assert role.last_reviewed_on == date(2026, 3, 10)
    assertContains(staff_client.get(role.get_absolute_url()), "10 March 2026")


ROLE_FORM = {
    "title": "Postmaster",
    "slug": "postmaster",
    "area": "infrastructure",
    "status": "open",
    "closes_on": "",
    "summary": "Keep python.org's mail flowing.",
    "description": "Watch the mail queues.",
    "skills": "Postfix",
    "first_task": "",
    "time_commitment": "2 hours a week",
    "location": "Remote",
    "people_needed": "2",
    "contact_name": "PSF Infrastructure team",
    "contact_email": "infrastructure-staff@python.org",
    "last_reviewed_on": "",
    "_save": "Save",
}


def test_a_role_added_as_open_is_published_with_its_opening_time(staff_client, areas):
    response = staff_client.post(f"{CHANGELIST}add/", ROLE_FORM)

    assert response.status_code == 302
    role = Role.objects.get()
    assert role.opened_at is not None
    assert client_lists(staff_client, "Postmaster")


def test_a_draft_saved_in_the_admin_stays_unpublished_until_opened(staff_client, areas):
    staff_client.post(f"{CHANGELIST}add/", {**ROLE_FORM, "status": "draft"})
    role = Role.objects.get()
    assert role.opened_at is None
    assert not client_lists(staff_client, "Postmaster")

    response = staff_client.post(f"{CHANGELIST}{role.pk}/change/", {**ROLE_FORM, "status": "open"})

    assert response.status_code == 302
    role.refresh_from_db()
    assert (role.status, role.opened_at is not None) == (Role.Status.OPEN, True)
    assert client_lists(staff_client, "Postmaster")


def test_the_admin_refuses_the_slug_feed(staff_client, areas):
    response = staff_client.post(f"{CHANGELIST}add/", {**ROLE_FORM, "slug": "feed"})

    assert response.status_code == 200
    assertContains(response, "is the address of another page; choose a different slug.")
    assert not Role.objects.exists()


def test_choosing_filled_on_the_change_page_with_too_few_onboarded_is_refused(staff_client, areas):
    role = RoleFactory(title="Postmaster", slug="postmaster", people_needed=3)
    (waiting,) = hands(role, "new")

    response = staff_client.post(
        f"{CHANGELIST}{role.pk}/change/", {**ROLE_FORM, "people_needed": "3", "status": "filled"}
    )

    assertContains(response, "needs 3 people and has 0 onboarded: onboard them first")
    role.refresh_from_db()
    waiting.refresh_from_db()
    assert (role.status, waiting.status) == (Role.Status.OPEN, RoleInterest.Status.NEW)


def test_choosing_filled_on_the_change_page_answers_everyone_still_waiting(
    staff_client, areas, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    role = RoleFactory(title="Postmaster", slug="postmaster", people_needed=1)
    _, waiting = hands(role, "onboarded", "contacted")

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            f"{CHANGELIST}{role.pk}/change/",
            {**ROLE_FORM, "people_needed": "1", "status": "filled", "time_commitment": "1 hour"},
        )

    role.refresh_from_db()
    waiting.refresh_from_db()
    assert (role.status, role.time_commitment) == (Role.Status.FILLED, "1 hour")
    assert waiting.status == RoleInterest.Status.DECLINED
    [thanks] = [m for m in mailoutbox if m.to == [waiting.email]]
    assert "The role has now been filled" in thanks.body
