"""The fast date filters give exactly what Django's `|date` gives for the same format."""

from datetime import UTC, date, datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.template import Context, Template
from django.utils import timezone

TWINS = [
    ("long_date", 'date:"l j F Y"'),
    ("long_datetime", 'date:"l j F Y, H:i"'),
    ("machine_datetime", "date:'Y-m-d\\TH:i:sO'"),
]
MOMENTS = [
    datetime(2026, 11, 30, 14, 5, tzinfo=UTC),
    datetime(2027, 1, 1, 0, 0, 7, tzinfo=UTC),
    datetime(2026, 2, 9, 23, 59, tzinfo=dt_timezone(timedelta(hours=-5))),  # shown in UTC
    datetime(2026, 7, 4, 9, 30),  # naive
    date(2026, 3, 1),
    None,
    "",
]


def draw(text: str, value: object) -> str:
    return Template("{% load dates %}" + text).render(Context({"value": value}))


@pytest.mark.parametrize(("ours", "djangos"), TWINS)
@pytest.mark.parametrize("value", MOMENTS, ids=repr)
def test_each_filter_writes_what_djangos_date_filter_writes(ours, djangos, value):
    if ours != "long_date" and type(value) is date:
        pytest.skip("a time of day needs a datetime")
    assert draw(f"{{{{ value|{ours} }}}}", value) == draw(f"{{{{ value|{djangos} }}}}", value)


def test_the_filters_follow_the_current_time_zone():
    moment = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    with timezone.override("Europe/Berlin"):
        assert draw("{{ value|long_datetime }}", moment) == "Tuesday 1 December 2026, 00:30"
        assert draw("{{ value|machine_datetime }}", moment) == "2026-12-01T00:30:00+0100"
