"""The daily digest tells staff which open requests nobody has picked up yet."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from help_requests.models import HelpRequest
from psf_helpdesk.tasks import send_staff_digest

from .factories import HelpRequestFactory

pytestmark = pytest.mark.django_db


def _digest(mailoutbox):
    return [m for m in mailoutbox if m.subject.startswith("PSF Helpdesk digest")]


def test_digest_lists_open_unassigned_requests_oldest_first(
    staff, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(timezone.now() - timedelta(days=6)):
        old = HelpRequestFactory(title="Old and forgotten", answer_due=timezone.localdate())
    new = HelpRequestFactory(title="Just arrived")
    HelpRequestFactory(title="Someone has it", assignee=staff)
    HelpRequestFactory(title="Already resolved", status=HelpRequest.Status.RESOLVED)

    with django_capture_on_commit_callbacks(execute=True):
        assert send_staff_digest() is True

    [digest] = _digest(mailoutbox)
    assert digest.to == ["psf@python.org"]
    assert "2 open requests without an assignee" in digest.subject
    body = digest.body
    assert body.index(old.reference) < body.index(new.reference)
    assert "6 days old, first answer OVERDUE" in body
    assert "Someone has it" not in body and "Already resolved" not in body
    assert f"/admin/help_requests/helprequest/{old.pk}/change/" in body


def test_digest_is_sent_once_a_day_and_not_at_all_when_nothing_waits(
    staff, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert send_staff_digest() is False
    assert _digest(mailoutbox) == []

    HelpRequestFactory()
    with django_capture_on_commit_callbacks(execute=True):
        send_staff_digest()
        send_staff_digest()  # beat fired twice (e.g. two beat processes by mistake)
    assert len(_digest(mailoutbox)) == 1
