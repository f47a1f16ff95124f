"""Every figure on the dashboard, against the hand-counted world of conftest.py (today is
Wednesday 25 November 2026; the last 4 weeks run from 29 October)."""

import pytest

from help_requests.models import Comment
from insights.periods import last_days
from insights.selectors import BUILDERS
from volunteers.models import Role, RoleInterestChange

from .conftest import at

pytestmark = pytest.mark.django_db


def chart(key, today):
    return BUILDERS[key](last_days(28, "the last 4 weeks", today.date()))


def column(found, name):
    return dict(
        zip(found.labels, next(s for s in found.series if s.name == name).values, strict=True)
    )


def test_requests_received_per_week_by_area_leave_spam_out(help_world, today):
    found = chart("received", today)

    assert found.labels[0] == "Week of 26 Oct" and len(found.labels) == 5
    assert column(found, "Conferences and events") == {
        "Week of 26 Oct": 1,  # K
        "Week of 2 Nov": 3,  # A, F, B (G is spam)
        "Week of 9 Nov": 1,  # D (C is about code)
        "Week of 16 Nov": 0,
        "Week of 23 Nov": 1,  # E
    }
    assert sum(column(found, "Code and open-source projects").values()) == 1
    assert found.summary.startswith("7 requests received, up from 2 in the period before")


def test_requests_received_per_week_by_source(help_world, today):
    found = chart("received-source", today)

    assert [s.name for s in found.series] == ["Web form", "E-mail"]
    assert column(found, "Web form") == {
        "Week of 26 Oct": 1,  # K
        "Week of 2 Nov": 2,  # A, F
        "Week of 9 Nov": 1,  # C
        "Week of 16 Nov": 0,
        "Week of 23 Nov": 1,  # E
    }
    assert column(found, "E-mail") == {
        "Week of 26 Oct": 0,
        "Week of 2 Nov": 1,  # B (G, by e-mail too, is spam)
        "Week of 9 Nov": 1,  # D
        "Week of 16 Nov": 0,
        "Week of 23 Nov": 0,
    }
    # Before: H by the web form, I by e-mail (1 of 2).
    assert found.summary == (
        "5 through the web form and 2 by e-mail: 29% by e-mail, down from 50% in the period before."
    )
    assert found.table()[0] == ["Week", "Web form", "E-mail"]
    assert found.table()[1][1] == ["Week of 2 Nov", "2", "1"]


def test_the_last_allowed_working_day_is_within_the_promise(help_world, today):
    found = chart("first-answer", today)

    # Within: A (Thursday, the 3rd working day), B (Friday → Wednesday over a weekend), D (the
    # same day, by closing), K (closing). Not: C (4 working days), F (no answer, past due).
    # E is still inside its promise and not counted; G is spam.
    assert found.summary == (
        "67% answered within 3 working days (4 of 6), up from 50% in the period before."
    )
    counts = column(found, "Requests")
    assert counts["Same day"] == 1  # D
    assert counts["2 working days"] == 1  # K: Friday → Tuesday
    assert counts["3 working days"] == 2  # A, B
    assert counts["4–5 working days"] == 1  # C
    assert counts["Not answered yet, past the promise"] == 1  # F
    assert sum(counts.values()) == 6


def test_one_more_working_day_is_late(help_world, today):
    # B's answer moves to Thursday 12 November: the 4th working day after Friday 6th.
    Comment.objects.filter(request=help_world["B"]).update(
        created_at=help_world["B"].submitted_at.replace(day=12)
    )
    found = chart("first-answer", today)

    assert found.summary.startswith("50% answered within 3 working days (3 of 6)")


def test_the_backlog_by_age_and_status(help_world, today):
    found = chart("backlog", today)

    assert column(found, "New") == {
        "Under 1 week": 1,
        "1–4 weeks": 1,
        "1–3 months": 0,
        "Over 3 months": 0,
    }  # E, F
    assert column(found, "Triaged") == {
        "Under 1 week": 0,
        "1–4 weeks": 1,
        "1–3 months": 0,
        "Over 3 months": 1,
    }  # C, J
    assert column(found, "In progress")["1–4 weeks"] == 2  # B, K
    assert found.summary == (
        "6 requests open today, 1 of them for more than 4 weeks; in the last 4 weeks, 7 came in "
        "and 2 were closed (the backlog grew)."
    )


def test_time_to_close_and_the_reopen_rate(help_world, today):
    found = chart("time-to-close", today)

    assert column(found, "Requests closed")["Same day"] == 1  # D
    assert column(found, "Requests closed")["3–7 days"] == 1  # A: 4 days
    # Median of 0 and 4 days; before: H 4 and I 8 days. Closed in the period: A, D, K; K reopened.
    assert found.summary == (
        "2 requests closed, half of them within 2 days, down from 6 days in the period before; "
        "33% were reopened (1 of 3)."
    )


def test_roles_opened_and_filled(roles_world, today):
    found = chart("roles", today)

    assert sum(column(found, "Opened").values()) == 2  # Docs, Mentor
    assert column(found, "Filled")["Week of 16 Nov"] == 1  # Docs, marked filled Wed 18 Nov
    assert found.summary == (
        "2 roles opened, up from 1 in the period before; 1 filled, the same as in the period "
        "before."
    )


def test_days_to_fill(roles_world, today):
    found = chart("days-to-fill", today)

    # Docs: opened Mon 2 Nov, marked filled Wed 18 Nov (its person was onboarded on the 16th,
    # which no longer stands for the day it was filled).
    assert column(found, "Roles filled") == {
        "Within a week": 0,
        "1–2 weeks": 0,
        "2–4 weeks": 1,
        "1–3 months": 0,
        "More than 3 months": 0,
    }
    assert found.summary == (
        "1 role filled, within 16 days of opening; 2 still open, the oldest for 85 days."
    )


def test_a_role_filled_then_closed_still_counts_as_filled_that_day(roles_world, today):
    Role.objects.filter(pk=roles_world["docs"].pk).update(status=Role.Status.CLOSED)

    assert chart("days-to-fill", today).summary.startswith("1 role filled, within 16 days")


def test_interests_per_role_by_status(roles_world, today):
    found = chart("interests", today)

    assert found.labels == ["Mentor", "Docs writer"]
    assert column(found, "New") == {"Mentor": 2, "Docs writer": 0}
    assert column(found, "Onboarded") == {"Mentor": 0, "Docs writer": 1}
    assert found.summary == (
        "5 hands raised for 2 roles: 1 onboarded, 1 declined, 3 still new or contacted."
    )


def test_how_interests_moved_in_the_period(roles_world, today):
    found = chart("interest-flow", today)

    assert column(found, "Interests") == {
        "Raised (new)": 5,  # Docs 2, Mentor 3 (the 4 before: Sprint 3 and the reopened one)
        "New → contacted": 2,  # Docs' first (5 Nov), Mentor's first (12 Nov)
        "Contacted → onboarded": 1,  # Docs' first (16 Nov)
        "New → onboarded": 0,  # Sprint's was on 20 Oct, before
        "Contacted → declined": 0,
        "New → declined": 2,  # Docs' second (18 Nov), the reopened one (30 Oct)
        "Moved back or reopened": 1,  # declined → new on 2 Nov
    }
    assert found.summary == (
        "5 hands raised, up from 4 in the period before; in the period 2 contacted, 1 onboarded "
        "and 2 declined; half of those contacted heard from staff within 2 days of raising their "
        "hand."
    )


def test_one_hand_contacted_the_same_day(roles_world, today):
    # Only Mentor's first was contacted in the period, now on the day it was raised.
    RoleInterestChange.objects.filter(interest__role=roles_world["docs"], new="contacted").delete()
    RoleInterestChange.objects.filter(new="contacted").update(changed_at=at(11, 10, 15))

    assert chart("interest-flow", today).summary.endswith(
        "; the one contacted heard from staff the same day they raised their hand."
    )


def test_escalations(roles_world, today):
    found = chart("escalations", today)

    assert column(found, "Escalated")["Week of 9 Nov"] == 1
    assert found.summary == "1 interest escalated, down from 2 in the period before."


def test_pool_members_over_time(pool_world, today):
    found = chart("pool-members", today)

    values = column(found, "Members")
    # Start (29 Oct): one, two, three. +four (3 Nov), -two (18 Nov), five in and out.
    assert values["Week of 26 Oct"] == 3
    assert values["Week of 2 Nov"] == 4
    assert values["Week of 16 Nov"] == 4  # two left, five joined
    assert values["Week of 23 Nov"] == 3  # five left on the 24th
    assert found.summary == "3 members at the end of the period, the same as at its start."


def test_joins_and_leaves(pool_world, today):
    found = chart("pool-joins", today)

    assert column(found, "Joined")["Week of 2 Nov"] == 1
    assert column(found, "Left")["Week of 16 Nov"] == 2  # two, and the removed one
    assert found.summary == "2 joined, up from 1 in the period before; 3 left."


def test_each_mailings_reach(pool_world, today):
    found = chart("mailings", today)

    assert found.labels == ["Weekly digest: 2026-W47 (16 Nov)"]
    assert [s.values for s in found.series] == [[3], [1], [1]]  # five left too, not a recipient
    assert found.summary == (
        "1 mailing sent 3 e-mails (1 failed); 1 recipient unsubscribed within 7 days (33%)."
    )


def test_funding_per_round_and_budget_left(funding_world, today):
    rounds = chart("rounds", today)

    assert rounds.labels == ["Autumn 2026"]  # Summer is outside the period
    assert column(rounds, "Asked") == {"Autumn 2026": 2700.0}  # 2,000 EUR at 1.10 + 500 USD
    assert column(rounds, "Approved") == {"Autumn 2026": 1100.0}
    left = chart("budget-left", today)
    assert left.rows == [["Autumn 2026", "10,000.00 USD", "1,100.00 USD", "8,900.00 USD", "89%"]]
    assert left.summary == "Autumn 2026: 8,900.00 USD of 10,000.00 USD left (89%)."


def test_funding_by_kind_and_decision_time(funding_world, today):
    kinds = chart("event-kinds", today)

    assert column(kinds, "Asked") == {"Conference": 2200.0, "Sprint or hackathon": 500.0}
    assert column(kinds, "Approved") == {"Conference": 1100.0, "Sprint or hackathon": 0.0}
    decided = chart("decision-time", today)
    assert column(decided, "Decisions")["Within 2 weeks"] == 2  # 10 and 14 days
    assert decided.summary.startswith("2 decisions made, half of them within 12 days of the")
