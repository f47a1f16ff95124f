"""Write the audit record: who signed in, changed a factor or a password, or edited in the admin."""

from typing import Any

from django.db import models
from django.http import HttpRequest

from common.http import client_ip

from .models import AuditEvent, User


def _clean(value: str, length: int) -> str:
    """What a person typed, safe for every database: no NUL bytes, cut to the column."""
    return value.replace("\x00", "")[:length]


def audit_record(
    *,
    action: AuditEvent.Action,
    actor: User | Any | None = None,
    actor_email: str = "",
    target: models.Model | None = None,
    detail: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Record one event; call it inside the transaction of the change it describes."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    email = actor_email or (actor.email if actor is not None else "")
    event = AuditEvent(
        action=action,
        actor=actor,
        actor_email=_clean(email, 254),
        detail=_clean(detail, 10_000),
        ip=client_ip(request) if request is not None else None,
    )
    if target is not None:
        event.target_type = target._meta.label_lower
        event.target_id = str(target.pk)[:64]
        event.target_repr = _clean(str(target), 200)
    event.save()
    return event
