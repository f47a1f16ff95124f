"""Erasure from the account page: nothing of the person is left in any table, staff records keep
their references and history, pending mail is cancelled, and a second erasure changes nothing."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import AuditEvent, User
from funding.models import FundingRequest
from help_requests.models import Comment, HelpRequest, HelpRequestEvent
from help_requests.services import help_request_triage
from notifications.models import OutboundEmail
from notifications.sending import emails_send_due
from privacy.models import AccessLink, Erasure
from privacy.services import person_erase, person_of_address
from volunteers.models import PoolConsent, PoolMember, RoleInterest

from ..factories import PoolMemberFactory
from ..signin import force_sign_in
from .people import (
    DESCRIPTION,
    TITLE,
    ZOE,
    ZOE_EMAIL,
    a_person_everywhere,
    database_text,
    reauthenticate,
    search,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

ERASE = "/privacy/erase/"
GRACE = "grace@example.org"


@pytest.fixture
def scene(client, staff, areas, help_kinds, help_request, django_capture_on_commit_callbacks):
    """Zoë everywhere (some of her mail sent, the rest pending), Grace's request and pool
    membership beside her, and the admin's log naming Zoë's pool row."""
    PoolMemberFactory(email=GRACE, name="Grace Hopper")
    with django_capture_on_commit_callbacks(execute=True):  # her first e-mails go out
        scene = a_person_everywhere(client, staff, areas, help_kinds)
    staff_browser = Client()
    force_sign_in(staff_browser, staff)
    staff_browser.post(
        "/admin/volunteers/poolmember/",
        {"action": "suppress_bouncing", "_selected_action": [scene.member.pk]},
    )
    assert LogEntry.objects.filter(object_repr=ZOE_EMAIL).exists()  # the admin's log names her
    force_sign_in(client, scene.user, mfa=False)
    reauthenticate(client)  # allauth asks for the password again before an erasure
    return scene


def erase(client: Client) -> None:
    response = client.post(ERASE, {"confirm": "on"})
    assert response.status_code == 302, response.content[:300]
    assert response["Location"] == "/privacy/erased/"


def test_after_erasure_no_table_holds_her_address_or_name(client, scene):
    # Her address and name, as she typed them and in other cases; her first and last names
    # alone (staff's notes, a decision's message); her organisation and her own words.
    personal = (ZOE_EMAIL, ZOE_EMAIL.upper(), ZOE, "Zoë", "Quintavalle", "PyLadies Zagreb")
    personal += (TITLE, DESCRIPTION, "Zoë's employer gives the room.")
    before = search(*personal)
    assert before[ZOE_EMAIL.lower()] > 0 and before[ZOE.lower()] > 0  # the search finds her

    erase(client)

    text, tables, rows = database_text()
    hits = search(*personal)
    print(f"\nWhole-database search after erasure: {tables} tables, {rows} rows")
    for needle, count in hits.items():
        print(f"  {needle!r}: {count} hit(s) (before: {before[needle]})")
    assert sum(hits.values()) == 0, hits
    assert GRACE in text  # the search still sees other people's data


def test_erasure_keeps_the_requests_reference_status_and_history(client, scene, staff):
    help_request = scene.help_request
    events_before = list(help_request.events.values_list("field", "old", "new"))
    comments_before = help_request.comments.count()

    erase(client)

    kept = HelpRequest.objects.get(reference=help_request.reference)
    assert kept.pk == help_request.pk
    assert kept.status == help_request.status
    assert kept.assignee_id == help_request.assignee_id
    assert (kept.name, kept.title, kept.description) == (
        "A person who asked to be forgotten",
        "[removed at the person's request]",
        "[removed at the person's request]",
    )
    assert kept.organisation == kept.links == ""
    assert kept.user is None
    events = list(kept.events.order_by("created_at", "pk"))
    assert [(e.field, e.old, e.new) for e in events[:-1]] == events_before
    assert events[-1].field == HelpRequestEvent.Field.DETAILS
    assert "a person who asked to be forgotten" in events[-1].note
    assert kept.comments.count() == comments_before
    staff_reply = kept.comments.get(is_public=True, by_submitter=False)
    assert staff_reply.body == "Hello a person who asked to be forgotten, which Saturday is it?"
    note = kept.comments.get(is_public=False)
    assert note.body.startswith("a person who asked to be forgotten ran the Zagreb sprint")
    assert kept.comments.get(by_submitter=True).body == "[removed at the person's request]"
    # The old private link shows nothing any more.
    assert client.get(help_request.get_absolute_url()).status_code == 404


def test_erasure_keeps_funding_amounts_and_decisions_without_her_words(client, scene):
    erase(client)

    funding = FundingRequest.objects.get(help_request__title__startswith="[removed")
    assert funding.other_funding == "[removed at the person's request]"
    [budget_line] = funding.lines.all()
    assert (budget_line.description, budget_line.amount) == (
        "[removed at the person's request]",
        Decimal("400.00"),
    )
    assert funding.decision.outcome == "declined"
    assert funding.decision.message == (
        "Sorry a person who asked to be forgotten: food alone is not something we fund."
    )


def test_erasure_deletes_pool_membership_and_anonymises_interests(client, scene):
    erase(client)

    assert not PoolMember.objects.filter(pk=scene.member.pk).exists()
    assert not PoolConsent.objects.filter(member_id=scene.member.pk).exists()
    interest = RoleInterest.objects.get()
    assert interest.name == "A person who asked to be forgotten"
    assert interest.email.endswith("@erased.invalid")
    assert interest.message == interest.availability == "[removed at the person's request]"
    assert interest.role.slug == "postmaster" and interest.status == "new"  # staff's record


def test_pending_emails_to_her_are_cancelled_and_never_sent(client, scene, staff, mailoutbox):
    help_request_triage(help_request=scene.help_request, by=staff, public_reply="And the room?")
    pending = OutboundEmail.objects.filter(
        to__iexact=ZOE_EMAIL, status=OutboundEmail.Status.PENDING
    )
    ids = list(pending.values_list("pk", flat=True))
    assert len(ids) == 1  # staff's reply, not sent yet
    sent_before = len(mailoutbox)

    erase(client)

    rows = OutboundEmail.objects.filter(pk__in=ids)
    assert {row.status for row in rows} == {OutboundEmail.Status.CANCELLED}
    assert all(row.context == {} and row.to.endswith("@erased.invalid") for row in rows)
    emails_send_due()
    assert not [m for m in mailoutbox[sent_before:] if ZOE_EMAIL in " ".join(m.to).lower()]


def test_the_audit_record_notes_the_erasure_without_the_erased_data(client, scene):
    erase(client)

    erasure = Erasure.objects.get()
    assert erasure.via == Erasure.Via.ACCOUNT
    assert scene.help_request.reference in erasure.references.split(", ")
    assert erasure.counts["funding_requests"] == 1
    assert erasure.counts["help_requests"] == 2  # her request, and her funding request
    assert erasure.counts["pool_memberships"] == 1
    assert erasure.counts["accounts_deleted"] == 1
    event = AuditEvent.objects.get(action=AuditEvent.Action.DATA_ERASED)
    assert scene.help_request.reference in event.detail
    assert event.target_type == "privacy.erasure"
    record = " ".join(
        f"{e.actor_email} {e.target_repr} {e.detail} {e.ip}" for e in AuditEvent.objects.all()
    ).lower()
    assert ZOE_EMAIL not in record and ZOE.lower() not in record
    assert not AuditEvent.objects.filter(actor_email__iexact=ZOE_EMAIL).exists()


def test_her_account_is_deleted_and_she_is_signed_out(client, scene):
    erase(client)

    assert not User.objects.filter(pk=scene.user.pk).exists()
    assert not AccessLink.objects.exists()
    response = client.get("/privacy/erased/")
    assertContains(response, "Your data has been erased.")
    assertContains(response, "Sign in")  # signed out
    assert client.get("/me/").status_code == 302


def test_erasing_twice_changes_nothing_more(client, scene):
    erase(client)
    counts = {
        model: model.objects.count()
        for model in (Erasure, AuditEvent, HelpRequestEvent, Comment, OutboundEmail)
    }

    assert person_erase(person=person_of_address(email=ZOE_EMAIL), via=Erasure.Via.LINK) is None

    assert {model: model.objects.count() for model in counts} == counts


def test_she_is_told_what_erasure_means_for_her_open_request_before_confirming(client, scene):
    page = client.get(ERASE)

    reference = scene.help_request.reference
    assertContains(page, f"You have 1 open request: {reference}")
    assertContains(page, "the PSF cannot answer\n            you any more")
    assertContains(page, "Your account is deleted and you are signed out.")
    assert HelpRequest.objects.get(pk=scene.help_request.pk).name == ZOE  # nothing happened yet


def test_without_the_box_ticked_nothing_is_erased_and_the_form_says_why(client, scene):
    response = client.post(ERASE, {})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<title>Error: Erase your data") == 1
    assert '<a href="#id_confirm">Tick the box to confirm you want your data erased.</a>' in html
    assert User.objects.filter(pk=scene.user.pk).exists()
    assert not Erasure.objects.exists()


def test_erasing_asks_for_the_password_again_after_a_while(user):
    browser = Client()
    browser.force_login(user)  # no recent authentication on record

    response = browser.post(ERASE, {"confirm": "on"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert User.objects.filter(pk=user.pk).exists()


def test_staff_accounts_are_not_erased_from_the_account_page(staff_client, staff):
    page = staff_client.get(ERASE)
    assertContains(page, "Staff accounts are the PSF&#x27;s own records and cannot be erased here")
    assertNotContains(page, 'id="erase-form"')

    staff_client.post(ERASE, {"confirm": "on"})

    assert User.objects.filter(pk=staff.pk).exists()
    assert not Erasure.objects.exists()


def test_staff_can_still_work_on_her_open_request_but_no_mail_is_written_to_her(
    client, scene, staff
):
    erase(client)
    before = OutboundEmail.objects.count()
    kept = HelpRequest.objects.get(pk=scene.help_request.pk)

    help_request_triage(
        help_request=kept, by=staff, status=HelpRequest.Status.RESOLVED, public_reply="Done."
    )

    kept.refresh_from_db()
    assert kept.status == HelpRequest.Status.RESOLVED
    assert kept.comments.filter(body="Done.").exists()
    assert OutboundEmail.objects.count() == before  # nobody to write to
