"""Retention deletes files too: spam's every file (its request's, replies' and notes') after the
spam period, and a closed request's files (its own and its public replies') when it loses its
personal data after the retention period; an internal note's file stays with the note. A run
counts them for the board, and a second run finds nothing."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from attachments.models import Attachment
from help_requests.models import Comment, HelpRequest
from help_requests.services import help_request_triage
from privacy.retention import months_before, retention_run

from ..attachments.files import make_attachment
from ..factories import HelpRequestFactory
from .files_scene import names, stored

pytestmark = pytest.mark.django_db

DAY0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


@pytest.fixture
def world(staff):
    """On day 0: spam with a file and a note's file; a resolved request with a file, staff's
    public reply's and a note's; an open request with a file."""
    with time_machine.travel(DAY0, tick=False):
        spam = HelpRequestFactory(title="Buy cheap watches", email="spammer@example.org")
        resolved = HelpRequestFactory(name="Rosa Díaz", email="rosa@example.org")
        still_open = HelpRequestFactory(name="Lin Clark", email="lin@example.org")
        for request, status in ((spam, HelpRequest.Status.SPAM), (resolved, "resolved")):
            help_request_triage(
                help_request=request,
                by=staff,
                status=status,
                public_reply="Thank you.",
                internal_note="Noted.",
            )
        files = {
            "spam": make_attachment(spam, name="watches.pdf"),
            "spam_note": make_attachment(Comment.objects.get(request=spam, is_public=False)),
            "resolved": make_attachment(resolved, name="laptops.pdf"),
            "resolved_reply": make_attachment(
                Comment.objects.get(request=resolved, is_public=True), name="agreement.pdf"
            ),
            "resolved_note": make_attachment(
                Comment.objects.get(request=resolved, is_public=False), name="transfer.pdf"
            ),
            "open": make_attachment(still_open, name="quote.pdf"),
        }
    return files


def run_on(moment: datetime, capture) -> dict[str, int]:
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return retention_run().counts


def test_spam_goes_with_every_file_it_had(world, django_capture_on_commit_callbacks):
    assert (
        run_on(DAY0 + timedelta(days=29), django_capture_on_commit_callbacks)["files_deleted"] == 0
    )
    assert stored() == names(*world.values())

    counts = run_on(DAY0 + timedelta(days=31), django_capture_on_commit_callbacks)

    assert (counts["spam_requests_deleted"], counts["files_deleted"]) == (1, 2)
    assert stored() == names(*(a for key, a in world.items() if not key.startswith("spam")))
    assert not Attachment.objects.filter(pk__in=[world["spam"].pk, world["spam_note"].pk])


def test_a_closed_request_loses_its_files_with_its_personal_data(
    world, django_capture_on_commit_callbacks
):
    due = months_before(DAY0, -24)
    almost = run_on(due - timedelta(minutes=1), django_capture_on_commit_callbacks)
    assert almost["files_deleted"] == 2  # the spam's, already
    kept = names(world["resolved"], world["resolved_reply"], world["resolved_note"], world["open"])
    assert stored() == kept

    counts = run_on(due + timedelta(minutes=1), django_capture_on_commit_callbacks)

    assert (counts["closed_requests_anonymised"], counts["files_deleted"]) == (1, 2)
    assert stored() == names(world["resolved_note"], world["open"])
    assert run_on(due + timedelta(days=1), django_capture_on_commit_callbacks)["files_deleted"] == 0
