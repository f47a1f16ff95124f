"""Staff wait on a submitter only by asking them something, however the change is made."""

import pytest
from django.core.exceptions import ValidationError

from help_requests.models import Comment, HelpRequest, HelpRequestEvent
from help_requests.services import help_request_triage
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("question", ["", "  \n "])
def test_waiting_without_a_question_is_refused_and_changes_nothing(staff, help_request, question):
    with pytest.raises(ValidationError) as refused:
        help_request_triage(
            help_request=help_request,
            by=staff,
            status=HelpRequest.Status.WAITING,
            priority=HelpRequest.Priority.HIGH,
            internal_note="Ask about the dates.",
            public_reply=question,
        )

    assert refused.value.message_dict == {
        "public_reply": ["Write the question the submitter should answer when you wait on them."]
    }
    help_request.refresh_from_db()
    assert (help_request.status, help_request.priority) == (
        HelpRequest.Status.NEW,
        HelpRequest.Priority.NORMAL,
    )
    assert not HelpRequestEvent.objects.filter(request=help_request, actor=staff).exists()
    assert not Comment.objects.filter(request=help_request).exists()
    assert not OutboundEmail.objects.filter(to=help_request.email).exclude(
        template="help_requests/receipt"
    )


def test_a_request_already_waiting_takes_other_changes_without_a_new_question(staff, help_request):
    help_request_triage(
        help_request=help_request,
        by=staff,
        status=HelpRequest.Status.WAITING,
        public_reply="Which dates is the meetup on?",
    )

    help_request_triage(
        help_request=help_request,
        by=staff,
        status=HelpRequest.Status.WAITING,
        priority=HelpRequest.Priority.HIGH,
    )

    help_request.refresh_from_db()
    assert (help_request.status, help_request.priority) == (
        HelpRequest.Status.WAITING,
        HelpRequest.Priority.HIGH,
    )
