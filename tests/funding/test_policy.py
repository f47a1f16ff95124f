"""The PSF's funding rules, each at its boundary: notice in working days (across weekends, month
and year ends) and in weeks, what the PSF does not fund (by category and by keyword), and the
maximum for a kind of event (in another currency too)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import BudgetCategory, EventKind, FundingPolicy
from funding.policy import PolicyRules, State, funding_policy_check
from funding.rates import RateTable

from .factories import line, rate

pytestmark = pytest.mark.django_db


def rules(
    *, preferred_weeks: int = 8, minimum_days: int = 15, holidays: frozenset[date] = frozenset()
) -> PolicyRules:
    """The policy as given; no holidays unless given (PSF holidays: test_notice_holidays)."""
    loaded = PolicyRules.load()
    loaded.policy = FundingPolicy(
        preferred_lead_weeks=preferred_weeks, minimum_lead_working_days=minimum_days
    )
    loaded.holidays = holidays
    return loaded


def notice(today: date, needed_by: date, **policy: int) -> State:
    checklist = funding_policy_check(
        needed_by=needed_by,
        event_kind=None,
        currency="USD",
        lines=[],
        today=today,
        rules=rules(**policy),
    )
    return checklist.rules[0].state


FRIDAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("today", "minimum_days", "last_refused", "first_accepted"),
    [
        # Friday + 15 working days: three weekends skipped.
        (FRIDAY, 15, date(2026, 12, 17), date(2026, 12, 18)),
        # Friday + 1 working day is Monday: the weekend in between does not count.
        (FRIDAY, 1, date(2026, 11, 29), date(2026, 11, 30)),
        # Across February's end in a year that is not a leap year: Fri 27, Mon 2, Tue 3.
        (date(2026, 2, 26), 3, date(2026, 3, 2), date(2026, 3, 3)),
        # ... and in a leap year, 29 February is a working day (Tuesday).
        (date(2028, 2, 25), 2, date(2028, 2, 28), date(2028, 2, 29)),
        # Across the year's end: Fri 25, Mon 28, Tue 29, Wed 30, Thu 31 December.
        (date(2026, 12, 24), 5, date(2026, 12, 30), date(2026, 12, 31)),
        # Across a 30-day month's end and a weekend: Wed 28, Thu 29, Fri 30 June, Mon 3, Tue 4.
        (date(2028, 6, 27), 5, date(2028, 7, 3), date(2028, 7, 4)),
    ],
    ids=["three-weekends", "over-a-weekend", "february", "leap-day", "year-end", "june-end"],
)
def test_less_notice_than_the_minimum_working_days_is_refused_to_the_day(
    today, minimum_days, last_refused, first_accepted
):
    assert notice(today, last_refused, minimum_days=minimum_days) == State.NOT_MET
    assert notice(today, first_accepted, minimum_days=minimum_days) != State.NOT_MET


def test_the_refusal_says_the_first_date_that_would_do():
    checklist = funding_policy_check(
        needed_by=date(2026, 12, 17),
        event_kind=None,
        currency="USD",
        lines=[],
        today=FRIDAY,
        rules=rules(minimum_days=15),
    )

    (message,) = checklist.error().message_dict["needed_by"]
    assert message == (
        "The PSF needs at least 15 working days' notice (Monday to Friday, not counting PSF "
        "holidays): choose a date on or after Friday 18 December 2026."
    )


def test_less_than_the_preferred_weeks_is_a_warning_and_exactly_that_is_met():
    eight_weeks = FRIDAY + timedelta(weeks=8)

    assert notice(FRIDAY, eight_weeks - timedelta(days=1)) == State.WARNING
    assert notice(FRIDAY, eight_weeks) == State.MET


def test_a_warning_does_not_refuse_the_request():
    checklist = funding_policy_check(
        needed_by=FRIDAY + timedelta(weeks=4),
        event_kind=None,
        currency="USD",
        lines=[line("Room", "venue", "100")],
        today=FRIDAY,
        rules=rules(),
    )

    assert checklist.rules[0].state == State.WARNING
    assert "The PSF prefers 8 weeks' notice" in checklist.rules[0].detail
    assert not checklist.refused


def test_staff_change_the_notice_in_the_admin_not_in_code():
    FundingPolicy.objects.update_or_create(
        id=1, defaults={"preferred_lead_weeks": 2, "minimum_lead_working_days": 2}
    )

    checklist = funding_policy_check(
        needed_by=FRIDAY + timedelta(days=4),  # Tuesday: two working days on
        event_kind=None,
        currency="USD",
        lines=[],
        today=FRIDAY,
    )

    assert checklist.rules[0].state == State.WARNING


def exclusions(*lines):
    checklist = funding_policy_check(
        needed_by=None,
        event_kind=None,
        currency="USD",
        lines=list(lines),
        today=FRIDAY,
    )
    return checklist.rules[1], checklist


def test_a_line_in_a_category_the_psf_does_not_fund_is_flagged_with_why():
    rule, checklist = exclusions(
        line("Room", "venue", "500", 0), line("T-shirts for volunteers", "swag", "300", 1)
    )

    assert rule.state == State.NOT_MET
    assert [flag.line.number for flag in rule.flags] == [2]
    (message,) = checklist.error().message_dict["line-1-category"]
    assert message.startswith("Line 2 (“T-shirts for volunteers”) is in “Swag and merchandise”.")
    assert "The PSF does not fund swag such as T-shirts" in message


@pytest.mark.parametrize(
    ("description", "word"),
    [
        ("Prizes for the best sprint project", "prize"),
        ("A raffle at the end", "raffle"),
        ("Stickers and a banner", "sticker"),
        ("my flight to the venue", "my flight"),
    ],
)
def test_a_line_whose_words_match_a_keyword_is_flagged_whatever_its_category(description, word):
    rule, checklist = exclusions(line(description, "other", "100"))

    assert rule.state == State.NOT_MET
    assert rule.flags[0].by_keyword == word
    assert f"(it mentions “{word}”)" in checklist.error().message_dict["line-0-description"][0]


@pytest.mark.parametrize(
    "description",
    ["A surprise guest speaker", "Enterprise-grade hosting", "Mugging up: a workshop"],
)
def test_a_keyword_inside_another_word_is_not_a_match_but_its_start_is(description):
    rule, _ = exclusions(line(description, "other", "100"))

    expected = State.NOT_MET if description.startswith("Mugging") else State.MET
    assert rule.state == expected  # "mug" starts "Mugging": staff choose their words


def test_staff_keywords_are_read_as_they_are_now():
    swag = BudgetCategory.objects.get(code="swag")
    swag.keywords = "balloon"
    swag.save()

    rule, _ = exclusions(line("Balloons for the stage", "other", "50"))

    assert rule.state == State.NOT_MET


def maximum(total: str, currency: str = "USD", kind: str = "sprint"):
    checklist = funding_policy_check(
        needed_by=None,
        event_kind=EventKind.objects.get(code=kind),
        currency=currency,
        lines=[line("Room", "venue", total)],
        today=FRIDAY,
        rules=PolicyRules.load(),
    )
    return checklist.rules[2]


def test_the_maximum_for_a_kind_of_event_is_allowed_and_a_cent_more_is_refused():
    assert EventKind.objects.get(code="sprint").max_amount == Decimal("2000")

    assert maximum("2000.00").state == State.MET
    refused = maximum("2000.01")
    assert refused.state == State.NOT_MET
    assert "the most the PSF gives for a sprint or hackathon is 2,000.00 USD" in refused.detail


def test_the_maximum_applies_in_us_dollars_at_the_day_s_rate():
    rate("EUR", "1.08", valid_from=FRIDAY - timedelta(days=3))

    # 1851.85 EUR is 1999.998 USD: 2000.00 once rounded to the cent; 1851.86 EUR is more.
    assert maximum("1851.85", "EUR").state == State.MET
    over = maximum("1851.86", "EUR")
    assert over.state == State.NOT_MET
    assert "1,851.86 EUR, about 2,000.01 USD" in over.detail


def test_without_a_rate_the_maximum_is_left_to_staff_not_refused():
    result = maximum("999999", "NGN")

    assert result.state == State.UNCHECKED
    assert result.detail == (
        "The most the PSF gives for a sprint or hackathon is 2,000.00 USD. Your budget of "
        "999,999.00 NGN could not be compared with it yet, as there is no exchange rate for NGN: "
        "PSF staff will convert it and check."
    )


def test_a_kind_without_a_maximum_is_met():
    assert maximum("9999999999.99", kind="other").state == State.MET


def test_the_rate_of_the_day_is_the_newest_on_or_before_it_and_the_first_before_any():
    rate("EUR", "1.05", valid_from=date(2026, 1, 1))
    rate("EUR", "1.10", valid_from=date(2026, 6, 1))
    table = RateTable.load()

    assert table.rate("EUR", date(2026, 5, 31)).usd_per_unit == Decimal("1.05")
    assert table.rate("EUR", date(2026, 6, 1)).usd_per_unit == Decimal("1.10")
    assert table.rate("EUR", date(2025, 1, 1)).usd_per_unit == Decimal("1.05")
    assert table.rate("GBP", date(2026, 6, 1)) is None
    assert table.to_usd(Decimal("100.00"), "USD", date(2026, 6, 1)) == Decimal("100.00")


def test_staff_find_the_one_policy_row_from_the_admin_menu_even_when_it_was_removed(staff_client):
    FundingPolicy.objects.all().delete()

    listing = staff_client.get(reverse("admin:funding_fundingpolicy_changelist"))

    assert listing.status_code == 302
    assert listing["Location"] == reverse("admin:funding_fundingpolicy_change", args=[1])
    assert FundingPolicy.objects.get().minimum_lead_working_days == 15
    assert staff_client.get(reverse("admin:funding_fundingpolicy_add")).status_code == 403
