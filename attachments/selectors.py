"""Reads of attachments for pages and admins, each a fixed number of queries."""

from collections.abc import Sequence
from functools import reduce
from operator import or_

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import Attachment

OwnerKey = tuple[int, int]


def attachments_of(owners: Sequence[models.Model]) -> dict[OwnerKey, list[Attachment]]:
    """Each owner's files, keyed by (content type id, pk), oldest first, in one query.

    Owners without files have no key: look them up with `.get(owner_key(owner), [])`.
    The content types are matched by name in the query itself, so no lookup comes before it.
    """
    pks_by_model: dict[tuple[str, str], list[int]] = {}
    for owner in owners:
        meta = owner._meta.concrete_model._meta  # type: ignore[union-attr]
        pks_by_model.setdefault((meta.app_label, meta.model_name or ""), []).append(owner.pk)
    if not pks_by_model:
        return {}
    matches = reduce(
        or_,
        (
            models.Q(owner_type__app_label=app_label, owner_type__model=model, owner_id__in=pks)
            for (app_label, model), pks in pks_by_model.items()
        ),
    )
    found: dict[OwnerKey, list[Attachment]] = {}
    for attachment in Attachment.objects.filter(matches).order_by("created_at", "pk"):
        found.setdefault((attachment.owner_type_id, attachment.owner_id), []).append(attachment)
    return found


def owner_key(owner: models.Model) -> OwnerKey:
    """The key attachments_of uses for `owner` (the content type comes from Django's cache)."""
    content_type = ContentType.objects.get_for_model(owner)
    return (content_type.pk, owner.pk)
