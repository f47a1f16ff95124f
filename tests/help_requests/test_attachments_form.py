"""Files sent with a request or a reply: each one kept and listed; a refused one says which
file and why, asks for the files again, and nothing is written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from attachments.checks import check_files
from attachments.models import Attachment
from help_requests.models import Comment, HelpRequest
from help_requests.services import help_request_triage
from notifications.models import OutboundEmail

from .attachment_helpers import html_as_pdf, pdf, stored_files, text
from .test_form import form_data

pytestmark = pytest.mark.django_db

NEW_URL = reverse("help_requests:new")
ADVICE = {"kinds": ["advice"], "currency": None, "event_kind": None, "lines": None}


def test_the_form_takes_files_without_javascript_and_tells_funding_requesters_what_to_attach(
    client, help_kinds
):
    page = client.get(NEW_URL)

    assertContains(page, 'enctype="multipart/form-data"')
    assertContains(page, '<input type="file" name="files"')
    assertContains(page, "multiple")
    assertContains(
        page, '<label for="id_files" class="form-label">Choose files to send (optional)</label>'
    )
    assertContains(page, "Asking for funding? Attach your quotes and your budget spreadsheet here.")
    html = page.content.decode()
    # After the budget, so someone asking for money reaches it once the budget is done.
    assert html.index('name="line-0-amount"') < html.index('name="files"')


def test_each_file_sent_with_a_request_is_kept_and_listed_on_its_status_page(
    client, help_kinds, stored
):
    response = client.post(NEW_URL, {**form_data(), "files": [pdf(), text()]})

    assert response.status_code == 302
    help_request = HelpRequest.objects.get()
    files = list(Attachment.objects.order_by("name"))
    assert [(f.name, f.owner) for f in files] == [
        ("budget.txt", help_request),
        ("venue-quote.pdf", help_request),
    ]
    assert len(stored_files(stored)) == 2
    page = client.get(response["Location"])
    for attachment in files:
        link = f"/files/{attachment.pk}/{help_request.token}/"
        assertContains(page, f'<a href="{link}" download>{attachment.name}</a>', html=False)
    assertContains(page, "Not scanned")  # no scanner in the tests' settings: said so


def test_a_refused_file_is_named_with_why_nothing_is_written_and_the_files_are_asked_again(
    client, help_kinds, stored
):
    response = client.post(NEW_URL, {**form_data(**ADVICE), "files": [text(), html_as_pdf()]})

    assert response.status_code == 200
    assert HelpRequest.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert OutboundEmail.objects.count() == 0
    assert stored_files(stored) == []
    errors = response.context["form"].errors["files"]
    assert any("invoice.pdf" in error for error in errors)  # which file, and why
    # Only the good file is to be chosen again: the refused one is named with its problem.
    assertContains(response, "Choose the file again (budget.txt)")
    assertNotContains(response, "Choose the files again")
    # The summary links to the field.
    assertContains(response, 'href="#id_files"')


def test_files_chosen_on_a_form_that_comes_back_for_another_reason_are_asked_again(
    client, help_kinds, stored
):
    response = client.post(NEW_URL, {**form_data(**ADVICE, title=""), "files": [pdf()]})

    assert response.status_code == 200
    assert Attachment.objects.count() == 0
    assertContains(response, "Choose the file again (venue-quote.pdf)")


def test_a_file_over_the_limit_is_refused_as_it_streams_named_and_nothing_is_saved(
    client, help_kinds, stored, settings
):
    settings.ATTACHMENT_MAX_FILE_MB = 1
    big = SimpleUploadedFile("big-budget.txt", b"x" * (1024 * 1024 + 1), "text/plain")

    response = client.post(NEW_URL, {**form_data(**ADVICE), "files": [pdf(), big]})

    assert response.status_code == 200
    assert HelpRequest.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert stored_files(stored) == []
    (refusal, again) = response.context["form"].errors["files"]
    assert "big-budget.txt" in refusal  # the upload handler's words: which file, and why
    assertContains(response, refusal)
    assert (
        again
        == "Choose the file again (venue-quote.pdf): files are kept only once the form is sent."
    )


def test_an_eleventh_file_is_refused_and_nothing_is_saved(client, help_kinds, stored):
    files = [text(f"receipt-{n}.txt") for n in range(1, 12)]

    response = client.post(NEW_URL, {**form_data(**ADVICE), "files": files})

    assert response.status_code == 200
    assert HelpRequest.objects.count() == 0
    assert Attachment.objects.count() == 0
    errors = response.context["form"].errors["files"]
    assert any("receipt-11.txt" in error for error in errors)


def test_the_submitter_answers_waiting_on_you_with_the_document_asked_for(
    client, help_request, staff, stored
):
    help_request_triage(
        help_request=help_request,
        by=staff,
        status=HelpRequest.Status.WAITING,
        public_reply="Please send us the venue's quote.",
    )
    page = client.get(help_request.get_absolute_url())
    assertContains(page, 'enctype="multipart/form-data"')
    assertContains(page, '<input type="file" name="files"')

    response = client.post(
        help_request.get_absolute_url(),
        {"body": "Here it is.", "title": help_request.title,
         "description": help_request.description, "files": [pdf()]},
    )  # fmt: skip

    assert response.status_code == 302
    reply = Comment.objects.get(by_submitter=True)
    (attachment,) = Attachment.objects.all()
    assert attachment.owner == reply
    page = client.get(help_request.get_absolute_url())
    assertContains(page, f"/files/{attachment.pk}/{help_request.token}/")


def test_a_plain_reply_takes_files_too_and_a_refused_one_writes_no_reply(
    client, help_request, stored
):
    url = help_request.get_absolute_url()

    refused = client.post(url, {"body": "The invoice.", "files": [html_as_pdf()]})

    assert refused.status_code == 200
    assert not Comment.objects.exists()
    assert Attachment.objects.count() == 0
    assertContains(refused, "invoice.pdf is not a file type we accept")
    assertNotContains(refused, "Choose the file again")  # the one file sent was refused

    sent = client.post(url, {"body": "The receipts.", "files": [pdf("receipts.pdf")]})

    assert sent.status_code == 302
    assert Attachment.objects.get().owner == Comment.objects.get()


def test_files_of_internal_notes_are_not_on_the_status_page(client, help_request, staff, stored):
    help_request_triage(
        help_request=help_request,
        by=staff,
        internal_note="Their treasurer's letter.",
        note_files=[_checked("treasurer-letter.pdf")],
        public_reply="Our agreement, signed.",
        reply_files=[_checked("agreement.pdf")],
    )

    page = client.get(help_request.get_absolute_url())

    assertContains(page, "agreement.pdf")
    assertNotContains(page, "treasurer-letter.pdf")


def _checked(name: str):
    (checked,) = check_files([pdf(name)])
    return checked
