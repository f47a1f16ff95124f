"""Small date helpers the selectors share: days grouped into weeks, working days counted as the
first-answer promise counts them (help_requests.models.add_working_days)."""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate

from ..periods import Period


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_label(monday: date) -> str:
    return f"{monday:%-d %b}"


def per_week(period: Period, counts: Iterable[tuple[date, int]]) -> list[int]:
    """Daily counts added up into the period's weeks (Mondays), in order."""
    weeks = Counter[date]()
    for day, n in counts:
        weeks[week_of(day)] += n
    return [weeks.get(monday, 0) for monday in period.weeks()]


def daily(
    rows: QuerySet[Any], field: str, period: Period, *, before: bool = False
) -> tuple[list[tuple[date, int]], int]:
    """`rows` counted per day of `field` in `period` (one query), and with `before` the total of
    the period before it, read by the same query (0 without)."""
    span = period.with_previous() if before else period
    found = (
        rows.filter(**{f"{field}__gte": span.since, f"{field}__lt": span.until})
        .values(day=TruncDate(field))
        .annotate(n=Count("pk"))
        .order_by()
    )
    days = [(row["day"], row["n"]) for row in found]
    now = [(day, n) for day, n in days if day in period]
    return now, sum(n for _, n in days) - sum(n for _, n in now)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 for the same day): what
    add_working_days counts, so `working_days_between(d, add_working_days(d, n)) == n`."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    return count


@dataclass(frozen=True)
class Buckets:
    """A distribution's columns: each edge (at most so many days, its label), then `last` for
    anything longer. Time to close, days to fill, decision time and first answers share it."""

    edges: Sequence[tuple[float, str]]
    last: str

    @property
    def labels(self) -> list[str]:
        return [label for _, label in self.edges] + [self.last]

    def label(self, value: float) -> str:
        """The label of the first edge `value` is at most, or `last`."""
        return next((label for most, label in self.edges if value <= most), self.last)

    def count(self, values: Iterable[float]) -> list[int]:
        """How many `values` fall in each column, in the order of `labels`."""
        found = Counter(self.label(value) for value in values)
        return [found[label] for label in self.labels]
