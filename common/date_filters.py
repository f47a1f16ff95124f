"""The site's dates, in one place: the template filters (`{% load dates %}`) and the same
functions for Python code (e-mail contexts, the admin, the funding checklist).

    long_date            Monday 30 November 2026                 |date:"l j F Y"
    long_datetime        Monday 30 November 2026, 14:05          |date:"l j F Y, H:i"
    long_datetime_zone   Monday 30 November 2026, 14:05 UTC      |date:"l j F Y, H:i e"
    machine_datetime     2026-11-30T14:05:00+0000                |date:'Y-m-d\\TH:i:sO'

Each gives exactly what its `|date` twin (FORMATS) gives, "" for no value, in the current time
zone (tests/test_dates.py). They cost a tenth of `|date`, which builds a formatter and reads
translated day and month names on every call: on a status page with twenty replies the dates
cost more than everything else drawn. The site is written in English only, so Python's own
names give the same words.
"""

from datetime import date, datetime
from typing import cast

from django import template
from django.utils import timezone

register = template.Library()

# Django's date format each filter writes, for reference and for the tests that hold them equal.
FORMATS = {
    "long_date": "l j F Y",
    "long_datetime": "l j F Y, H:i",
    "long_datetime_zone": "l j F Y, H:i e",
    "machine_datetime": "Y-m-d\\TH:i:sO",
}


def _local[D: date](value: D) -> D:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return cast(D, timezone.localtime(value))
    return value


@register.filter
def long_date(value: date | None) -> str:
    """Monday 30 November 2026."""
    if not isinstance(value, date):
        return ""
    value = _local(value)
    return f"{value:%A} {value.day} {value:%B %Y}"


@register.filter
def long_datetime(value: datetime | None) -> str:
    """Monday 30 November 2026, 14:05."""
    if not isinstance(value, datetime):
        return ""
    value = _local(value)
    return f"{value:%A} {value.day} {value:%B %Y, %H:%M}"


@register.filter
def long_datetime_zone(value: datetime | None) -> str:
    """Monday 30 November 2026, 14:05 UTC: for e-mails, read far from the site."""
    if not isinstance(value, datetime):
        return ""
    value = _local(value)
    return f"{long_datetime(value)} {value.tzname() or ''}"


@register.filter
def machine_datetime(value: datetime | None) -> str:
    """For <time datetime="...">: 2026-11-30T14:05:00+0000."""
    if not isinstance(value, datetime):
        return ""
    value = _local(value)
    if timezone.is_naive(value):  # as Django does: the offset of the default time zone
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return f"{value:%Y-%m-%dT%H:%M:%S%z}"
