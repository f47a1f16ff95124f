"""Reads for funding pages, each a fixed number of queries whatever the number of requests."""

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from common.money import format_money, quantize
from help_requests.models import HelpRequest

from .models import BudgetLine, Decision, FundingPolicy, FundingRequest, Holiday, ReviewRound
from .policy import (
    Checklist,
    LineInput,
    PolicyRules,
    funding_policy_check,
    notice_hint,
    offered_currencies,
)
from .rates import RateTable


@dataclass
class FundingView:
    """A funding request as its pages show it: budget, checklist, decision."""

    funding: FundingRequest
    lines: list[BudgetLine]
    checklist: Checklist
    decision: Decision | None
    total: str
    usd: Decimal | None = None  # for staff: the total in US dollars at the day's rate
    usd_rate_from: date | None = None

    @property
    def usd_display(self) -> str:
        return format_money(self.usd, "USD") if self.usd is not None else ""


# The public form's funding facts ----------------------------------------------------------------

FORM_FACTS_SECONDS = 10


@dataclass(frozen=True)
class FormFacts:
    """What the public form offers and says: the currencies with a rate, the notice rule."""

    currencies: list[tuple[str, str]]
    notice_hint: str


_form_facts: dict[date, tuple[float, FormFacts]] = {}


def funding_form_facts(*, today: date) -> FormFacts:
    """Three small queries, kept in this process for FORM_FACTS_SECONDS (a warm form page runs
    no query) and never in the shared cache: with Redis down, each value it misses costs its
    timeout. A rate, policy or holiday saved in this process is seen at once, one saved in
    another within the seconds; the submit service reads them afresh in any case."""
    now = time.monotonic()
    kept = _form_facts.get(today)
    if kept is not None and kept[0] > now:
        return kept[1]
    policy = FundingPolicy.objects.filter(pk=1).first() or FundingPolicy()
    holidays = frozenset(Holiday.objects.filter(day__gt=today).values_list("day", flat=True))
    facts = FormFacts(
        currencies=offered_currencies(RateTable.rated_currencies()),
        notice_hint=notice_hint(policy, holidays, today),
    )
    _form_facts.clear()
    _form_facts[today] = (now + FORM_FACTS_SECONDS, facts)
    return facts


def funding_form_facts_forget(**kwargs: object) -> None:
    """Drop this process's copy (a rate, the policy or a holiday was saved or deleted)."""
    _form_facts.clear()


def submitted_on(help_request: HelpRequest) -> date:
    return timezone.localdate(help_request.submitted_at)


def line_inputs(lines: Iterable[BudgetLine]) -> list[LineInput]:
    return [
        LineInput(line.description, line.category, line.amount, index)
        for index, line in enumerate(lines)
    ]


def funding_view(*, funding: FundingRequest, rules: PolicyRules | None = None) -> FundingView:
    """The checklist is worked out for the day the request was submitted: its notice is what
    the submitter gave, and stays so while staff review it."""
    rules = rules or PolicyRules.load()
    help_request = funding.help_request
    lines = list(funding.lines.all())
    day = submitted_on(help_request)
    checklist = funding_policy_check(
        needed_by=help_request.needed_by,
        event_kind=funding.event_kind,
        currency=help_request.currency,
        lines=line_inputs(lines),
        today=day,
        rules=rules,
    )
    usd = rate_from = None
    if help_request.amount is not None and help_request.currency:
        usd = rules.rates.to_usd(help_request.amount, help_request.currency, day)
        rate = rules.rates.rate(help_request.currency, day)
        rate_from = rate.valid_from if rate else None
    return FundingView(
        funding=funding,
        lines=lines,
        checklist=checklist,
        decision=getattr(funding, "decision", None),
        total=format_money(help_request.amount, help_request.currency),
        usd=usd,
        usd_rate_from=rate_from,
    )


def _with_everything() -> "Iterable[FundingRequest]":
    return FundingRequest.objects.select_related(
        "help_request", "event_kind", "round", "decision", "decision__decided_by", "decision__round"
    ).prefetch_related(Prefetch("lines", queryset=BudgetLine.objects.select_related("category")))


def funding_for_status_page(*, help_request: HelpRequest) -> FundingView | None:
    """The funding part of a request's status page, or None for a request without a budget
    (five queries: the request's funding row, its lines, the rules; none without an amount)."""
    if help_request.amount is None:
        return None  # a budget always totals into the request's amount (read-only to staff)
    funding = _with_everything().filter(pk=help_request.pk).first()  # type: ignore[attr-defined]
    if funding is None:
        return None
    funding.help_request = help_request
    return funding_view(funding=funding)


def funding_for_admin(*, pk: object) -> FundingView | None:
    funding = _with_everything().filter(pk=pk).first()  # type: ignore[attr-defined]
    return funding_view(funding=funding) if funding is not None else None


# Rounds ---------------------------------------------------------------------------------------


@dataclass
class RoundFigures:
    """A round's budget against what was asked and approved, in the round's currency."""

    review_round: ReviewRound
    requests: int = 0
    requested: Decimal = Decimal(0)
    unconverted: int = 0  # requests whose currency has no rate: not in `requested`
    decided: int = 0
    approved: Decimal = Decimal(0)

    @property
    def remaining(self) -> Decimal:
        return self.review_round.budget - self.approved

    def show(self, amount: Decimal) -> str:
        return format_money(amount, self.review_round.currency)


def review_round_figures(
    *, rounds: Sequence[ReviewRound], rates: RateTable | None = None
) -> dict[int, RoundFigures]:
    """Figures for each round (three queries for any number of rounds and requests).

    Requested: each request's total at the rate of the day it was submitted. Approved: what
    each decision recorded in the round's currency when it was made.
    """
    rates = rates or RateTable.load()
    figures = {r.pk: RoundFigures(r) for r in rounds}
    asked = FundingRequest.objects.filter(round__in=list(figures)).values_list(
        "round_id",
        "help_request__amount",
        "help_request__currency",
        "help_request__submitted_at",
    )
    for round_id, amount, currency, submitted_at in asked:
        figure = figures[round_id]
        figure.requests += 1
        if amount is None:
            continue
        day = timezone.localdate(submitted_at)
        converted = rates.convert(amount, currency, figure.review_round.currency, day)
        if converted is None:
            figure.unconverted += 1
        else:
            figure.requested += converted
    decided = Decision.objects.filter(round__in=list(figures)).values_list(
        "round_id", "round_amount"
    )
    for round_id, round_amount in decided:
        figures[round_id].decided += 1
        figures[round_id].approved += round_amount or Decimal(0)
    return figures


# The board's report ---------------------------------------------------------------------------

DIMENSIONS = [
    ("round", "By review round"),
    ("area", "By area"),
    ("kind", "By kind of event"),
    ("status", "By status"),
    ("decision", "By decision"),
    ("month", "By month submitted"),
]


@dataclass
class ReportRow:
    label: str
    requests: int = 0
    requested_usd: Decimal = Decimal(0)
    unconverted: int = 0
    approved: int = 0
    approved_usd: Decimal = Decimal(0)
    declined: int = 0
    undecided: int = 0
    sort: str = ""

    def add(self, *, usd: Decimal | None, outcome: str | None, approved_usd: Decimal) -> None:
        self.requests += 1
        if usd is None:
            self.unconverted += 1
        else:
            self.requested_usd += usd
        if outcome in Decision.APPROVALS:
            self.approved += 1
            self.approved_usd += approved_usd
        elif outcome == Decision.Outcome.DECLINED:
            self.declined += 1
        else:
            self.undecided += 1


@dataclass
class ReportSection:
    dimension: str
    title: str
    rows: list[ReportRow] = field(default_factory=list)


@dataclass
class Report:
    sections: list[ReportSection]
    total: ReportRow
    review_round: ReviewRound | None = None


def funding_report(*, review_round: ReviewRound | None = None) -> Report:
    """Counts and sums of funding requests by round, area, kind of event, status, decision and
    month: requested against approved, in US dollars. Requested amounts at the rate of the day
    each was submitted; approved amounts at the rate recorded with the decision. Two queries,
    however many requests."""
    rates = RateTable.load()
    rows = FundingRequest.objects.all()
    if review_round is not None:
        rows = rows.filter(round=review_round)
    values = rows.values_list(
        "round__name",
        "round__opens_on",
        "help_request__area",
        "event_kind__label",
        "event_kind__position",
        "help_request__status",
        "help_request__submitted_at",
        "help_request__amount",
        "help_request__currency",
        "decision__outcome",
        "decision__amount",
        "decision__usd_per_unit",
    )
    areas = dict(HelpRequest.Area.choices)
    statuses = dict(HelpRequest.Status.choices)
    status_order = {value: str(n) for n, value in enumerate(HelpRequest.Status.values)}
    area_order = {value: f"{n:02d}" for n, value in enumerate(HelpRequest.Area.values)}
    outcome_order = {value: str(n) for n, value in enumerate(Decision.Outcome.values)}
    outcomes: dict[str | None, str] = {None: "Not decided yet"}
    outcomes.update(Decision.PUBLIC_OUTCOME)
    groups: dict[str, dict[str, ReportRow]] = {code: {} for code, _ in DIMENSIONS}
    total = ReportRow("All funding requests")

    def row(dimension: str, label: str, sort: str) -> ReportRow:
        found = groups[dimension].get(label)
        if found is None:
            found = groups[dimension][label] = ReportRow(label, sort=sort)
        return found

    for (
        round_name,
        round_opens,
        area,
        kind,
        kind_position,
        status,
        submitted_at,
        amount,
        currency,
        outcome,
        approved_amount,
        usd_per_unit,
    ) in values:
        day = timezone.localdate(submitted_at)
        usd = rates.to_usd(amount, currency, day) if amount is not None and currency else None
        approved_usd = Decimal(0)
        if approved_amount is not None and usd_per_unit is not None:
            approved_usd = quantize(approved_amount * usd_per_unit, "USD")
        keys = [
            ("round", round_name or "In no round", f"{round_opens or date.min}"),
            ("area", areas.get(area, "No area given"), area_order.get(area, "99")),
            ("kind", kind or "Not given", f"{kind_position if kind else 9999:05d}"),
            ("status", statuses.get(status, status), status_order.get(status, "9")),
            ("decision", outcomes.get(outcome, outcome or ""), outcome_order.get(outcome, "9")),
            ("month", f"{day:%B %Y}", f"{day:%Y-%m}"),
        ]
        for dimension, label, sort in keys:
            row(dimension, label, sort).add(usd=usd, outcome=outcome, approved_usd=approved_usd)
        total.add(usd=usd, outcome=outcome, approved_usd=approved_usd)
    sections = []
    for code, title in DIMENSIONS:
        found = sorted(groups[code].values(), key=lambda r: (r.sort, r.label))
        if code == "round":
            found.reverse()  # newest round first
        sections.append(ReportSection(code, title, found))
    return Report(sections=sections, total=total, review_round=review_round)
