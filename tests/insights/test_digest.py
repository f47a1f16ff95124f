"""The daily staff digest carries the week in one line, with a link to the dashboard."""

import pytest

from psf_helpdesk.tasks import send_staff_digest

from .conftest import at, reply, request_at

pytestmark = pytest.mark.django_db


def test_the_digest_gives_the_week_in_one_line_with_a_link(
    staff, eager_celery, mailoutbox, django_capture_on_commit_callbacks, today
):
    # Last 7 days: 19 to 25 Nov. Mon 16 Nov (the week before) answered Thu 19th, the last day.
    # Thu 19 Nov answered Tue 24th (3 working days, within); Mon 23rd still inside its promise.
    before = request_at(at(11, 16))
    reply(before, at(11, 19))
    inside = request_at(at(11, 19))
    reply(inside, at(11, 24))
    request_at(at(11, 23))

    with django_capture_on_commit_callbacks(execute=True):
        assert send_staff_digest() is True

    [digest] = [m for m in mailoutbox if m.subject.startswith("PSF Helpdesk digest")]
    assert (
        "The last 7 days: 2 requests received, up from 1 in the period before; most about "
        "conferences and events. 100% answered within 3 working days (1 of 1), the same as in "
        "the period before."
    ) in " ".join(digest.body.split())
    assert "/admin/insights/dashboard/\n" in digest.body
    html = digest.alternatives[0][0]
    assert '/admin/insights/dashboard/" style=' in html
