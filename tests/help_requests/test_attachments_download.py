"""Who may download a file: the holder of the request's status link (the request's own files
and its public replies'), and staff who may view requests; nobody else, and nobody while it is
being checked or after it was quarantined. Staff downloads are in the audit record."""

import pytest
from django.contrib.auth.models import Group

from accounts.models import AuditEvent
from accounts.services import STAFF_GROUP
from attachments.checks import check_files
from attachments.models import Attachment
from attachments.services import attachments_add
from help_requests.models import Comment
from help_requests.services import help_request_submit, help_request_triage

from ..factories import StaffFactory, UserFactory
from ..signin import force_sign_in, sign_in
from .attachment_helpers import PDF, pdf

pytestmark = pytest.mark.django_db


def attach(owner, name="venue-quote.pdf", state=None) -> Attachment:
    (attachment,) = attachments_add(owner=owner, files=check_files([pdf(name)]), by=None)
    if state:
        Attachment.objects.filter(pk=attachment.pk).update(scan_state=state)
        attachment.refresh_from_db()
    return attachment


@pytest.fixture
def files(help_request, staff, stored):
    """A request's own file, one on a public reply, one on an internal note."""
    help_request_triage(
        help_request=help_request, by=staff, public_reply="Signed.", internal_note="Checked."
    )
    reply = Comment.objects.get(is_public=True)
    note = Comment.objects.get(is_public=False)
    return {
        "request": attach(help_request, "budget.pdf"),
        "reply": attach(reply, "agreement.pdf"),
        "note": attach(note, "staff-notes.pdf"),
    }


@pytest.fixture
def other_request(help_kinds):
    return help_request_submit(
        title="Another meetup", description="Somewhere else entirely.", email="ann@example.org"
    )


def by_token(attachment, token):
    return f"/files/{attachment.pk}/{token}/"


def by_staff(attachment):
    return f"/files/{attachment.pk}/"


@pytest.mark.parametrize("which", ["request", "reply"])
def test_the_status_link_downloads_the_request_s_files_and_its_public_replies(
    client, files, help_request, which
):
    response = client.get(by_token(files[which], help_request.token))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_an_internal_note_s_file_is_a_404_with_the_status_link(client, files, help_request):
    assert client.get(by_token(files["note"], help_request.token)).status_code == 404


def test_another_request_s_link_is_a_404(client, files, other_request):
    for attachment in files.values():
        assert client.get(by_token(attachment, other_request.token)).status_code == 404


def test_a_made_up_token_is_a_404(client, files):
    assert client.get(by_token(files["request"], "x" * 43)).status_code == 404


def test_without_a_token_a_file_is_a_404_for_anyone_but_staff(client, files):
    person = UserFactory(email="ada@example.org")
    for who in (None, person):
        if who:
            client.force_login(who)
        for attachment in files.values():
            assert client.get(by_staff(attachment)).status_code == 404


@pytest.mark.parametrize("which", ["request", "reply", "note"])
def test_staff_who_may_view_requests_download_every_file_and_it_is_audited(
    client, files, triager, which
):
    force_sign_in(client, triager)

    response = client.get(by_staff(files[which]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    event = AuditEvent.objects.get(action=AuditEvent.Action.FILE_DOWNLOADED)
    assert event.actor == triager
    assert event.target_type == "attachments.attachment"
    assert event.target_id == str(files[which].pk)
    assert "HR-" in event.detail  # which request


def test_staff_who_may_not_view_requests_get_a_403_and_nothing_is_audited(client, files):
    outsider = StaffFactory(email="events.volunteer@python.org", is_superuser=False)
    assert not Group.objects.get(name=STAFF_GROUP).user_set.filter(pk=outsider.pk).exists()
    force_sign_in(client, outsider)

    response = client.get(by_staff(files["request"]))

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.FILE_DOWNLOADED).exists()


def test_staff_without_their_second_factor_are_sent_to_it(client, files, triager):
    sign_in(client, triager, mfa=False)

    response = client.get(by_staff(files["request"]))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/")


def test_a_file_being_checked_is_not_served_to_anyone(client, help_request, triager, stored):
    attachment = attach(help_request, state=Attachment.ScanState.PENDING)

    as_submitter = client.get(by_token(attachment, help_request.token))
    force_sign_in(client, triager)
    as_staff = client.get(by_staff(attachment))

    for response in (as_submitter, as_staff):
        assert response.status_code == 409
        assert b"This file is being checked" in response.content
        assert not hasattr(response, "streaming_content")
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.FILE_DOWNLOADED).exists()


def test_a_quarantined_file_is_not_served_and_staff_see_why(client, help_request, triager, stored):
    attachment = attach(help_request, state=Attachment.ScanState.INFECTED)
    Attachment.objects.filter(pk=attachment.pk).update(scan_detail="Eicar-Test-Signature FOUND")

    as_submitter = client.get(by_token(attachment, help_request.token))
    force_sign_in(client, triager)
    as_staff = client.get(by_staff(attachment))

    assert as_submitter.status_code == as_staff.status_code == 409
    assert b"This file was quarantined" in as_submitter.content
    assert b"Eicar" not in as_submitter.content  # the scanner's words are for staff
    assert b"Eicar-Test-Signature FOUND" in as_staff.content


def test_a_file_that_does_not_exist_is_a_404(client, help_request, triager):
    force_sign_in(client, triager)
    assert client.get("/files/999999/").status_code == 404
    assert client.get(f"/files/999999/{help_request.token}/").status_code == 404
