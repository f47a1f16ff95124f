"""Files in the admin: a request's change page lists every file (the request's, each reply's,
each note's) with its facts and a download link; staff attach files to a reply or a note."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.asserts import assertContains, assertNotContains

from attachments.checks import check_files
from attachments.models import Attachment
from attachments.services import attachments_add
from help_requests.models import Comment
from help_requests.services import help_request_triage
from notifications.models import OutboundEmail

from ..signin import force_sign_in
from .attachment_helpers import html_as_pdf, pdf, text
from .test_admin import change_form_data, change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def triager_client(client, triager):
    force_sign_in(client, triager)
    return client


def attach(owner, *files, by=None):
    return attachments_add(owner=owner, files=check_files(list(files)), by=by)


def test_the_change_page_lists_every_file_with_its_facts_and_staff_links(
    triager_client, help_request, staff, stored
):
    help_request_triage(
        help_request=help_request, by=staff, public_reply="Signed.", internal_note="Looked."
    )
    (own,) = attach(help_request, pdf("budget.pdf"))
    (on_reply,) = attach(Comment.objects.get(is_public=True), text("agreement.txt"))
    (on_note,) = attach(Comment.objects.get(is_public=False), pdf("virus.pdf"))
    Attachment.objects.filter(pk=on_note.pk).update(
        scan_state=Attachment.ScanState.INFECTED, scan_detail="Eicar-Test-Signature FOUND"
    )

    page = triager_client.get(change_url(help_request))

    assertContains(page, 'enctype="multipart/form-data"')
    assertContains(page, f'href="/files/{own.pk}/"', count=1)
    # A reply's file is listed twice: with its reply in the conversation, and under all files.
    assertContains(page, f'href="/files/{on_reply.pk}/"', count=2)
    assertContains(page, "Sent with the request")
    assertContains(page, "Files with this public reply")
    assertContains(page, "Files with this internal note")
    assertContains(page, "Quarantined")
    assertContains(page, "Eicar-Test-Signature FOUND")
    assertNotContains(page, f'href="/files/{on_note.pk}/"')  # quarantined: no link
    assertContains(page, "(PDF")  # the type in words
    assertContains(page, "bytes")  # the size, with filesizeformat


def test_staff_send_a_public_reply_with_files_and_the_submitter_is_told_how_many(
    triager_client, help_request, stored
):
    page = triager_client.get(change_url(help_request))
    data = change_form_data(page, public_reply="Our agreement, signed.")
    data["public_reply_files"] = [pdf("agreement.pdf"), text("next-steps.txt")]

    response = triager_client.post(change_url(help_request), data)

    assert response.status_code == 302
    reply = Comment.objects.get(is_public=True)
    assert sorted(a.name for a in Attachment.objects.all()) == ["agreement.pdf", "next-steps.txt"]
    assert {a.owner for a in Attachment.objects.all()} == {reply}
    mail = OutboundEmail.objects.get(template="help_requests/reply")
    assert mail.context["files"] == 2


def test_a_note_s_files_stay_with_the_note(triager_client, help_request, stored):
    page = triager_client.get(change_url(help_request))
    data = change_form_data(page, internal_note="Their treasurer's letter.")
    data["internal_note_files"] = [pdf("letter.pdf")]

    response = triager_client.post(change_url(help_request), data)

    assert response.status_code == 302
    assert Attachment.objects.get().owner == Comment.objects.get(is_public=False)
    assert not OutboundEmail.objects.filter(template="help_requests/reply").exists()


def test_files_without_the_reply_they_go_with_are_refused_and_asked_again(
    triager_client, help_request, stored
):
    page = triager_client.get(change_url(help_request))
    data = change_form_data(page)
    data["public_reply_files"] = [pdf("agreement.pdf")]

    response = triager_client.post(change_url(help_request), data)

    assert response.status_code == 200
    assert not Comment.objects.exists()
    assert not Attachment.objects.exists()
    errors = response.context["adminform"].form.errors["public_reply_files"]
    assert "Write the public reply these files go with" in errors[0]
    assert "Choose the file again (agreement.pdf)" in errors[-1]


def test_a_refused_file_is_named_and_nothing_is_saved(triager_client, help_request, stored):
    page = triager_client.get(change_url(help_request))
    data = change_form_data(page, internal_note="The venue's page.")
    data["internal_note_files"] = [pdf("fine.pdf"), html_as_pdf("page.pdf")]

    response = triager_client.post(change_url(help_request), data)

    assert response.status_code == 200
    assert not Comment.objects.exists()
    assert not Attachment.objects.exists()
    assertContains(response, "page.pdf")
    assertContains(response, "Choose the file again (fine.pdf)")


def test_what_the_upload_handler_refused_is_shown_in_the_admin_too(
    triager_client, help_request, stored, settings
):
    settings.ATTACHMENT_MAX_FILE_MB = 1
    page = triager_client.get(change_url(help_request))
    data = change_form_data(page, public_reply="Here.")
    data["public_reply_files"] = [SimpleUploadedFile("scan.pdf", b"%PDF" + b"x" * 1024 * 1024)]

    response = triager_client.post(change_url(help_request), data)

    assert response.status_code == 200
    assert not Comment.objects.exists()
    assert not Attachment.objects.exists()
    errors = response.context["adminform"].form.errors["public_reply_files"]
    assert "scan.pdf" in errors[0]
