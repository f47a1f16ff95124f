"""The dashboard's figures, each a Chart (insights.charts) built by one function from a period,
with a fixed number of queries whatever the number of rows (docs/architecture.md, "Inside an
app"). Split by what they read: help.py, roles.py, pool.py, funding.py."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.cache import caches

from ..charts import Chart
from ..periods import Period, last_days
from ._kept import kept
from .funding import funding_budget_left, funding_by_kind, funding_decision_time, funding_per_round
from .help import (
    help_backlog,
    help_first_answer,
    help_received,
    help_received_by_source,
    help_time_to_close,
)
from .pool import pool_joins_leaves, pool_mailing_reach, pool_members
from .roles import (
    roles_days_to_fill,
    roles_escalations,
    roles_interest_flow,
    roles_interests,
    roles_opened_filled,
)

Builder = Callable[[Period], Chart]

# (section, heading, [(chart key, builder)]): the key names the chart's picture and CSV.
SECTIONS: list[tuple[str, str, list[tuple[str, Builder]]]] = [
    (
        "help",
        "Help requests",
        [
            ("received", help_received),
            ("received-source", help_received_by_source),
            ("first-answer", help_first_answer),
            ("backlog", help_backlog),
            ("time-to-close", help_time_to_close),
        ],
    ),
    (
        "roles",
        "Volunteer roles",
        [
            ("roles", roles_opened_filled),
            ("days-to-fill", roles_days_to_fill),
            ("interests", roles_interests),
            ("interest-flow", roles_interest_flow),
            ("escalations", roles_escalations),
        ],
    ),
    (
        "pool",
        "The volunteer pool",
        [
            ("pool-members", pool_members),
            ("pool-joins", pool_joins_leaves),
            ("mailings", pool_mailing_reach),
        ],
    ),
    (
        "funding",
        "Funding",
        [
            ("rounds", funding_per_round),
            ("event-kinds", funding_by_kind),
            ("decision-time", funding_decision_time),
            ("budget-left", funding_budget_left),
        ],
    ),
]
BUILDERS: dict[str, Builder] = {key: build for _, _, charts in SECTIONS for key, build in charts}


@dataclass
class Section:
    slug: str
    title: str
    charts: list[Chart]


def _chart(key: str, build: Builder, period: Period) -> Chart:
    return kept(key, period, lambda: build(period))  # see _kept.py


def insights_forget() -> None:
    """Drop this process's kept figures (tests; a deploy starts afresh anyway)."""
    caches["insights"].clear()


def insights_dashboard(*, period: Period) -> list[Section]:
    """Every chart of the dashboard for `period`."""
    return [
        Section(slug, title, [_chart(key, build, period) for key, build in charts])
        for slug, title, charts in SECTIONS
    ]


def insights_chart(*, key: str, period: Period) -> Chart | None:
    """One chart by its key (for its picture and its CSV), or None for an unknown key."""
    build = BUILDERS.get(key)
    return _chart(key, build, period) if build is not None else None


def insights_week_line(*, today: date | None = None) -> str:
    """The staff digest's line on the last 7 days: requests received, and the share answered
    within the promise among those whose promise has passed."""
    period = last_days(7, "the last 7 days", today)
    return f"{help_received(period).summary} {help_first_answer(period).summary}"
