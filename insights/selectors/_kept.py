"""Figures kept a short while (INSIGHTS_CACHE_SECONDS) in this process's "insights" cache
(Django's local-memory cache, settings/base.py): the page and then its pictures read each chart
once, two charts that read the same rows share one query, and a board member reloading reads no
table. Not the shared cache: as funding_form_facts, a Redis that is down would cost its timeout
on every chart."""

from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

from ..periods import Period


def kept[T](name: str, period: Period, compute: Callable[[], T]) -> T:
    """What `compute()` gives for `period`, computed once a while in this process."""
    seconds = settings.INSIGHTS_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    key = f"{name}:{period.start}:{period.end}:{timezone.localdate()}"
    return cast(T, caches["insights"].get_or_set(key, compute, seconds))
