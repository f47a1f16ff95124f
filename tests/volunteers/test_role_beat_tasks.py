"""Beat jobs: roles close on their last day, and nobody who raised a hand is left unanswered."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from volunteers.models import Role, RoleInterest
from volunteers.tasks import close_expired_roles, escalate_stale_interests

from ..factories import RoleFactory, RoleInterestFactory

pytestmark = pytest.mark.django_db

TUESDAY = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def test_open_roles_past_their_closing_day_are_closed(client, areas, eager_celery):
    today = TUESDAY.date()
    past = RoleFactory(slug="past", closes_on=today - timedelta(days=1))
    last_day = RoleFactory(slug="last-day", closes_on=today)
    no_end = RoleFactory(slug="no-end", closes_on=None)
    draft = RoleFactory(slug="draft", status=Role.Status.DRAFT, closes_on=date(2026, 1, 1))
    filled = RoleFactory(slug="filled", status=Role.Status.FILLED, closes_on=date(2026, 1, 1))

    with time_machine.travel(TUESDAY):
        assert close_expired_roles.delay().get() == 1

    statuses = dict(Role.objects.values_list("slug", "status"))
    assert statuses == {
        past.slug: "closed",
        last_day.slug: "open",
        no_end.slug: "open",
        draft.slug: "draft",
        filled.slug: "filled",
    }
    assert client.get("/roles/past/").status_code == 410


@pytest.fixture
def hands(areas) -> dict[str, RoleInterest]:
    """Raised on Tuesday: two still new, one already contacted; one more raised a day later."""
    role = RoleFactory(title="Postmaster")
    with time_machine.travel(TUESDAY):
        waiting = {
            "ada": RoleInterestFactory(role=role, name="Ada Lovelace"),
            "kwame": RoleInterestFactory(role=role, name="Kwame Mensah"),
            "lin": RoleInterestFactory(role=role, name="Lin Wei", status="contacted"),
        }
    with time_machine.travel(TUESDAY + timedelta(days=1)):
        waiting["fresh"] = RoleInterestFactory(role=role, name="Fresh Hand")
    return waiting


def escalate(on: datetime, django_capture_on_commit_callbacks) -> int:
    with time_machine.travel(on), django_capture_on_commit_callbacks(execute=True):
        return escalate_stale_interests.delay().get()


def test_hands_still_new_after_a_week_are_sent_to_staff_once(
    hands, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    eight_days_later = TUESDAY + timedelta(days=7, hours=1)

    assert escalate(eight_days_later, django_capture_on_commit_callbacks) == 2
    assert escalate(eight_days_later + timedelta(hours=1), django_capture_on_commit_callbacks) == 0

    (message,) = mailoutbox
    assert message.to == ["psf@python.org"]
    assert message.subject == "[Volunteer] 2 interests waiting more than 7 days"
    assert "Ada Lovelace: Postmaster" in message.body
    assert "Kwame Mensah: Postmaster" in message.body
    assert "Lin Wei" not in message.body
    assert "Fresh Hand" not in message.body


def test_nothing_is_escalated_before_the_week_is_over(
    hands, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    assert escalate(TUESDAY + timedelta(days=6), django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


def test_the_escalation_threshold_is_a_setting(
    hands, settings, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    settings.VOLUNTEER_INTEREST_ESCALATE_DAYS = 2

    assert escalate(TUESDAY + timedelta(days=3, hours=1), django_capture_on_commit_callbacks) == 3

    (message,) = mailoutbox
    assert message.subject == "[Volunteer] 3 interests waiting more than 2 days"
    assert "Fresh Hand: Postmaster" in message.body
