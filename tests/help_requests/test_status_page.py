"""The submitter's private status page: their request only, public replies, a way to answer."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from help_requests.forms import CorrectionForm, ReplyForm
from help_requests.models import Comment, HelpRequest, HelpRequestEvent
from help_requests.services import help_request_triage
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


def status_url(help_request: HelpRequest) -> str:
    return f"/help/status/{help_request.token}/"


def test_an_unknown_token_is_a_plain_404(client, help_request):
    response = client.get("/help/status/this-token-does-not-exist/")

    assert response.status_code == 404
    assertNotContains(response, help_request.title, status_code=404)


@pytest.mark.parametrize("guess", ["pk", "reference"])
def test_the_id_or_reference_does_not_open_the_status_page(client, help_request, guess):
    response = client.get(f"/help/status/{getattr(help_request, guess)}/")

    assert response.status_code == 404


def test_the_submitter_sees_public_replies_but_not_internal_notes(client, help_request, staff):
    help_request_triage(
        help_request=help_request,
        by=staff,
        public_reply="We are looking at venues near you.",
        internal_note="Budget line 7 still has room.",
    )

    response = client.get(status_url(help_request))

    assert response.status_code == 200
    assertContains(response, "We are looking at venues near you.")
    assertNotContains(response, "Budget line 7 still has room.")


def test_the_timeline_shows_each_status_the_request_went_through(client, help_request, staff):
    help_request_triage(help_request=help_request, by=staff, status=HelpRequest.Status.TRIAGED)
    help_request_triage(help_request=help_request, by=staff, status=HelpRequest.Status.IN_PROGRESS)

    response = client.get(status_url(help_request))

    labels = [step.label for step in response.context["timeline"]]
    assert labels == ["Submitted", "Being looked at", "Being worked on"]  # their words
    for label in labels:
        assertContains(response, label)


def test_a_reply_from_the_submitter_reaches_staff_and_the_assignee(
    client,
    help_request,
    staff,
    other_staff,
    eager_celery,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    help_request_triage(help_request=help_request, by=staff, assignee=other_staff)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(status_url(help_request), {"body": "The venue holds 80 people."})

    assert response.status_code == 302
    assert response["Location"] == status_url(help_request)
    reply = Comment.objects.get(request=help_request)
    assert (reply.body, reply.by_submitter, reply.is_public) == (
        "The venue holds 80 people.",
        True,
        True,
    )
    assert sorted(address for message in mailoutbox for address in message.to) == [
        "colleague@python.org",
        "psf@python.org",
    ]
    for message in mailoutbox:
        assert help_request.reference in message.subject + message.body
        assert "The venue holds 80 people." in message.body
        assert message.reply_to == []  # answered from the admin, so it is kept on record
        assert f"/admin/help_requests/helprequest/{help_request.pk}/change/" in message.body


def ask_submitter(help_request, staff, question="Which dates is the meetup on?"):
    help_request_triage(help_request=help_request, by=staff, status=HelpRequest.Status.TRIAGED)
    help_request_triage(help_request=help_request, by=staff, status=HelpRequest.Status.IN_PROGRESS)
    help_request_triage(
        help_request=help_request,
        by=staff,
        status=HelpRequest.Status.WAITING,
        public_reply=question,
    )


def test_while_staff_wait_the_page_shows_their_question_and_a_correction_form(
    client, help_request, staff
):
    ask_submitter(help_request, staff)

    response = client.get(status_url(help_request))

    assert response.status_code == 200
    assertContains(response, "Which dates is the meetup on?")
    assert isinstance(response.context["form"], CorrectionForm)
    # The correction form starts from what they sent, so they change only what is wrong.
    assertContains(response, 'value="Venue money for PyLadies Lagos"')


def test_answering_the_question_corrects_the_request_in_place_and_hands_it_back_to_staff(
    client, help_request, staff
):
    ask_submitter(help_request, staff)

    response = client.post(
        status_url(help_request),
        {
            "body": "It is on 14 March.",
            "title": "Venue money for PyLadies Lagos, 14 March",
            "description": help_request.description,
            "organisation": help_request.organisation,
            "amount": "500",
            "currency": "USD",
            "needed_by": "",
            "links": "",
        },
    )

    assert response.status_code == 302
    help_request.refresh_from_db()
    assert help_request.title == "Venue money for PyLadies Lagos, 14 March"
    assert help_request.status == HelpRequest.Status.IN_PROGRESS
    assert HelpRequest.objects.count() == 1
    edit = HelpRequestEvent.objects.get(request=help_request, field=HelpRequestEvent.Field.DETAILS)
    assert edit.new == "title"
    answer = Comment.objects.get(request=help_request, by_submitter=True)
    assert answer.body == "It is on 14 March."
    # Back in staff's court: a first answer is owed again.
    assert help_request.answer_due is not None


def test_an_open_request_that_is_not_waiting_offers_a_plain_reply_box(client, help_request):
    response = client.get(status_url(help_request))

    assert isinstance(response.context["form"], ReplyForm)
    assertContains(response, 'name="body"')


def test_a_closed_request_takes_no_more_replies(client, help_request, staff):
    help_request_triage(help_request=help_request, by=staff, status=HelpRequest.Status.RESOLVED)

    emails_before = OutboundEmail.objects.count()

    page = client.get(status_url(help_request))
    response = client.post(status_url(help_request), {"body": "One more thing..."})

    assert page.context["form"] is None
    assertNotContains(page, 'name="body"')
    assert response.status_code == 302
    assert not Comment.objects.filter(request=help_request).exists()
    assert OutboundEmail.objects.count() == emails_before
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.RESOLVED
