"""Services behind the pages: references, triage history, who is told what, overdue nudges."""

from datetime import UTC, datetime
from unittest import mock

import pytest
import time_machine
from django.db import transaction

from help_requests.models import HelpRequest, HelpRequestEvent
from help_requests.services import (
    help_request_nudge_overdue,
    help_request_submit,
    help_request_submitter_reply,
    help_request_triage,
)
from notifications.models import OutboundEmail
from notifications.tasks import send_outbound_email

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # first answer due Thursday 5 March


def submit(**changes) -> HelpRequest:
    fields = {
        "title": "Sprint room at EuroPython",
        "description": "Forty people, two days.",
        "name": "Guido",
        "email": "guido@example.org",
        "area": HelpRequest.Area.EVENTS,
    }
    return help_request_submit(**{**fields, **changes})


def emails_to(address: str) -> list[str]:
    """Templates of the e-mails queued for one address, oldest first."""
    return list(
        OutboundEmail.objects.filter(to=address).order_by("pk").values_list("template", flat=True)
    )


def test_references_count_up_within_a_year_and_start_again_the_next():
    with time_machine.travel(datetime(2026, 6, 1, 9, 0, tzinfo=UTC)):
        first, second = submit(), submit()
    with time_machine.travel(datetime(2027, 1, 4, 9, 0, tzinfo=UTC)):
        next_year = submit()

    assert [first.reference, second.reference, next_year.reference] == [
        "HR-2026-0001",
        "HR-2026-0002",
        "HR-2027-0001",
    ]


def test_triage_records_who_changed_what_from_what(staff, other_staff):
    help_request = submit()

    help_request_triage(
        help_request=help_request,
        by=staff,
        status=HelpRequest.Status.TRIAGED,
        priority=HelpRequest.Priority.URGENT,
        assignee=other_staff,
    )

    changes = {
        event.field: (event.actor, event.old, event.new)
        for event in HelpRequestEvent.objects.filter(request=help_request).exclude(
            field=HelpRequestEvent.Field.CREATED
        )
    }
    assert changes == {
        "status": (staff, "new", "triaged"),
        "priority": (staff, "2", "4"),
        "assignee": (staff, "", "colleague@python.org"),
    }


def test_triage_without_a_change_records_nothing(staff):
    help_request = submit()

    help_request_triage(help_request=help_request, by=staff, status=HelpRequest.Status.NEW)

    assert list(help_request.events.values_list("field", flat=True)) == ["created"]


def test_submitter_is_told_when_request_is_resolved(
    staff, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    help_request = submit()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        help_request_triage(help_request=help_request, by=staff, status=HelpRequest.Status.RESOLVED)

    help_request.refresh_from_db()
    assert help_request.closed_at is not None
    assert emails_to("guido@example.org") == ["help_requests/receipt", "help_requests/closed"]
    (message,) = mailoutbox
    assert message.to == ["guido@example.org"]
    assert help_request.reference in message.subject + message.body


def test_reopening_a_closed_request_clears_its_closing_date(staff):
    help_request = submit()
    help_request_triage(help_request=help_request, by=staff, status=HelpRequest.Status.DECLINED)

    help_request_triage(help_request=help_request, by=staff, status=HelpRequest.Status.IN_PROGRESS)

    help_request.refresh_from_db()
    assert help_request.closed_at is None


def test_spam_sends_nothing_to_the_address_it_came_from(staff):
    help_request = submit()

    help_request_triage(
        help_request=help_request,
        by=staff,
        status=HelpRequest.Status.SPAM,
        public_reply="This looks like spam.",
    )

    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.SPAM
    assert emails_to("guido@example.org") == ["help_requests/receipt"]


def test_a_public_reply_is_emailed_to_the_submitter(staff):
    help_request = submit()

    help_request_triage(help_request=help_request, by=staff, public_reply="Which weekend?")

    assert emails_to("guido@example.org") == ["help_requests/receipt", "help_requests/reply"]
    row = OutboundEmail.objects.get(template="help_requests/reply")
    assert row.context["reply"] == "Which weekend?"


def test_an_internal_note_is_not_emailed_to_the_submitter(staff):
    help_request = submit()

    help_request_triage(help_request=help_request, by=staff, internal_note="Ask the board.")

    assert emails_to("guido@example.org") == ["help_requests/receipt"]


# Overdue nudges. Submitted Monday 2 March 2026: the first answer is due Thursday 5 March.


def nudge_on(day: int) -> int:
    with time_machine.travel(datetime(2026, 3, day, 8, 0, tzinfo=UTC), tick=False):
        return help_request_nudge_overdue()


def test_an_overdue_assigned_request_nudges_the_assignee_then_staff_once(staff, other_staff):
    with time_machine.travel(MONDAY, tick=False):
        help_request = submit()
        help_request_triage(help_request=help_request, by=staff, assignee=other_staff)

    assert nudge_on(5) == 0  # still the promised day
    assert nudge_on(6) == 1
    assert emails_to("colleague@python.org") == ["help_requests/overdue"]
    help_request.refresh_from_db()
    assert help_request.nudge_level == 1

    assert nudge_on(6) == 0  # the hourly job runs again the same day: nothing new
    assert nudge_on(9) == 1  # the next working day, still no answer: staff hear
    help_request.refresh_from_db()
    assert help_request.nudge_level == 2
    assert nudge_on(10) == 0
    assert nudge_on(16) == 0

    assert emails_to("colleague@python.org") == ["help_requests/overdue"]
    overdue_to_staff = OutboundEmail.objects.filter(
        to="psf@python.org", template="help_requests/overdue"
    )
    assert overdue_to_staff.count() == 1
    assert overdue_to_staff.get().context["escalated"] is True


def test_an_overdue_unassigned_request_goes_straight_to_staff(staff):
    with time_machine.travel(MONDAY, tick=False):
        help_request = submit()

    assert nudge_on(6) == 1
    assert nudge_on(9) == 0

    help_request.refresh_from_db()
    assert help_request.nudge_level == 2
    assert OutboundEmail.objects.filter(template="help_requests/overdue").count() == 1
    assert OutboundEmail.objects.get(template="help_requests/overdue").to == "psf@python.org"


def test_a_public_reply_means_nobody_is_nudged(staff, other_staff):
    with time_machine.travel(MONDAY, tick=False):
        help_request = submit()
        help_request_triage(
            help_request=help_request,
            by=staff,
            assignee=other_staff,
            public_reply="We are on it; expect news next week.",
        )

    assert nudge_on(6) == 0
    assert nudge_on(9) == 0
    assert not OutboundEmail.objects.filter(template="help_requests/overdue").exists()


def test_a_submitter_reply_puts_a_new_answer_date_on_staff(staff, other_staff):
    with time_machine.travel(MONDAY, tick=False):
        help_request = submit()
        help_request_triage(
            help_request=help_request, by=staff, assignee=other_staff, public_reply="Which room?"
        )
    with time_machine.travel(datetime(2026, 3, 9, 9, 0, tzinfo=UTC), tick=False):
        help_request_submitter_reply(help_request=help_request, body="The big one.")

    assert nudge_on(12) == 0  # due Thursday 12 March, three working days later
    assert nudge_on(13) == 1
    assert emails_to("colleague@python.org")[-1] == "help_requests/overdue"


def test_a_closed_request_is_never_nudged(staff):
    with time_machine.travel(MONDAY, tick=False):
        help_request = submit()
        help_request_triage(help_request=help_request, by=staff, status=HelpRequest.Status.DECLINED)

    assert nudge_on(9) == 0


# RELIABILITY matrix 3: a rolled-back submission leaves no trace and sends nothing.


@pytest.mark.django_db(transaction=True)
def test_a_submission_rolled_back_by_a_later_error_sends_nothing(eager_celery, mailoutbox):
    with (
        mock.patch.object(
            send_outbound_email, "apply_async", wraps=send_outbound_email.apply_async
        ) as publish,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        submit()
        raise RuntimeError("something after the save failed")

    assert HelpRequest.objects.count() == 0
    assert OutboundEmail.objects.count() == 0
    assert publish.call_count == 0
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_submission_sends_its_emails_once_committed(eager_celery, mailoutbox):
    """The counterpart of the rollback test: the same call, committed, does send."""
    with transaction.atomic():
        submit()
        assert mailoutbox == []

    assert sorted(message.to[0] for message in mailoutbox) == [
        "guido@example.org",
        "psf@python.org",
    ]
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}
