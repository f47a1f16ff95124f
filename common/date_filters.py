"""`{% load dates %}`: the site's three date formats, as filters that cost a tenth of `|date`.

Django's date filter builds a formatter and reads translated day and month names on every
call: on a status page with twenty replies the dates cost more than everything else drawn.
The site is written in English only, so Python's own names give the same words. Each filter
gives exactly what its `|date` twin gives (tests/test_dates.py), including "" for no value.
"""

from datetime import date, datetime
from typing import cast

from django import template
from django.utils import timezone

register = template.Library()


def _local[D: date](value: D) -> D:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return cast(D, timezone.localtime(value))
    return value


@register.filter
def long_date(value: date | None) -> str:
    """`|date:"l j F Y"`: Monday 30 November 2026."""
    if not isinstance(value, date):
        return ""
    value = _local(value)
    return f"{value:%A} {value.day} {value:%B %Y}"


@register.filter
def long_datetime(value: datetime | None) -> str:
    """`|date:"l j F Y, H:i"`: Monday 30 November 2026, 14:05."""
    if not isinstance(value, datetime):
        return ""
    value = _local(value)
    return f"{value:%A} {value.day} {value:%B %Y, %H:%M}"


@register.filter
def machine_datetime(value: datetime | None) -> str:
    """`|date:'Y-m-d\\TH:i:sO'`, for <time datetime="...">: 2026-11-30T14:05:00+0000."""
    if not isinstance(value, datetime):
        return ""
    value = _local(value)
    if timezone.is_naive(value):  # as Django does: the offset of the default time zone
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return f"{value:%Y-%m-%dT%H:%M:%S%z}"
