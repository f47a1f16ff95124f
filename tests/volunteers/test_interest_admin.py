"""Staff work the raised hands in the admin: find them, move them along, and people are told."""

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains

from notifications.models import OutboundEmail
from volunteers.models import RoleInterest

from ..factories import RoleFactory, RoleInterestFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/volunteers/roleinterest/"


def change_url(interest: RoleInterest) -> str:
    return f"{CHANGELIST}{interest.pk}/change/"


@pytest.fixture
def interests(areas, staff) -> dict[str, RoleInterest]:
    """A new hand, a contacted one, and two for a vetted role: one vetted, one still pending."""
    postmaster = RoleFactory(title="Postmaster", is_vetted=True)
    website = RoleFactory(title="Website maintainer")
    return {
        "new": RoleInterestFactory(role=website, name="Kwame Mensah", email="kwame@example.org"),
        "contacted": RoleInterestFactory(
            role=website, name="Lin Wei", email="lin@example.org", status="contacted"
        ),
        "pending": RoleInterestFactory(
            role=postmaster, name="Ingrid Solberg", email="ingrid@example.org"
        ),
        "vetted": RoleInterestFactory(
            role=postmaster,
            name="Tomás Rivera",
            email="tomas@example.org",
            vetted_at=timezone.now(),
        ),
    }


def shown(response) -> set[str]:
    assert response.status_code == 200
    return {interest.name for interest in response.context["cl"].result_list}


def names(interests, *keys) -> set[str]:
    return {interests[key].name for key in keys}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"new", "contacted", "pending", "vetted"}),
        ("status__exact=new", {"new", "pending", "vetted"}),
        ("status__exact=contacted", {"contacted"}),
        ("vetting=pending", {"pending"}),
        ("vetting=complete", {"vetted"}),
        ("vetting=none", {"new", "contacted"}),
        ("q=lin@example.org", {"contacted"}),
        ("q=Postmaster", {"pending", "vetted"}),
    ],
)
def test_filters_and_search_narrow_the_list(staff_client, interests, query, expected):
    response = staff_client.get(f"{CHANGELIST}?{query}")

    assert shown(response) == names(interests, *expected)


def run_action(client, action: str, *interests: RoleInterest, **kwargs):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [i.pk for i in interests], "index": "0"},
        **kwargs,
    )


def test_marking_contacted_moves_the_hands_along_without_emailing_anyone(staff_client, interests):
    response = run_action(staff_client, "mark_contacted", interests["new"], follow=True)

    assertContains(response, "1 interest(s) marked contacted.")
    interests["new"].refresh_from_db()
    assert interests["new"].status == RoleInterest.Status.CONTACTED
    assert not OutboundEmail.objects.exists()


def changed_by_field(client, interest: RoleInterest) -> str:
    """The text of the change page's read-only "status changed by" field."""
    html = client.get(change_url(interest)).content.decode()
    start = html.index("fieldBox field-status_changed_by")
    return html[start : html.index("</div>", html.index('class="readonly"', start))]


def test_the_change_page_shows_who_moved_a_hand_along(staff, staff_client, interests):
    assert staff.name not in changed_by_field(staff_client, interests["new"])

    run_action(staff_client, "mark_contacted", interests["new"])

    assert staff.name in changed_by_field(staff_client, interests["new"])


def test_declining_in_bulk_thanks_each_person_by_email(
    staff_client, interests, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    chosen = [interests["new"], interests["contacted"]]

    with django_capture_on_commit_callbacks(execute=True):
        run_action(staff_client, "mark_declined", *chosen)

    for interest in chosen:
        interest.refresh_from_db()
        assert interest.status == RoleInterest.Status.DECLINED
    assert sorted(message.to[0] for message in mailoutbox) == [
        "kwame@example.org",
        "lin@example.org",
    ]
    for message in mailoutbox:
        assert message.subject == "Thank you for your interest in Website maintainer"
        assert "This time the PSF will not take it further" in message.body
        assert "has now been filled" not in message.body


def test_declining_on_the_change_page_emails_the_person(
    staff_client, interests, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    interest = interests["new"]

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(change_url(interest), {"status": "declined", "_save": "Save"})

    assert response.status_code == 302
    interest.refresh_from_db()
    assert interest.status == RoleInterest.Status.DECLINED
    (message,) = mailoutbox
    assert message.to == ["kwame@example.org"]
    assert "Thank you for offering to help the PSF" in message.body


def test_saving_the_change_page_without_a_new_status_emails_nobody(staff_client, interests):
    interest = interests["contacted"]

    response = staff_client.post(change_url(interest), {"status": "contacted", "_save": "Save"})

    assert response.status_code == 302
    interest.refresh_from_db()
    assert interest.status == RoleInterest.Status.CONTACTED
    assert not OutboundEmail.objects.exists()


def test_onboarding_on_the_change_page_welcomes_the_person(staff_client, interests):
    interest = interests["vetted"]

    staff_client.post(change_url(interest), {"status": "onboarded", "_save": "Save"})

    interest.refresh_from_db()
    assert interest.status == RoleInterest.Status.ONBOARDED
    row = OutboundEmail.objects.get()
    assert (row.to, row.template) == ("tomas@example.org", "volunteers/interest_onboarded")


def test_staff_cannot_add_an_interest_by_hand(staff_client, interests):
    assert staff_client.get(f"{CHANGELIST}add/").status_code == 403


@pytest.fixture
def declined_then_again(areas) -> RoleInterest:
    """Kwame was declined, then raised a hand for the same role again: the old hand is stale."""
    role = RoleFactory(title="Website maintainer")
    old = RoleInterestFactory(role=role, name="Kwame", email="kwame@example.org", status="declined")
    RoleInterestFactory(role=role, name="Kwame", email="KWAME@example.org", status="new")
    return old


def test_the_change_page_will_not_reopen_a_hand_raised_again_since(
    staff_client, declined_then_again
):
    response = staff_client.post(
        change_url(declined_then_again), {"status": "contacted", "_save": "Save"}
    )

    assertContains(response, "work on that newer interest instead.")
    declined_then_again.refresh_from_db()
    assert declined_then_again.status == RoleInterest.Status.DECLINED


def test_a_bulk_action_will_not_reopen_a_hand_raised_again_since(staff_client, declined_then_again):
    response = run_action(staff_client, "mark_contacted", declined_then_again, follow=True)

    assertContains(
        response, "Kwame raised a hand for “Website maintainer” again after being declined"
    )
    declined_then_again.refresh_from_db()
    assert declined_then_again.status == RoleInterest.Status.DECLINED


def test_a_declined_hand_without_a_newer_one_can_be_reopened(staff_client, interests):
    interest = interests["new"]
    interest.status = RoleInterest.Status.DECLINED
    interest.save()

    staff_client.post(change_url(interest), {"status": "contacted", "_save": "Save"})

    interest.refresh_from_db()
    assert interest.status == RoleInterest.Status.CONTACTED
