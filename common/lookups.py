"""Lookup tables every form reads and staff rarely edit (kinds of help, kinds of event, budget
categories), kept in the shared cache so a form page does not query each of them, and for a few
seconds in the process too, so a busy form page does not wait on Redis either.

A table's rows are dropped from the cache when one of them is saved or deleted: at once (readers
in the same transaction see the change) and again after the commit (so rows a concurrent reader
cached before the commit do not outlive it), and after every `migrate` (data migrations save
historical models, which send no signal to these). Without the cache (Redis down) every read
queries. Writes that skip signals (`QuerySet.update()`, raw SQL) are seen within the hour: edit
these rows through the admin or `save()`. The process that saves a row forgets its own copy at
once; other processes keep theirs for at most LOCAL_SECONDS.
"""

import time

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_migrate, post_save

KEEP_SECONDS = 3600
LOCAL_SECONDS = 10
_watched: set[type[models.Model]] = set()
# This process's copies: key -> (monotonic time they expire, rows). Rows are shared: read only.
_local: dict[str, tuple[float, list[models.Model]]] = {}


def _key(model: type[models.Model]) -> str:
    return f"lookup:{model._meta.label_lower}"


def lookup_rows(*tables: type[models.Model]) -> list[list[models.Model]]:
    """Each table's rows in its default order: this process's copy, else the shared cache (one
    round trip for all the tables asked), else the database."""
    now = time.monotonic()
    found: dict[str, list[models.Model]] = {}
    for model in tables:
        expires, rows = _local.get(_key(model), (0.0, []))
        if expires > now:
            found[_key(model)] = rows
    missing = [model for model in tables if _key(model) not in found]
    if missing:
        shared = cache.get_many([_key(model) for model in missing])
        for model in missing:
            kept = shared.get(_key(model))
            if kept is None:
                kept = list(model._default_manager.all())
                cache.set(_key(model), kept, KEEP_SECONDS)
            _local[_key(model)] = (now + LOCAL_SECONDS, kept)
            found[_key(model)] = kept
    return [found[_key(model)] for model in tables]


def is_lookup(model: type[models.Model]) -> bool:
    return model in _watched


def _forget(sender: type[models.Model], **kwargs: object) -> None:
    def forget() -> None:
        _local.pop(_key(sender), None)
        cache.delete(_key(sender))

    forget()
    transaction.on_commit(forget)


def forget_all(**kwargs: object) -> None:
    """Drop every table's rows, here and in the shared cache (after `migrate`, between tests)."""
    _local.clear()
    cache.delete_many([_key(model) for model in _watched])


def lookup_table(model: type[models.Model]) -> None:
    """Serve `model` through lookup_rows, and forget its rows whenever one changes."""
    _watched.add(model)
    uid = f"lookup-{model._meta.label_lower}"
    post_save.connect(_forget, sender=model, dispatch_uid=uid)
    post_delete.connect(_forget, sender=model, dispatch_uid=uid)
    post_migrate.connect(forget_all, dispatch_uid="lookups-after-migrate")
