"""A public POST cannot set what only staff set: status, priority, assignee, staff rights (T21)."""

import pytest
from django.contrib.auth import get_user_model

from help_requests.models import HelpRequest
from volunteers.models import RoleInterest

from .factories import HelpRequestFactory, RoleFactory

pytestmark = pytest.mark.django_db


def test_a_help_request_post_cannot_triage_itself(client, help_kinds, staff):
    client.post(
        "/help/new/",
        {
            "type": "help",
            "name": "Grace",
            "email": "grace@example.org",
            "area": "community",
            "kinds": ["advice"],
            "title": "Advice",
            "description": "Please.",
            "status": "resolved",
            "priority": "4",
            "assignee": str(staff.pk),
            "reference": "HR-1999-0001",
            "token": "chosen-by-me",
        },
    )
    saved = HelpRequest.objects.get()
    assert (saved.status, saved.priority, saved.assignee) == ("new", 2, None)
    assert saved.reference != "HR-1999-0001"
    assert saved.token != "chosen-by-me"


def test_a_reply_on_the_status_page_cannot_change_the_status(client, help_kinds, staff):
    request = HelpRequestFactory()
    client.post(
        request.get_absolute_url(),
        {"body": "Thanks!", "status": "resolved", "assignee": str(staff.pk), "priority": "4"},
    )
    request.refresh_from_db()
    assert (request.status, request.assignee, request.priority) == ("new", None, 2)


def test_raising_a_hand_cannot_onboard_or_vet_yourself(client, areas):
    role = RoleFactory(slug="postmaster", is_vetted=True, area=areas["infrastructure"])
    client.post(
        "/roles/postmaster/",
        {
            "name": "Ada",
            "email": "ada@example.org",
            "availability": "Weekends",
            "status": "onboarded",
            "vetted_at": "2026-01-01T00:00:00Z",
            "needs_vetting": "",
        },
    )
    interest = RoleInterest.objects.get(role=role)
    assert (interest.status, interest.vetted_at, interest.needs_vetting) == ("new", None, True)


def test_signing_up_cannot_make_you_staff(client):
    password = "a long and new passphrase"
    client.post(
        "/accounts/signup/",
        {
            "email": "mallory@example.org",
            "password1": password,
            "password2": password,
            "is_staff": "on",
            "is_superuser": "on",
        },
    )
    person = get_user_model().objects.get(email="mallory@example.org")
    assert not person.is_staff and not person.is_superuser
