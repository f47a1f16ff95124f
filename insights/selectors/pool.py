"""The volunteer pool: members over time, joins and leaves per week, each mailing's reach.
A fixed number of queries each, counted in the database."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, Lower
from django.utils import timezone

from notifications.models import OutboundEmail
from volunteers.models import PoolMailing, PoolMember, PoolOptOut

from ..charts import Chart, Series, compare, plural, share
from ..periods import Period
from ._dates import daily, per_week, week_label

MAILINGS_SHOWN = 12
UNSUBSCRIBE_WINDOW = timedelta(days=7)


def _week_end(monday: date, period: Period) -> datetime:
    last = min(monday + timedelta(days=6), period.end)
    return timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))


def _members_at(moment: datetime) -> Q:
    left = Q(unsubscribed_at__isnull=True) | Q(unsubscribed_at__gte=moment)
    return Q(confirmed_at__lt=moment) & left


def pool_members(period: Period) -> Chart:
    """Confirmed members at the end of each week: one query, one count per week."""
    weeks = period.weeks()
    counts = PoolMember.objects.aggregate(
        **{
            f"w{n}": Count("pk", filter=_members_at(_week_end(m, period)))
            for n, m in enumerate(weeks)
        },
        start=Count("pk", filter=_members_at(period.since)),
    )
    values = [counts[f"w{n}"] for n in range(len(weeks))]
    now, before = (values[-1] if values else 0), counts["start"]
    return Chart(
        key="pool-members",
        title="Members of the volunteer pool at the end of each week",
        summary=f"{now} member{'s' if now != 1 else ''} at the end of the period"
        f"{compare(now, before, at='at its start')}.",
        labels=[f"Week of {week_label(m)}" for m in weeks],
        series=[Series("Members", values)],
        kind="line",
        label_heading="Week",
        note="Confirmed members who had not left. People who left and whose details were then "
        "removed (only a hash of their address is kept) are not in the earlier weeks' counts.",
    )


def pool_joins_leaves(period: Period) -> Chart:
    """Joins (confirmed) and leaves (unsubscribed, or left and since removed) per week, and the
    joins in the period before. Three queries."""
    joins, joins_before = daily(PoolMember.objects.all(), "confirmed_at", period, before=True)
    leaves, _ = daily(PoolMember.objects.all(), "unsubscribed_at", period)
    leaves += daily(PoolOptOut.objects.all(), "left_at", period)[0]
    joined, gone = sum(n for _, n in joins), sum(n for _, n in leaves)
    return Chart(
        key="pool-joins",
        title="People joining and leaving the pool per week",
        summary=f"{joined} joined{compare(joined, joins_before)}; {gone} left.",
        labels=[f"Week of {week_label(m)}" for m in period.weeks()],
        series=[
            Series("Joined", per_week(period, joins)),
            Series("Left", per_week(period, leaves)),
        ],
        label_heading="Week",
        note="Joined: confirmed their address. Left: unsubscribed (including people whose "
        "details were removed afterwards).",
    )


def _count(query: QuerySet[Any]) -> Coalesce:
    """COUNT(*) of a correlated query, as a subquery (0 when none)."""
    counted = query.order_by().annotate(c=Func(F("pk"), function="COUNT")).values("c")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def pool_mailing_reach(period: Period) -> Chart:
    """The latest mailings of the period: e-mails sent and failed, and how many of their
    recipients unsubscribed within 7 days. Two queries, whatever the mailings and e-mails: the
    latest mailings, then their counts (worked out for those alone)."""
    latest = list(
        PoolMailing.objects.filter(created_at__gte=period.since, created_at__lt=period.until)
        .order_by("-created_at")
        .values_list("pk", flat=True)[:MAILINGS_SHOWN]
    )
    if not latest:  # nothing to count, and no second query (nor building it: some ms)
        return _mailing_reach_chart([])
    emails = OutboundEmail.objects.filter(batch=OuterRef("label"))
    # A recipient who left within the window: found from each of the mailing's e-mails through
    # the members' unique index on LOWER(email), so the cost follows the mailing's size.
    gone = PoolMember.objects.annotate(address=Lower("email")).filter(
        address=Lower(OuterRef("to")),
        unsubscribed_at__gte=OuterRef(OuterRef("created_at")),
        unsubscribed_at__lt=OuterRef(OuterRef("window_end")),
    )
    left = emails.filter(Exists(gone))
    mailings = list(
        PoolMailing.objects.filter(pk__in=latest)
        .select_related("role", "announcement")
        .annotate(
            label=Concat(Value("pool-mailing:"), Cast("pk", CharField())),
            window_end=ExpressionWrapper(
                F("created_at") + UNSUBSCRIBE_WINDOW, output_field=DateTimeField()
            ),
        )
        .annotate(
            sent=_count(emails.filter(status=OutboundEmail.Status.SENT)),
            failed=_count(emails.filter(status=OutboundEmail.Status.FAILED)),
            unsubscribed=_count(left),
        )
        .order_by("created_at")  # oldest first, as time reads
    )
    return _mailing_reach_chart(mailings)


def _mailing_reach_chart(mailings: list[Any]) -> Chart:
    """The chart of `mailings`: PoolMailing rows annotated with sent, failed and unsubscribed."""
    labels = [f"{m.get_kind_display()}: {m.role or m.announcement or m.week}" for m in mailings]
    labels = [
        f"{label[:40]} ({timezone.localtime(m.created_at):%-d %b})"
        for label, m in zip(labels, mailings, strict=True)
    ]
    sent = sum(m.sent for m in mailings)
    failed = sum(m.failed for m in mailings)
    unsubscribed = sum(m.unsubscribed for m in mailings)
    rate = share(unsubscribed, sent)
    summary = (
        f"{plural(len(mailings), 'mailing', 'mailings')} sent {plural(sent, 'e-mail', 'e-mails')}"
        f" ({failed} failed); {plural(unsubscribed, 'recipient', 'recipients')} "
        f"unsubscribed within 7 days{f' ({rate}%)' if rate is not None else ''}."
    )
    return Chart(
        key="mailings",
        title="Each mailing's reach: sent, failed, and unsubscribes within 7 days",
        summary=summary if mailings else "No pool mailing in this period.",
        labels=labels,
        series=[
            Series("Sent", [m.sent for m in mailings]),
            Series("Failed", [m.failed for m in mailings]),
            Series("Unsubscribed within 7 days", [m.unsubscribed for m in mailings]),
        ],
        kind="hbar",
        label_heading="Mailing",
        note=f"The latest {MAILINGS_SHOWN} mailings of the period. Unsubscribed: recipients of "
        "the mailing who left within 7 days of it; people whose details were removed since "
        "cannot be matched to a mailing and are not counted.",
    )
