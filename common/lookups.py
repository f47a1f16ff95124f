"""Lookup tables every form reads and staff rarely edit (kinds of help, kinds of event, budget
categories), kept in the shared cache so a form page does not query each of them.

A table's rows are dropped from the cache when one of them is saved or deleted: at once (readers
in the same transaction see the change) and again after the commit (so rows a concurrent reader
cached before the commit do not outlive it), and after every `migrate` (data migrations save
historical models, which send no signal to these). Without the cache (Redis down) every read
queries. Writes that skip signals (`QuerySet.update()`, raw SQL) are seen within the hour: edit
these rows through the admin or `save()`.
"""

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_migrate, post_save

KEEP_SECONDS = 3600
_watched: set[type[models.Model]] = set()


def _key(model: type[models.Model]) -> str:
    return f"lookup:{model._meta.label_lower}"


def lookup_rows(*tables: type[models.Model]) -> list[list[models.Model]]:
    """Each table's rows in its default order, from the cache in one round trip where kept."""
    kept = cache.get_many([_key(model) for model in tables])
    found = []
    for model in tables:
        rows = kept.get(_key(model))
        if rows is None:
            rows = list(model._default_manager.all())
            cache.set(_key(model), rows, KEEP_SECONDS)
        found.append(rows)
    return found


def is_lookup(model: type[models.Model]) -> bool:
    return model in _watched


def _forget(sender: type[models.Model], **kwargs: object) -> None:
    cache.delete(_key(sender))
    transaction.on_commit(lambda: cache.delete(_key(sender)))


def _forget_all(**kwargs: object) -> None:
    cache.delete_many([_key(model) for model in _watched])


def lookup_table(model: type[models.Model]) -> None:
    """Serve `model` through lookup_rows, and forget its rows whenever one changes."""
    _watched.add(model)
    uid = f"lookup-{model._meta.label_lower}"
    post_save.connect(_forget, sender=model, dispatch_uid=uid)
    post_delete.connect(_forget, sender=model, dispatch_uid=uid)
    post_migrate.connect(_forget_all, dispatch_uid="lookups-after-migrate")
