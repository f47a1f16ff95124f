"""Writes on roles: publish, fill, close, review."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from ..models import Role, RoleInterest
from .interests import role_interest_set_status
from .mailings import pool_role_opened


def role_save(*, role: Role) -> Role:
    """Validate and save a role; each time it opens (published, or reopened) it gets that
    time as its opening time, which lists sort by and the weekly digest reads.

    A role that opens is announced to the pool members who asked to hear as roles open; the
    weekly digest of its week lists it for the others. The row is locked to read what it was,
    so two staff opening it at once announce it once.
    """
    with transaction.atomic():
        previous = (
            Role.objects.select_for_update().filter(pk=role.pk).values_list("status", flat=True)
        )
        was = previous.first() if role.pk else None
        opens = role.status == Role.Status.OPEN and was != Role.Status.OPEN
        if opens or (role.status != Role.Status.DRAFT and role.opened_at is None):
            role.opened_at = timezone.now()
        if opens:
            role.filled_at = None  # days to fill count from this opening
        role.full_clean()
        role.save()
        if opens:
            pool_role_opened(role=role)
    return role


def role_set_status(*, role: Role, status: Role.Status) -> Role:
    """Open, close or re-draft a role (filling it has its own rule: role_mark_filled)."""
    role.status = status
    return role_save(role=role)


def role_mark_reviewed(*, role: Role, on: date | None = None) -> Role:
    """Record that staff checked the role's description is still current."""
    role.last_reviewed_on = on or timezone.localdate()
    role.save(update_fields=["last_reviewed_on", "updated_at"])
    return role


def role_check_can_fill(*, role: Role, people_needed: int | None = None) -> None:
    """A role is filled once enough people are onboarded; raises ValidationError otherwise."""
    needed = people_needed or role.people_needed
    onboarded = role.interests.filter(status=RoleInterest.Status.ONBOARDED).count()
    if onboarded < needed:
        raise ValidationError(
            f"“{role}” needs {needed} people and has {onboarded} onboarded: onboard them first, "
            "or lower “people needed”."
        )


def role_mark_filled(*, role: Role, by: User) -> Role:
    """Mark a role filled once enough people are onboarded; other open hands get a kind answer."""
    with transaction.atomic():
        locked = Role.objects.select_for_update().get(pk=role.pk)
        if locked.status == Role.Status.FILLED:
            return locked  # a colleague filled it a moment ago
        role_check_can_fill(role=locked)
        locked.status = Role.Status.FILLED
        locked.filled_at = timezone.now()
        role_save(role=locked)
        for interest in locked.interests.filter(status__in=RoleInterest.OPEN):
            role_interest_set_status(
                interest=interest, status=RoleInterest.Status.DECLINED, by=by, reason="filled"
            )
    return locked


def roles_close_expired(*, today: date | None = None) -> int:
    """Close open roles whose closing day has passed; returns how many closed."""
    today = today or timezone.localdate()
    closed = 0
    for role in Role.objects.filter(status=Role.Status.OPEN, closes_on__lt=today):
        role_set_status(role=role, status=Role.Status.CLOSED)
        closed += 1
    return closed
