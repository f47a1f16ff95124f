"""/roles/<slug>/: everything a volunteer needs to decide, or a clear "no longer open"."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from pytest_django.asserts import assertContains, assertNotContains

from tests.signin import force_sign_in
from volunteers.models import Role, RoleInterest
from volunteers.services import role_save

from ..factories import RoleFactory, RoleInterestFactory

pytestmark = pytest.mark.django_db

INTEREST_FORM = 'id="interest-form"'
VETTING_NOTE = "vetting step with everyone before they start"


@pytest.fixture
def postmaster(areas) -> Role:
    return RoleFactory(
        title="Postmaster",
        slug="postmaster",
        area=areas["infrastructure"],
        summary="Keep python.org's mail flowing.",
        description="Watch the mail queues and tune the spam filters.",
        skills="Postfix\n- Mailman 3\nDNS records for mail",
        time_commitment="2 to 4 hours a week",
        location="Remote, any time zone",
        first_task="Review last month's bounce reports.",
        contact_name="PSF Infrastructure team",
        contact_email="infrastructure-staff@python.org",
        people_needed=3,
        last_reviewed_on=date(2026, 2, 14),
    )


def test_the_page_shows_what_the_role_is_and_asks(client, postmaster):
    response = client.get("/roles/postmaster/")

    assert response.status_code == 200
    for text in (
        "Keep python.org&#x27;s mail flowing.",
        "Watch the mail queues and tune the spam filters.",
        "<li>Postfix</li><li>Mailman 3</li><li>DNS records for mail</li>",
        "<dt>Time</dt><dd>2 to 4 hours a week</dd>",
        "<dt>Where</dt><dd>Remote, any time zone</dd>",
        "<dt>People needed</dt><dd>3</dd>",
        "<dt>Who to talk to</dt><dd>PSF Infrastructure team</dd>",
        "<dt>Description checked on</dt><dd>Saturday 14 February 2026</dd>",
        "Review last month&#x27;s bounce reports.",
        'value="http://testserver/roles/postmaster/"',
        INTEREST_FORM,
    ):
        assertContains(response, text)
    assertNotContains(response, "infrastructure-staff@python.org")


def test_only_onboarded_volunteers_count_as_holding_the_role(client, postmaster):
    for status in ("onboarded", "onboarded", "new", "contacted", "declined"):
        RoleInterestFactory(role=postmaster, status=status)

    response = client.get("/roles/postmaster/")

    assertContains(response, "<dt>Who holds it now</dt><dd>2 volunteers</dd>")


def test_a_role_nobody_holds_yet_invites_the_first_volunteer(client, postmaster):
    RoleInterestFactory(role=postmaster, status=RoleInterest.Status.NEW)

    response = client.get("/roles/postmaster/")

    assertContains(response, "Nobody yet: you could be the first")
    assertContains(response, "<dt>Description checked on</dt><dd>Saturday 14 February 2026</dd>")


def test_only_a_vetted_role_says_there_is_a_vetting_step(client, areas):
    RoleFactory(slug="mail-admin", is_vetted=True)
    RoleFactory(slug="job-board", is_vetted=False)

    assertContains(client.get("/roles/mail-admin/"), VETTING_NOTE)
    assertNotContains(client.get("/roles/job-board/"), VETTING_NOTE)


@pytest.mark.parametrize("slug", ["a-draft", "no-such-role"])
def test_drafts_and_unknown_roles_are_not_found(client, areas, slug):
    RoleFactory(slug="a-draft", title="Secret draft", status=Role.Status.DRAFT, opened_at=None)

    response = client.get(f"/roles/{slug}/")

    assert response.status_code == 404
    assertNotContains(response, "Secret draft", status_code=404)


def test_staff_preview_a_draft_without_an_interest_form(client, areas, staff, user):
    RoleFactory(slug="a-draft", title="Secret draft", status=Role.Status.DRAFT, opened_at=None)
    client.force_login(user)
    assert client.get("/roles/a-draft/").status_code == 404  # signed in is not enough

    force_sign_in(client, staff)
    response = client.get("/roles/a-draft/")

    assertContains(response, "Draft preview: only staff can see this page.")
    assertContains(response, "Secret draft")
    assertNotContains(response, "I'm interested")
    assert client.post("/roles/a-draft/", {"name": "Ada"}).status_code == 200
    assert not RoleInterest.objects.exists()


@pytest.mark.parametrize(("status", "wording"), [("filled", "filled"), ("closed", "closed")])
def test_a_filled_or_closed_role_is_gone_and_takes_no_more_interest(
    client, postmaster, status, wording
):
    postmaster.status = status
    postmaster.save()

    response = client.get("/roles/postmaster/")

    assert response.status_code == 410
    assertContains(
        response, f"This role is no longer open: it has been {wording}.", status_code=410
    )
    assertContains(response, 'href="/roles/"', status_code=410)
    assertNotContains(response, INTEREST_FORM, status_code=410)


def test_the_slug_feed_is_refused_because_the_feed_lives_there(areas):
    role = RoleFactory.build(slug="feed", area=areas["web"])

    with pytest.raises(ValidationError) as refused:
        role_save(role=role)

    assert "slug" in refused.value.message_dict
    assert not Role.objects.filter(slug="feed").exists()


def test_the_database_refuses_the_slug_feed_too(areas):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleFactory(slug="feed")
