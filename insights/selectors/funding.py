"""Funding: requested against approved per review round and by kind of event, decision time,
what is left of each round's budget. Amounts in US dollars as the board's report counts them:
asked at the rate of the day each request was sent, approved at the rate kept with the
decision. A fixed number of queries, summed in the database per day and currency."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, QuerySet, Sum
from django.db.models.functions import TruncDate

from common.money import format_money
from funding.models import Decision, FundingRequest, ReviewRound
from funding.rates import RateTable

from ..charts import Chart, Series, compare, half, median, plural, share, within
from ..periods import Period
from ._dates import Buckets

USD_APPROVED = ExpressionWrapper(
    F("amount") * F("usd_per_unit"), output_field=DecimalField(max_digits=30, decimal_places=12)
)


def _usd(value: object) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


@dataclass
class Asked:
    requests: int = 0
    usd: Decimal = Decimal(0)
    unconverted: int = 0


def _asked(requests: QuerySet[FundingRequest], key: str, rates: RateTable) -> dict[object, Asked]:
    """What was asked, in US dollars, grouped by `key`: summed per day and currency in the
    database, converted here at each day's rate."""
    rows = (
        requests.values(key, "help_request__currency", day=TruncDate("help_request__submitted_at"))
        .annotate(n=Count("pk"), total=Sum("help_request__amount"))
        .order_by()
    )
    found: dict[object, Asked] = {}
    for row in rows:
        asked = found.setdefault(row[key], Asked())
        asked.requests += row["n"]
        if row["total"] is None:
            continue
        usd = rates.to_usd(Decimal(str(row["total"])), row["help_request__currency"], row["day"])
        if usd is None:
            asked.unconverted += row["n"]
        else:
            asked.usd += usd
    return found


def _rounds(period: Period) -> list[ReviewRound]:
    return list(
        ReviewRound.objects.filter(opens_on__lte=period.end, closes_on__gte=period.start).order_by(
            "opens_on", "pk"
        )
    )


def funding_per_round(period: Period) -> Chart:
    """The rounds open during the period, with all their requests. Four queries."""
    rounds = _rounds(period)
    rates = RateTable.load()
    asked = _asked(FundingRequest.objects.filter(round__in=rounds), "round_id", rates)
    approved = {
        row["round_id"]: _usd(row["usd"])
        for row in Decision.objects.filter(round__in=rounds)
        .values("round_id")
        .annotate(usd=Sum(USD_APPROVED))
        .order_by()
    }
    asked_usd = [asked.get(r.pk, Asked()).usd for r in rounds]
    approved_usd = [approved.get(r.pk, Decimal(0)) for r in rounds]
    summary = "No review round was open in this period."
    if rounds:
        total_asked, total_approved = sum(asked_usd), sum(approved_usd)
        summary = (
            f"{len(rounds)} round{'s' if len(rounds) != 1 else ''}: "
            f"{format_money(total_asked, 'USD')} asked, {format_money(total_approved, 'USD')} "
            f"approved ({share(int(total_approved), int(total_asked)) or 0}% of what was asked)."
        )
    return Chart(
        key="rounds",
        title="Funding asked and approved per review round (US dollars)",
        summary=summary,
        labels=[r.name for r in rounds],
        series=[
            Series("Asked", [float(v) for v in asked_usd]),
            Series("Approved", [float(v) for v in approved_usd]),
        ],
        label_heading="Review round",
        note="Rounds open at any time in the period, with all their requests. Requests in a "
        "currency without a rate are counted but not summed.",
    )


def funding_by_kind(period: Period) -> Chart:
    """Requests sent in the period, by kind of event. Three queries and the rates (one)."""
    requests = FundingRequest.objects.filter(
        help_request__submitted_at__gte=period.since, help_request__submitted_at__lt=period.until
    )
    rates = RateTable.load()
    asked = _asked(requests, "event_kind__label", rates)
    approved: dict[object, Decimal] = {
        row["request__event_kind__label"]: _usd(row["usd"])
        for row in Decision.objects.filter(request__in=requests)
        .values("request__event_kind__label")
        .annotate(usd=Sum(USD_APPROVED))
        .order_by()
    }
    before = period.previous()
    approved_before = _usd(
        Decision.objects.filter(
            request__help_request__submitted_at__gte=before.since,
            request__help_request__submitted_at__lt=before.until,
        ).aggregate(usd=Sum(USD_APPROVED))["usd"]
    )
    kinds = sorted(asked, key=lambda k: (k is None, str(k)))
    labels = [str(k) if k is not None else "Not given" for k in kinds]
    total_asked = sum((a.usd for a in asked.values()), Decimal(0))
    total_approved = sum(approved.values(), Decimal(0))
    n = sum(a.requests for a in asked.values())
    summary = (
        f"{n} funding request{'s' if n != 1 else ''} sent: {format_money(total_asked, 'USD')} "
        f"asked, {format_money(total_approved, 'USD')} approved so far"
        f"{compare(total_approved, approved_before, shown=format_money(approved_before, 'USD'))}."
    )
    return Chart(
        key="event-kinds",
        title="Funding asked and approved by kind of event (US dollars)",
        summary=summary,
        labels=labels,
        series=[
            Series("Asked", [float(asked[k].usd) for k in kinds]),
            Series("Approved", [float(approved.get(k, Decimal(0))) for k in kinds]),
        ],
        label_heading="Kind of event",
        note="Funding requests sent in the period, and the decisions on them so far.",
    )


TO_DECIDE = Buckets(
    [(14, "Within 2 weeks"), (28, "2–4 weeks"), (56, "4–8 weeks")], "More than 8 weeks"
)


def _decision_days(period: Period) -> tuple[list[int], list[int]]:
    """Days from request to decision, one per decision, in `period` and in the period before."""
    span = period.with_previous()
    rows = (
        Decision.objects.filter(decided_at__gte=span.since, decided_at__lt=span.until)
        .values(day=TruncDate("request__help_request__submitted_at"), on=TruncDate("decided_at"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    now: list[int] = []
    before: list[int] = []
    for row in rows:
        (now if row["on"] in period else before).extend([(row["on"] - row["day"]).days] * row["n"])
    return now, before


def funding_decision_time(period: Period) -> Chart:
    """Decisions made in the period, by days from the request to the decision. One query."""
    every, before = _decision_days(period)
    middle = median(every)
    summary = "No decision was made in this period."
    if middle is not None:
        summary = (
            f"{plural(len(every), 'decision', 'decisions')} made, {half(len(every))}"
            f"{within(middle)} of the request"
            f"{compare(middle, median(before), ' days')}."
        )
    return Chart(
        key="decision-time",
        title="Time from a funding request to its decision",
        summary=summary,
        labels=TO_DECIDE.labels,
        series=[Series("Decisions", TO_DECIDE.count(every))],
        label_heading="Time to decide",
    )


def funding_budget_left(period: Period) -> Chart:
    """Each round's budget, what its decisions approved and what is left, in the round's own
    currency; the picture shows shares, which compare across currencies. Two queries."""
    rounds = _rounds(period)
    approved = {
        row["round_id"]: Decimal(str(row["total"] or 0))
        for row in Decision.objects.filter(round__in=rounds, outcome__in=Decision.APPROVALS)
        .values("round_id")
        .annotate(total=Sum("round_amount"))
        .order_by()
    }
    rows, used, left = [], [], []
    for r in rounds:
        spent = approved.get(r.pk, Decimal(0))
        remaining = r.budget - spent
        left_share = float(round(100 * remaining / r.budget, 1))
        used.append(round(100 - left_share, 1))
        left.append(left_share)
        rows.append(
            [
                r.name,
                format_money(r.budget, r.currency),
                format_money(spent, r.currency),
                format_money(remaining, r.currency),
                f"{left_share:g}%",
            ]
        )
    summary = "No review round was open in this period."
    if rounds:
        newest = rounds[-1]
        summary = f"{newest.name}: {rows[-1][3]} of {rows[-1][1]} left ({rows[-1][4]})" + (
            f"; {sum(1 for v in left if v <= 0)} round(s) spent in full."
            if any(v <= 0 for v in left)
            else "."
        )
    return Chart(
        key="budget-left",
        title="What is left of each round's budget (share of the budget)",
        summary=summary,
        labels=[r.name for r in rounds],
        series=[Series("Approved (%)", used), Series("Left (%)", left)],
        kind="hstacked",
        label_heading="Review round",
        table_headings=["Review round", "Budget", "Approved", "Left", "Left (share)"],
        rows=rows,
    )
