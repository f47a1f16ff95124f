"""The notice a funding request needs is counted in working days: Monday to Friday, except the
PSF's holidays, which staff keep in the admin. The refusal names the holidays it skipped, and
the form says the rule with the dates it gives today."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from funding.models import FundingPolicy, Holiday
from funding.policy import PolicyRules, State, funding_policy_check

pytestmark = pytest.mark.django_db

FRIDAY = date(2026, 12, 4)  # 15 working days on, without holidays: Friday 25 December


def notice(needed_by: date, today: date = FRIDAY):
    rules = PolicyRules.load()
    rules.policy = FundingPolicy(preferred_lead_weeks=8, minimum_lead_working_days=15)
    checklist = funding_policy_check(
        needed_by=needed_by, event_kind=None, currency="USD", lines=[], today=today, rules=rules
    )
    return checklist.rules[0], checklist


def test_christmas_is_not_a_working_day():
    assert Holiday.objects.filter(day=date(2026, 12, 25)).exists()  # as the migration adds it

    on_christmas, checklist = notice(date(2026, 12, 25))
    assert on_christmas.state == State.NOT_MET
    assert checklist.error().message_dict["needed_by"] == [
        "The PSF needs at least 15 working days' notice (Monday to Friday; Friday 25 December "
        "2026 is a PSF holiday): choose a date on or after Monday 28 December 2026."
    ]
    assert notice(date(2026, 12, 28))[0].state != State.NOT_MET


def test_a_holiday_staff_remove_counts_again():
    Holiday.objects.filter(day=date(2026, 12, 25)).delete()

    assert notice(date(2026, 12, 25))[0].state != State.NOT_MET


def test_holidays_on_a_weekend_change_nothing():
    Holiday.objects.create(day=date(2026, 12, 12), name="A Saturday")  # already not worked

    assert notice(date(2026, 12, 28))[0].state != State.NOT_MET
    _, checklist = notice(date(2026, 12, 24))
    assert "Saturday" not in checklist.error().message_dict["needed_by"][0]


def test_several_holidays_are_named_in_order():
    _, checklist = notice(date(2026, 12, 30), today=date(2026, 12, 11))

    (message,) = checklist.error().message_dict["needed_by"]
    assert "Friday 25 December 2026 and Friday 1 January 2027 are PSF holidays" in message
    # 14-18, 21-24, 28-31 December and 4, 5 January: 15 working days.
    assert message.endswith("choose a date on or after Tuesday 5 January 2027.")


def test_the_form_says_the_rule_and_the_first_date_it_allows_today(client, help_kinds):
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 12, 4, 12)), tick=False):
        page = client.get(reverse("help_requests:new"))

    assertContains(
        page,
        "the PSF needs at least 15 working days' notice (Monday to Friday; Friday 25 "
        "December 2026 is a PSF holiday), so a date on or after Monday 28 December 2026, and "
        "prefers 8 weeks (on or after Friday 29 January 2027)",
    )


def test_staff_keep_the_holidays_in_the_admin(reviewer_client):
    response = reviewer_client.post(
        reverse("admin:funding_holiday_add"),
        {"day": "2028-01-17", "name": "Birthday of Martin Luther King, Jr."},
    )

    assert response.status_code == 302
    assert Holiday.objects.filter(day=date(2028, 1, 17)).exists()
    listing = reviewer_client.get(reverse("admin:funding_holiday_changelist"))
    assertContains(listing, "Birthday of Martin Luther King, Jr.")
