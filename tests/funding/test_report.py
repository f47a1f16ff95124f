"""The board's report: counts and sums by round, area, kind, status, decision and month, asked
against approved in US dollars at the recorded rates; a CSV whose formula-like cells are defused;
and a cost in queries that does not grow with the number of requests."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from funding.models import BudgetLine, Decision, EventKind, FundingRequest, ReviewRound
from funding.selectors import funding_report
from funding.services import funding_decision_record
from help_requests.models import HelpRequest

from ..factories import HelpRequestFactory
from .factories import line, open_round, rate, rate_removed, submit_funding

pytestmark = pytest.mark.django_db

REPORT = reverse("admin:funding_boardreport_changelist")


def decide(help_request, by, outcome, **kwargs):
    return funding_decision_record(
        funding_request=FundingRequest.objects.get(pk=help_request.pk),
        by=by,
        outcome=outcome,
        **kwargs,
    )


@pytest.fixture
def decided(help_kinds, staff):
    """A round with three requests: one approved in part (EUR), one declined, one waiting."""
    rate("EUR", "1.10")
    autumn = open_round(name='=HYPERLINK("http://evil.example")', budget="10000")
    euros = submit_funding(currency="EUR", lines=[line("Room", "venue", "2000")])
    decide(euros, staff, Decision.Outcome.PARTIAL, amount=Decimal("1000"))
    sprint = submit_funding(kind="sprint", lines=[line("Food", "food", "500")])
    decide(sprint, staff, Decision.Outcome.DECLINED, message="Not this round.")
    submit_funding(area=HelpRequest.Area.COMMUNITY, lines=[line("Room", "venue", "300")])
    return autumn


def test_the_report_counts_and_sums_in_us_dollars(decided):
    report = funding_report()

    total = report.total
    assert (total.requests, total.approved, total.declined, total.undecided) == (3, 1, 1, 1)
    assert total.requested_usd == Decimal("3000.00")  # 2000 EUR at 1.10 + 500 + 300 USD
    assert total.approved_usd == Decimal("1100.00")  # 1000 EUR at the rate recorded
    sections = {section.dimension: section for section in report.sections}
    kinds = {row.label: row for row in sections["kind"].rows}
    assert kinds["Conference"].requests == 2
    assert kinds["Sprint or hackathon"].declined == 1
    areas = {row.label: row.requested_usd for row in sections["area"].rows}
    assert areas == {
        "Conferences and events": Decimal("2700.00"),
        "User groups and communities": Decimal("300.00"),
    }
    statuses = {row.label: row.requests for row in sections["status"].rows}
    assert statuses == {"New": 1, "In progress": 1, "Declined": 1}
    months = sections["month"].rows
    assert [row.label for row in months] == [f"{timezone.localdate():%B %Y}"]


def test_approved_amounts_keep_the_rate_they_were_decided_at(decided):
    rate("EUR", "2.00", valid_from=timezone.localdate())  # the euro doubles afterwards

    assert funding_report().total.approved_usd == Decimal("1100.00")


def test_a_currency_without_a_rate_is_counted_not_guessed(decided):
    rate("NGN", "0.00065")
    submit_funding(currency="NGN", kind="other", lines=[line("Room", "venue", "400000")])
    rate_removed("NGN")

    total = funding_report().total
    assert (total.requests, total.unconverted) == (4, 1)
    assert total.requested_usd == Decimal("3000.00")


def test_the_page_shows_the_report_for_staff(staff_client, decided):
    page = staff_client.get(REPORT)

    assert page.status_code == 200
    assertContains(page, "3,000.00 USD</strong> asked")
    assertContains(page, "1,100.00 USD</strong> approved")
    assertContains(page, "By kind of event")
    one_round = staff_client.get(REPORT, {"round": decided.pk})
    assertContains(one_round, "funding requests in =HYPERLINK")


def test_the_csv_has_every_group_and_defuses_formulas(staff_client, decided):
    response = staff_client.get(REPORT, {"format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="funding-report-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "group",
        "value",
        "requests",
        "requested (USD)",
        "requests without a rate",
        "approved",
        "approved (USD)",
        "declined",
        "not decided",
    ]
    assert rows[1] == [
        "total",
        "All funding requests",
        "3",
        "3000.00",
        "0",
        "1",
        "1100.00",
        "1",
        "1",
    ]
    by_group = {(row[0], row[1]): row for row in rows[2:]}
    # A round's name is staff's text: a spreadsheet must not run it.
    assert ("round", '\'=HYPERLINK("http://evil.example")') in by_group
    assert by_group[("decision", "Approved in part")][6] == "1100.00"
    assert by_group[("kind", "Sprint or hackathon")][2:] == [
        "1",
        "500.00",
        "0",
        "0",
        "0.00",
        "1",
        "0",
    ]
    assert {group for group, _ in by_group} == {
        "round",
        "area",
        "kind",
        "status",
        "decision",
        "month",
    }


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_each_formula_prefix_is_defused(staff_client, help_kinds, value):
    open_round(name=value)
    submit_funding()

    rows = list(
        csv.reader(io.StringIO(staff_client.get(REPORT, {"format": "csv"}).content.decode()))
    )

    assert ("round", f"'{value}") in {(row[0], row[1]) for row in rows}


def make_requests(count: int, staff) -> None:
    """Funding requests as factories make them (fast), in two rounds, some decided."""
    kinds = list(EventKind.objects.all())
    today = timezone.localdate()
    rounds = [
        ReviewRound.objects.get_or_create(
            name=name,
            defaults={
                "opens_on": today - timedelta(days=days + 30),
                "closes_on": today - timedelta(days=days),
                "budget": Decimal("100000"),
            },
        )[0]
        for name, days in (("Spring", 200), ("Autumn", 1))
    ]
    for n in range(count):
        help_request = HelpRequestFactory(
            amount=Decimal("100.00") + n, currency=["USD", "EUR", "GBP"][n % 3], status="new"
        )
        funding = FundingRequest.objects.create(
            help_request=help_request, event_kind=kinds[n % len(kinds)], round=rounds[n % 2]
        )
        BudgetLine.objects.create(
            request=funding,
            position=1,
            description="Room",
            amount=help_request.amount,
            currency=help_request.currency,
        )
        if n % 3 == 0:
            Decision.objects.create(
                request=funding,
                round=rounds[n % 2],
                outcome=Decision.Outcome.APPROVED,
                amount=help_request.amount,
                currency=help_request.currency,
                round_amount=help_request.amount,
                usd_per_unit=Decimal("1.1"),
                decided_by=staff,
            )


def queries(client, params: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(REPORT, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("params", [{}, {"format": "csv"}], ids=["page", "csv"])
def test_the_report_costs_the_same_at_10_and_200_requests(staff_client, help_kinds, staff, params):
    rate("EUR", "1.08")
    rate("GBP", "1.27")
    make_requests(10, staff)
    with_10 = queries(staff_client, params)
    assert funding_report().total.requests == 10

    make_requests(190, staff)
    with_200 = queries(staff_client, params)

    assert funding_report().total.requests == 200
    assert with_200 == with_10
