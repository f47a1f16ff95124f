"""Writes on the hands raised for roles: register, vet, move along, escalate."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.services import email_queue

from ..models import Role, RoleInterest, RoleInterestChange
from ._common import site_url


class InterestAlreadyRegistered(Exception):
    """This e-mail already has an open interest in the role (the form says so kindly)."""

    def __init__(self, interest: RoleInterest) -> None:
        super().__init__(f"{interest.email} already raised a hand for {interest.role}")
        self.interest = interest


class RoleNotOpen(Exception):
    """The role was filled or closed while the person was reading it."""


# What mail to the person's address may carry: our words and the role's links. Nobody has
# proved the address is theirs, so never their name, message or availability (no relay).
PERSON_CONTEXT = ("role_title", "role_url", "contact_name", "contact_email", "needs_vetting",
                  "first_task")  # fmt: skip


def _person_context(interest: RoleInterest, **extra: Any) -> dict[str, Any]:
    context = _interest_context(interest)
    return {**{name: context[name] for name in PERSON_CONTEXT}, **extra}


def _interest_context(interest: RoleInterest, **extra: Any) -> dict[str, Any]:
    role = interest.role
    return {
        "name": interest.name,
        "email": interest.email,
        "message": interest.message,
        "availability": interest.availability,
        "role_title": role.title,
        "role_url": site_url(role.get_absolute_url()),
        "contact_name": role.contact_name,
        "contact_email": role.contact_email,
        "first_task": role.first_task,
        "needs_vetting": interest.needs_vetting,
        "escalate_days": settings.VOLUNTEER_INTEREST_ESCALATE_DAYS,
        "admin_path": reverse("admin:volunteers_roleinterest_change", args=[interest.pk]),
        **extra,
    }


def role_interest_register(
    *,
    role: Role,
    name: str,
    email: str,
    availability: str,
    message: str = "",
    user: User | None = None,
) -> RoleInterest:
    """Record a raised hand, tell staff and the role's contact, and send the person a receipt.

    Raises InterestAlreadyRegistered when the e-mail (any case) has an open interest in the role,
    also when two submissions race (the database's unique constraint decides).
    """
    try:
        with transaction.atomic():
            # The row lock orders this against role_mark_filled: no hand lands on a filled role.
            if not Role.objects.select_for_update().filter(pk=role.pk, status="open").exists():
                raise RoleNotOpen(str(role))
            interest = RoleInterest.objects.create(
                role=role,
                name=name,
                email=email,
                availability=availability,
                message=message,
                user=user,
                needs_vetting=role.is_vetted,
            )
            context = _interest_context(interest)
            # No Reply-To: staff keep what happens in the admin; the e-mails say how to write
            # to the person. The role's contact, who may not be staff, gets their own copy.
            email_queue(
                to=[settings.PSF_STAFF_EMAIL],
                template="volunteers/interest_staff",
                context=context,
                key=f"interest:{interest.pk}:staff",
            )
            if role.contact_email.lower() != settings.PSF_STAFF_EMAIL.lower():
                email_queue(
                    to=[role.contact_email],
                    template="volunteers/interest_staff",
                    context={
                        **context,
                        "for_contact": True,
                        "staff_email": settings.PSF_STAFF_EMAIL,
                    },
                    key=f"interest:{interest.pk}:contact",
                )
            email_queue(
                to=[email],
                template="volunteers/interest_receipt",
                context=_person_context(interest),
                key=f"interest:{interest.pk}:receipt",
                unverified=True,
            )
    except IntegrityError:
        existing = (
            RoleInterest.objects.filter(role=role, email__iexact=email)
            .exclude(status=RoleInterest.Status.DECLINED)
            .first()
        )
        if existing is None:
            raise
        raise InterestAlreadyRegistered(existing) from None
    return interest


def role_interest_complete_vetting(*, interest: RoleInterest, by: User) -> RoleInterest:
    """Staff finished vetting someone for a role with sensitive access (once, whoever clicks)."""
    with transaction.atomic():
        locked = RoleInterest.objects.select_for_update().get(pk=interest.pk)
        if locked.needs_vetting and locked.vetted_at is None:
            locked.vetted_at = timezone.now()
            locked.vetted_by = by
            locked.save(update_fields=["vetted_at", "vetted_by"])
    return locked


def role_interest_newer_hand(interest: RoleInterest) -> RoleInterest | None:
    """The same person's other, not declined hand for the same role, if any.

    While it exists a declined interest cannot be reopened: one open hand per person and role.
    """
    return (
        RoleInterest.objects.filter(role_id=interest.role_id, email__iexact=interest.email)
        .exclude(pk=interest.pk)
        .exclude(status=RoleInterest.Status.DECLINED)
        .first()
    )


def role_interest_check_status(
    *, interest: RoleInterest, status: RoleInterest.Status, vetted: bool
) -> None:
    """The rules for moving a hand along; raises ValidationError (the admin's form shows it)."""
    if (
        interest.status == RoleInterest.Status.DECLINED
        and status != interest.status
        and role_interest_newer_hand(interest)
    ):
        raise ValidationError(
            f"{interest.name} raised a hand for “{interest.role}” again after being declined; "
            "work on that newer interest instead."
        )
    if status == RoleInterest.Status.ONBOARDED and interest.needs_vetting and not vetted:
        raise ValidationError(
            f"{interest.name} cannot be onboarded for “{interest.role}” before vetting is complete."
        )


def role_interest_set_status(
    *, interest: RoleInterest, status: RoleInterest.Status, by: User, reason: str = ""
) -> RoleInterest:
    """Move an interest along; onboarding welcomes the person, declining thanks them.

    The row is locked and its state read again first, so two staff clicking at once make one
    change and one e-mail; the e-mail's key names the transition.
    """
    with transaction.atomic():
        locked = (
            RoleInterest.objects.select_for_update(of=("self",))
            .select_related("role")
            .get(pk=interest.pk)
        )
        if locked.status == status:
            return locked
        role_interest_check_status(interest=locked, status=status, vetted=bool(locked.vetted_at))
        since = locked.status_changed_at or locked.created_at
        transition = f"{locked.status}->{status}:{since.isoformat()}"
        # Each step is kept (how hands move, for Insights), not only the latest one.
        change = RoleInterestChange.objects.create(
            interest=locked, old=locked.status, new=status, by=by
        )
        locked.status = status
        locked.status_changed_at = change.changed_at
        locked.status_changed_by = by
        locked.save(update_fields=["status", "status_changed_at", "status_changed_by"])
        template = {
            RoleInterest.Status.ONBOARDED: "volunteers/interest_onboarded",
            RoleInterest.Status.DECLINED: "volunteers/interest_declined",
        }.get(status)
        if template:
            email_queue(
                to=[locked.email],
                template=template,
                context=_person_context(
                    locked,
                    role_filled=reason == "filled",
                    roles_url=site_url("/roles/"),
                    pool_url=site_url("/pool/join/"),
                ),
                key=f"interest:{locked.pk}:{transition}",
            )
    return locked


def role_interests_escalate_stale(*, now: datetime | None = None) -> int:
    """Tell staff, once, about every interest still new after VOLUNTEER_INTEREST_ESCALATE_DAYS."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.VOLUNTEER_INTEREST_ESCALATE_DAYS)
    with transaction.atomic():
        stale = list(
            RoleInterest.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=RoleInterest.Status.NEW, created_at__lt=cutoff, escalated_at=None)
            .select_related("role")
            .order_by("created_at")
        )
        if not stale:
            return 0
        RoleInterest.objects.filter(pk__in=[i.pk for i in stale]).update(escalated_at=now)
        email_queue(
            to=[settings.PSF_STAFF_EMAIL],
            template="volunteers/interests_escalated",
            context={
                "days": settings.VOLUNTEER_INTEREST_ESCALATE_DAYS,
                "interests": [
                    {
                        "name": i.name,
                        "role_title": i.role.title,
                        "days": (now - i.created_at).days,
                        "admin_path": reverse("admin:volunteers_roleinterest_change", args=[i.pk]),
                    }
                    for i in stale
                ],
            },
            key=f"interests-escalated:{now.isoformat()}",
        )
    return len(stale)
