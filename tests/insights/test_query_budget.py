"""The dashboard, a chart's picture and its CSV cost the same number of queries with 10 rows of
each kind or over 10,000 rows in all: the selectors count and sum in the database, never a
query per row. (1,600 of each kind make the 10,000: bulk_create costs about half a millisecond a
row here, and the test should stay a few seconds.)"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from funding.models import Decision, FundingRequest, ReviewRound
from help_requests.models import Comment, HelpRequest, HelpRequestEvent
from insights.periods import last_days
from insights.selectors import BUILDERS
from notifications.models import OutboundEmail
from volunteers.models import (
    PoolMailing,
    PoolMember,
    Role,
    RoleInterest,
    RoleInterestChange,
    new_token,
)

from ..funding.factories import rate

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("admin:insights_dashboard_changelist")
BUDGET = 45  # the page, with the signed-in reader's session, user and MFA checks
STATUSES = HelpRequest.Status.values
AREAS = HelpRequest.Area.values


def add_rows(n: int, start: int, areas) -> int:
    """`n` more of each row the dashboard reads (a tenth as many roles and funding requests, a
    hundredth as many mailings; a step for each interest), spread over the last 12 weeks;
    returns the rows written."""
    now = timezone.now()
    when = [now - timedelta(hours=(start + i) * 7 % (12 * 7 * 24)) for i in range(n)]
    requests = HelpRequest.objects.bulk_create(
        HelpRequest(
            reference=f"HR-2019-{start + i:06d}",
            email=f"p{start + i}@example.org",
            title="Help",
            description="Please.",
            area=AREAS[i % len(AREAS)],
            status=STATUSES[i % len(STATUSES)],
            closed_at=when[i] + timedelta(days=i % 9) if i % len(STATUSES) >= 4 else None,
            amount=Decimal(100 + i % 50) if i % 10 == 0 else None,
            currency=("EUR", "USD")[i % 2] if i % 10 == 0 else "",
        )
        for i in range(n)
    )  # fmt: skip
    # submitted_at is set on insert: spread the new requests over the 12 weeks, a day at a time.
    made = HelpRequest.objects.filter(pk__gte=requests[0].pk).annotate(day=F("pk") % 84)
    for day in range(min(n, 84)):
        made.filter(day=day).update(submitted_at=now - timedelta(days=day, hours=day % 24))
    Comment.objects.bulk_create(
        Comment(request=r, body="Answer", is_public=i % 2 == 0) for i, r in enumerate(requests)
    )
    HelpRequestEvent.objects.bulk_create(
        HelpRequestEvent(request=r, field="status", old="new", new=r.status) for r in requests
    )
    roles = Role.objects.bulk_create(
        Role(
            title=f"Role {start + i}", slug=f"role-{start + i}", area=areas["web"],
            summary="s", description="d", time_commitment="t", contact_name="c",
            contact_email="c@python.org", status=("open", "filled", "closed")[i % 3],
            opened_at=when[i], filled_at=when[i] + timedelta(days=i % 20) if i % 3 == 1 else None,
        )
        for i in range(max(1, n // 10))
    )  # fmt: skip
    interests = RoleInterest.objects.bulk_create(
        RoleInterest(
            role=roles[i % len(roles)], name="V", email=f"v{start + i}@example.org",
            availability="a", status=RoleInterest.Status.values[i % 4],
            escalated_at=when[i] if i % 5 == 0 else None,
        )
        for i in range(n)
    )  # fmt: skip
    RoleInterestChange.objects.bulk_create(
        RoleInterestChange(
            interest=hand, old="new", new=hand.status, changed_at=when[i] + timedelta(days=i % 5)
        )
        for i, hand in enumerate(interests)
    )
    PoolMember.objects.bulk_create(
        PoolMember(
            email=f"m{start + i}@example.org", name="M", consent_text="ok", consented_at=now,
            confirmation_sent_at=now, confirmed_at=when[i],
            unsubscribed_at=now if i % 7 == 0 else None,
            unsubscribe_token=new_token(), preferences_token=new_token(),
        )
        for i in range(n)
    )  # fmt: skip
    mailings = PoolMailing.objects.bulk_create(
        PoolMailing(kind="role", role=roles[i % len(roles)]) for i in range(max(1, n // 100))
    )
    OutboundEmail.objects.bulk_create(
        OutboundEmail(
            to=f"m{start + i}@example.org", template="t", idempotency_key=f"k{start + i}",
            batch=mailings[i % len(mailings)].batch, status=("sent", "failed")[i % 2],
            next_attempt_at=now, sent_at=now,
        )
        for i in range(n)
    )  # fmt: skip
    autumn = ReviewRound.objects.create(
        name=f"Round {start}", opens_on=now.date() - timedelta(days=60), closes_on=now.date(),
        budget=Decimal(100000),
    )  # fmt: skip
    funded = [r for r in requests if r.amount is not None]
    FundingRequest.objects.bulk_create(FundingRequest(help_request=r, round=autumn) for r in funded)
    Decision.objects.bulk_create(
        Decision(
            request_id=r.pk, round=autumn, outcome="approved", amount=r.amount,
            currency=r.currency, round_amount=r.amount, usd_per_unit=Decimal(1),
        )
        for r in funded[::2]
    )  # fmt: skip
    return 7 * n + len(roles) + len(mailings) + len(funded) + len(funded[::2]) + 1


def count(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def test_the_dashboard_costs_the_same_with_10_rows_or_10000(reader_client, areas, settings):
    settings.INSIGHTS_CACHE_SECONDS = (
        0  # every view reads afresh: the cost measured is the real one
    )
    rate("EUR", "1.10", valid_from=timezone.localdate() - timedelta(days=400))
    svg = reverse("admin:insights_chart_svg", args=["mailings"])
    csv = reverse("admin:insights_chart_csv", args=["first-answer"])
    assert add_rows(10, 0, areas) >= 60
    few = [
        count(reader_client, DASHBOARD, range="quarter"),
        count(reader_client, svg),
        count(reader_client, csv),
    ]

    assert add_rows(1_600, 10, areas) > 10_000
    many = [
        count(reader_client, DASHBOARD, range="quarter"),
        count(reader_client, svg),
        count(reader_client, csv),
    ]

    assert HelpRequest.objects.count() == 1_610 and PoolMember.objects.count() == 1_610
    assert many == few
    assert few[0] <= BUDGET


def test_each_chart_runs_a_fixed_number_of_queries(areas, today):
    """What each selector costs on its own (the budget the docstrings state)."""
    period = last_days(91, "quarter", today.date())
    costs = {}
    for key, build in BUILDERS.items():
        with CaptureQueriesContext(connection) as captured:
            build(period)
        costs[key] = len(captured)
    assert max(costs.values()) <= 4, costs


def test_figures_are_read_once_for_the_page_and_its_pictures(reader_client, help_world, settings):
    settings.INSIGHTS_CACHE_SECONDS = 60
    first = count(reader_client, DASHBOARD)
    again = count(reader_client, DASHBOARD)
    picture = count(reader_client, reverse("admin:insights_chart_svg", args=["first-answer"]))

    # Kept: only the session, the user, MFA and the admin's menu are read again.
    assert first - again >= 20 and again <= 8 and picture <= 4
