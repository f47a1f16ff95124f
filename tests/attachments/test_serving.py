"""A kept file goes to the browser as a download that can run nothing in our origin."""

import pytest
from django.http import FileResponse, Http404
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.test import RequestFactory

from attachments.models import Attachment
from attachments.serving import attachment_response

from . import files


def body(response: FileResponse) -> bytes:
    content = b"".join(response.streaming_content)
    response.close()
    return content


def test_a_file_is_a_streamed_sandboxed_download_of_its_detected_type(
    attachment_factory, help_request
):
    attachment = attachment_factory(help_request, name="budget.pdf", content=files.PDF)

    response = attachment_response(attachment)

    assert response.streaming
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"budget.pdf\"; filename*=utf-8''budget.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Content-Length"] == str(len(files.PDF))
    assert body(response) == files.PDF


def test_a_name_with_accents_quotes_and_slashes_is_sent_safely(attachment_factory, help_request):
    attachment = attachment_factory(help_request, name='Budget été "final";.csv', content=files.CSV)

    disposition = attachment_response(attachment)["Content-Disposition"]

    assert disposition == (
        'attachment; filename="Budget ete _final_.csv"; '
        "filename*=utf-8''Budget%20%C3%A9t%C3%A9%20%22final%22%3B.csv"
    )


def test_the_download_name_ends_as_its_type(attachment_factory, help_request):
    attachment = attachment_factory(help_request, name="page.html", content=files.image("PNG"))

    disposition = attachment_response(attachment)["Content-Disposition"]

    assert disposition.startswith('attachment; filename="page.html.png";')


def test_the_sites_own_csp_does_not_replace_the_sandbox(client, attachment_factory, help_request):
    # Through the middleware, as a view would return it.

    attachment = attachment_factory(help_request)
    middleware = ContentSecurityPolicyMiddleware(lambda request: attachment_response(attachment))

    response = middleware(RequestFactory().get("/files/1/"))

    assert response["Content-Security-Policy"] == "sandbox"
    response.close()


def test_a_quarantined_file_is_never_served(attachment_factory, help_request):
    attachment = attachment_factory(help_request, scan_state=Attachment.ScanState.INFECTED)

    with pytest.raises(Http404):
        attachment_response(attachment)


def test_a_file_missing_from_storage_is_a_404(attachment_factory, help_request):
    attachment = attachment_factory(help_request)
    attachment.file.storage.delete(attachment.file.name)

    with pytest.raises(Http404):
        attachment_response(attachment)
