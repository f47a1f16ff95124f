"""The admin links in staff e-mails open the right change page, wherever the admin is mounted:
they are reversed from the admin's URL names, not written out by hand."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.urls import path
from django.utils import timezone

from help_requests.models import HelpRequest
from help_requests.services import help_request_submit
from psf_helpdesk.tasks import send_staff_digest
from psf_helpdesk.urls import urlpatterns as project_urls
from volunteers.services import role_interest_register, role_interests_escalate_stale

from .factories import RoleFactory

pytestmark = pytest.mark.django_db

# This module is the URLconf of its tests: the admin at /elsewhere/ (found first when reversing).
urlpatterns = [path("elsewhere/", admin.site.urls), *project_urls]


@pytest.fixture
def elsewhere(settings, eager_celery):
    settings.ROOT_URLCONF = __name__
    settings.SITE_URL = "https://helpdesk.example.org"
    return "https://helpdesk.example.org/elsewhere/"


def _to_staff(mailoutbox, subject_part: str) -> str:
    [message] = [m for m in mailoutbox if m.to == ["psf@python.org"] and subject_part in m.subject]
    return message.body


def test_the_new_request_email_links_to_its_change_page(
    elsewhere, help_kinds, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        help_request = help_request_submit(
            title="Venue money",
            description="A room for our meetup.",
            name="Grace Hopper",
            email="grace@example.org",
            area=HelpRequest.Area.COMMUNITY,
            kinds=[help_kinds["advice"]],
        )

    body = _to_staff(mailoutbox, help_request.reference)
    assert f"{elsewhere}help_requests/helprequest/{help_request.pk}/change/" in body


def test_the_staff_digest_links_each_request_to_its_change_page(
    elsewhere, help_kinds, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        waiting = help_request_submit(
            title="Nobody has this yet",
            description="Advice, please.",
            name="Ada Lovelace",
            email="ada@example.org",
            area=HelpRequest.Area.COMMUNITY,
            kinds=[help_kinds["advice"]],
        )
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert send_staff_digest() is True

    body = _to_staff(mailoutbox, "digest")
    assert f"{elsewhere}help_requests/helprequest/{waiting.pk}/change/" in body


def test_interest_emails_to_staff_link_to_the_interest(
    elsewhere, areas, mailoutbox, django_capture_on_commit_callbacks
):
    role = RoleFactory(title="Postmaster", slug="postmaster", area=areas["infrastructure"])
    with django_capture_on_commit_callbacks(execute=True):
        interest = role_interest_register(
            role=role, name="Katherine Johnson", email="k@example.org", availability="Evenings"
        )
    link = f"{elsewhere}volunteers/roleinterest/{interest.pk}/change/"
    assert link in _to_staff(mailoutbox, "Postmaster")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert role_interests_escalate_stale(now=timezone.now() + timedelta(days=30)) == 1

    assert link in _to_staff(mailoutbox, "")
