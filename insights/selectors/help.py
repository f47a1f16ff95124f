"""Help requests: received, first answer against the promise, the open backlog, time to close
and reopen rate. Each function runs a fixed number of queries, grouping in the database by
day (so the rows read are bounded by the days in the period, not by the requests)."""

from collections import Counter
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from help_requests.models import Comment, HelpRequest, HelpRequestEvent, add_working_days

from ..charts import Chart, Series, compare, half, median, plural, share, within
from ..periods import Period
from ._dates import Buckets, per_week, week_label, working_days_between
from ._kept import kept
from ._sql import counted_with_earliest

SPAM = HelpRequest.Status.SPAM
ANSWERED_BY_CLOSING = [HelpRequest.Status.RESOLVED, HelpRequest.Status.DECLINED]


def _in(period: Period) -> Q:
    return Q(submitted_at__gte=period.since, submitted_at__lt=period.until)


def _received(period: Period) -> list[dict[str, Any]]:
    """Requests received per day, area and source (spam left out), in `period` and the period
    before: one query, which the two charts of what was received share (kept, _kept.py)."""
    rows = (
        HelpRequest.objects.filter(_in(period.with_previous()))
        .exclude(status=SPAM)
        .values("area", "source", day=TruncDate("submitted_at"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    return kept("received-rows", period, lambda: [dict(row) for row in rows])


def help_received(period: Period) -> Chart:
    """Requests received per week, by area (spam left out), and the total of the period
    before. One query, shared with help_received_by_source."""
    by_area: dict[str, list[tuple[date, int]]] = {}
    before = 0
    for row in _received(period):
        if row["day"] not in period:
            before += row["n"]
            continue
        by_area.setdefault(row["area"], []).append((row["day"], row["n"]))
    labels = dict(HelpRequest.Area.choices) | {"": "No area given"}
    order = [*HelpRequest.Area.values, ""]
    series = [
        Series(labels[area], per_week(period, by_area[area])) for area in order if area in by_area
    ]
    total = sum(n for values in by_area.values() for _, n in values)
    busiest = max(series, key=lambda s: sum(v or 0 for v in s.values), default=None)
    summary = f"{total} request{'s' if total != 1 else ''} received{compare(total, before)}"
    if busiest is not None:
        summary += f"; most about {busiest.name.lower()}"
    return Chart(
        key="received",
        title="Help requests received per week, by area",
        summary=summary + ".",
        labels=[f"Week of {week_label(m)}" for m in period.weeks()],
        series=series,
        kind="stacked",
        label_heading="Week",
        note="Spam is left out. How the requests reached us (the web form or e-mail) is the "
        "next chart.",
    )


def help_received_by_source(period: Period) -> Chart:
    """Requests received per week, by how they reached us (the web form or e-mail; spam left
    out), and the share by e-mail against the period before. One query, shared with
    help_received."""
    now: dict[str, list[tuple[date, int]]] = {source: [] for source in HelpRequest.Source}
    before: Counter[str] = Counter()
    for row in _received(period):
        if row["day"] in period:
            now[row["source"]].append((row["day"], row["n"]))
        else:
            before[row["source"]] += row["n"]
    totals = {source: sum(n for _, n in days) for source, days in now.items()}
    total = sum(totals.values())
    by_email = share(totals[HelpRequest.Source.EMAIL], total)
    by_email_before = share(before[HelpRequest.Source.EMAIL], before.total())
    if by_email is None:
        summary = "No request was received in this period."
    else:
        summary = (
            f"{totals[HelpRequest.Source.WEB]} through the web form and "
            f"{totals[HelpRequest.Source.EMAIL]} by e-mail: {by_email}% by e-mail"
            f"{compare(by_email, by_email_before, '%')}."
        )
    return Chart(
        key="received-source",
        title="Help requests received per week, by source",
        summary=summary,
        labels=[f"Week of {week_label(m)}" for m in period.weeks()],
        series=[
            Series(source.label, per_week(period, now[source])) for source in HelpRequest.Source
        ],
        kind="stacked",
        label_heading="Week",
        note="E-mail: requests started by writing to the helpdesk's address (mail intake). "
        "Spam is left out.",
    )


# First answer ------------------------------------------------------------------------------

FIRST_ANSWER = Buckets(
    [
        (0, "Same day"),
        (1, "1 working day"),
        (2, "2 working days"),
        (3, "3 working days"),
        (5, "4–5 working days"),
        (10, "6–10 working days"),
    ],
    "More than 10 working days",
)
NOT_YET = "Not answered yet, past the promise"


def _first_answers(period: Period) -> Counter[tuple[date, date | None]]:
    """(day submitted, day first answered) → requests, for `period` and the period before it
    together (one query). The first answer is what ends the promise in help_request_triage: the
    first public reply from staff, or closing the request.

    Each request's first reply and first closing are found per request (a partial index each,
    help_requests/models.py), joined to the requests, and the requests are then counted per
    pair of days: the rows read back are bounded by the days, not by the requests."""
    requests = (
        HelpRequest.objects.filter(
            submitted_at__gte=period.previous().since, submitted_at__lt=period.until
        )
        .exclude(status=SPAM)
        .values(rid=F("pk"), day=TruncDate("submitted_at"))
        .order_by()
    )
    replies = Comment.objects.filter(is_public=True, by_submitter=False)
    closings = HelpRequestEvent.objects.filter(
        field=HelpRequestEvent.Field.STATUS, new__in=ANSWERED_BY_CLOSING
    )
    firsts = [
        rows.values(rid=F("request")).annotate(first=TruncDate(Min("created_at"))).order_by()
        for rows in (replies, closings)
    ]
    return Counter(
        {(day, answered_on): n for day, answered_on, n in counted_with_earliest(requests, firsts)}
    )


def first_answer_figures(
    period: Period, answers: Counter[tuple[date, date | None]], today: date | None = None
) -> tuple[int, int, Counter]:
    """(answered within the promise, due by now, requests per bucket). A request answered on the
    last allowed working day is within; one still unanswered counts once its promise has passed.
    """
    today = today or timezone.localdate()
    promise = settings.HELPDESK_FIRST_ANSWER_WORKING_DAYS
    within = due = 0
    buckets: Counter[str] = Counter()
    for (day, answered_on), n in answers.items():
        if not period.start <= day <= period.end:
            continue
        last_day = add_working_days(day, promise)
        if answered_on is None:
            if today > last_day:
                due += n
                buckets[NOT_YET] += n
            continue
        due += n
        if answered_on <= last_day:
            within += n
        taken = working_days_between(day, answered_on)
        buckets[FIRST_ANSWER.label(taken)] += n
    return within, due, buckets


def help_first_answer(period: Period) -> Chart:
    """One query: this period and the one before."""
    promise = settings.HELPDESK_FIRST_ANSWER_WORKING_DAYS
    answers = _first_answers(period)
    within, due, buckets = first_answer_figures(period, answers)
    before_within, before_due, _ = first_answer_figures(period.previous(), answers)
    now_share, before_share = share(within, due), share(before_within, before_due)
    days = f"{promise} working day{'s' if promise != 1 else ''}"
    if now_share is None:
        summary = f"No request in this period was due an answer yet (the promise: {days})."
    else:
        summary = (
            f"{now_share}% answered within {days} ({within} of {due})"
            f"{compare(now_share, before_share, '%')}."
        )
    labels = [*FIRST_ANSWER.labels, NOT_YET]
    return Chart(
        key="first-answer",
        title=f"First answer, in working days (the promise: {days})",
        summary=summary,
        labels=labels,
        series=[Series("Requests", [buckets.get(label, 0) for label in labels])],
        label_heading="Time to first answer",
        note="Working days are Monday to Friday, counted from the day after the request, as "
        "the promise on the help form counts them; an answer on the last allowed day is within "
        "it. The first answer is the first public reply from staff, or closing the request. "
        "Requests still inside their promise are not counted yet.",
    )


# The backlog -------------------------------------------------------------------------------

AGES = [
    ("Under 1 week", 0, 7),
    ("1–4 weeks", 7, 28),
    ("1–3 months", 28, 91),
    ("Over 3 months", 91, None),
]


def help_backlog(period: Period) -> Chart:
    """Open requests today by age and status, and what came in and went out in the period.
    One query: every status's counts, read in one pass over the requests."""
    now = timezone.now()
    counts = {}
    for n, (_, low, high) in enumerate(AGES):
        q = Q(submitted_at__lte=now - timedelta(days=low))
        if high is not None:
            q &= Q(submitted_at__gt=now - timedelta(days=high))
        counts[f"age{n}"] = Count("pk", filter=q)
    closed_in = Q(closed_at__gte=period.since, closed_at__lt=period.until)
    rows = list(
        HelpRequest.objects.exclude(status=SPAM)
        .values("status")
        .annotate(
            **counts,
            received=Count("pk", filter=_in(period)),
            closed=Count("pk", filter=Q(status__in=ANSWERED_BY_CLOSING) & closed_in),
        )
        .order_by()
    )
    by_status: dict[str, Any] = {
        row["status"]: row for row in rows if row["status"] not in HelpRequest.CLOSED
    }
    flow = {key: sum(row[key] for row in rows) for key in ("received", "closed")}
    statuses = [s for s in HelpRequest.Status if s not in HelpRequest.CLOSED]
    series = [
        Series(s.label, [by_status[s][f"age{n}"] for n in range(len(AGES))])
        for s in statuses
        if s in by_status
    ]
    total = sum(sum(v or 0 for v in s.values) for s in series)
    old = sum((s.values[2] or 0) + (s.values[3] or 0) for s in series)  # 4 weeks and over
    summary = (
        f"{total} request{'s' if total != 1 else ''} open today, {old} of them for more than "
        f"4 weeks; in {period.label}, {flow['received']} came in and {flow['closed']} were "
        f"closed{' (the backlog grew)' if flow['received'] > flow['closed'] else ''}."
    )
    return Chart(
        key="backlog",
        title="Open requests today, by age and status",
        summary=summary,
        labels=[label for label, *_ in AGES],
        series=series,
        kind="stacked",
        label_heading="Age",
    )


# Time to close and reopen rate -------------------------------------------------------------

TO_CLOSE = Buckets(
    [(0, "Same day"), (2, "1–2 days"), (7, "3–7 days"), (14, "8–14 days"), (30, "15–30 days")],
    "More than 30 days",
)


def _close_days(period: Period) -> tuple[list[int], list[int]]:
    """Days from submitted to closed, one per request, for `period` and the period before."""
    span = period.with_previous()
    rows = (
        HelpRequest.objects.filter(
            status__in=ANSWERED_BY_CLOSING, closed_at__gte=span.since, closed_at__lt=span.until
        )
        .values(day=TruncDate("submitted_at"), closed_on=TruncDate("closed_at"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    now: list[int] = []
    before: list[int] = []
    for row in rows:
        found = now if row["closed_on"] in period else before
        found.extend([(row["closed_on"] - row["day"]).days] * row["n"])
    return now, before


def help_time_to_close(period: Period) -> Chart:
    """Requests closed (resolved or declined) in the period, by days from submitted to closed,
    and the share reopened. Two queries."""
    closed, before = _close_days(period)
    middle, middle_before = median(closed), median(before)
    status = Q(field=HelpRequestEvent.Field.STATUS, created_at__gte=period.since)
    status &= Q(created_at__lt=period.until)
    events = HelpRequestEvent.objects.filter(status).aggregate(
        closings=Count("request", distinct=True, filter=Q(new__in=ANSWERED_BY_CLOSING)),
        reopened=Count(
            "request",
            distinct=True,
            filter=Q(old__in=HelpRequest.CLOSED) & ~Q(new__in=HelpRequest.CLOSED),
        ),
    )
    count = len(closed)
    reopen = share(events["reopened"], events["closings"])
    if middle is None:
        summary = "No request was closed in this period"
    else:
        summary = (
            f"{plural(count, 'request', 'requests')} closed, {half(count)}{within(middle)}"
            f"{compare(middle, middle_before, ' days')}"
        )
    if reopen is not None:
        summary += f"; {reopen}% were reopened ({events['reopened']} of {events['closings']})"
    return Chart(
        key="time-to-close",
        title="Time to close, in calendar days",
        summary=summary + ".",
        labels=TO_CLOSE.labels,
        series=[Series("Requests closed", TO_CLOSE.count(closed))],
        label_heading="Time to close",
        note="Closed means resolved or declined (spam is left out). Reopened: a request moved "
        "from a closed status back to an open one in the period (its history).",
    )
