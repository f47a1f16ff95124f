"""Demo data for `make run`: the roles the PSF names are listed, and loading twice adds nothing."""

import pytest
from django.core.management import call_command

from help_requests.models import HelpRequest
from notifications.models import OutboundEmail
from volunteers.models import PoolMember, Role, RoleInterest

pytestmark = pytest.mark.django_db

PSF_ROLES = ["Postmaster", "Website maintainer", "Help-list responder", "Job-board updater"]


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Role, RoleInterest, HelpRequest, OutboundEmail, PoolMember)
    }


def test_the_demo_shows_the_roles_the_psf_asks_for_and_hides_the_draft(client):
    call_command("seed_demo")

    listed = [role.title for role in client.get("/roles/").context["page"]]
    assert set(PSF_ROLES) <= set(listed)
    assert len(listed) == 6  # with the conference mentor and the grants reviewer
    assert "Server administrator for community mirrors" not in listed
    assert client.get("/roles/help-list-responder/").context["role"].holders == 1


def test_loading_the_demo_twice_adds_nothing(client):
    call_command("seed_demo")
    first = counts()

    call_command("seed_demo")

    assert counts() == first
    assert first["Role"] > 0 and first["RoleInterest"] > 0


def test_the_demo_pool_joined_from_its_links_and_one_member_left():
    call_command("seed_demo")

    members = PoolMember.objects.all()
    assert members.count() == 4
    assert all(member.confirmed_at for member in members)  # each through its e-mailed link
    assert [m.email for m in members if m.unsubscribed_at] == ["ravi.nair@example.org"]
    welcomes = OutboundEmail.objects.filter(
        template__contains="welcome", to__endswith="@example.org"
    )
    assert welcomes.filter(to__in=[m.email for m in members]).count() == 4
