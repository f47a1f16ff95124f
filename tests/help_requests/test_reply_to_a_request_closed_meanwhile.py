"""A submitter who answers just after staff closed the request is told so: no error page, no
reply saved, nothing e-mailed."""

from unittest import mock

import pytest
from django.contrib.messages import get_messages

from help_requests import selectors
from help_requests.models import Comment, HelpRequest
from help_requests.services import (
    RequestClosed,
    help_request_submitter_reply,
    help_request_triage,
)
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


def close(help_request: HelpRequest, staff) -> None:
    help_request_triage(help_request=help_request, by=staff, status=HelpRequest.Status.RESOLVED)


def replies_and_emails(help_request: HelpRequest) -> tuple[int, int]:
    return Comment.objects.filter(request=help_request).count(), OutboundEmail.objects.count()


def test_the_service_refuses_a_reply_to_a_closed_request_and_writes_nothing(help_request, staff):
    close(help_request, staff)
    before = replies_and_emails(help_request)

    with pytest.raises(RequestClosed):
        help_request_submitter_reply(
            help_request=help_request, body="One more thing.", changes={"title": "New title"}
        )

    assert replies_and_emails(help_request) == before
    help_request.refresh_from_db()
    assert (help_request.status, help_request.title) == (
        HelpRequest.Status.RESOLVED,
        "Venue money for PyLadies Lagos",
    )


@pytest.mark.parametrize("waiting", [False, True], ids=["reply", "answer to a question"])
def test_a_reply_posted_as_staff_close_the_request_gets_a_message_not_an_error(
    client, help_request, staff, waiting
):
    if waiting:
        help_request_triage(
            help_request=help_request,
            by=staff,
            status=HelpRequest.Status.WAITING,
            public_reply="Which dates is the meetup on?",
        )
    url = help_request.get_absolute_url()
    page = client.get(url)
    assert page.context["form"] is not None  # open when the submitter loaded the page
    data = {"body": "It is on 14 March."}
    if waiting:  # the correction form, as drawn, with one detail changed
        form = page.context["form"]
        data |= {name: form[name].value() or "" for name in HelpRequest.SUBMITTER_EDITABLE}
        data["title"] = "Venue money for PyLadies Lagos, 14 March"

    def read_then_staff_close(*, token: str) -> HelpRequest:
        """The page reads the request while it is open; staff close it before the reply is
        saved."""
        loaded = selectors.help_request_for_token(token=token)
        close(help_request, staff)
        return loaded

    with mock.patch("help_requests.views.help_request_for_token", read_then_staff_close):
        response = client.post(url, data)

    assert response.status_code == 302
    assert response["Location"] == url
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said == ["This request is closed and takes no more replies. Your reply was not sent."]
    # The reply was neither saved nor sent to staff, and the request was not changed.
    assert not Comment.objects.filter(request=help_request, by_submitter=True).exists()
    assert not OutboundEmail.objects.filter(template="help_requests/submitter_reply").exists()
    help_request.refresh_from_db()
    assert (help_request.status, help_request.title) == (
        HelpRequest.Status.RESOLVED,
        "Venue money for PyLadies Lagos",
    )
