"""Every write to roles, interests and the volunteer pool; each one queues its e-mails."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from notifications.services import email_queue

from .models import Area, PoolMember, Role, RoleInterest, new_token


class InterestAlreadyRegistered(Exception):
    """This e-mail already has an open interest in the role (the form says so kindly)."""

    def __init__(self, interest: RoleInterest) -> None:
        super().__init__(f"{interest.email} already raised a hand for {interest.role}")
        self.interest = interest


class RoleNotOpen(Exception):
    """The role was filled or closed while the person was reading it."""


class ConfirmationExpired(Exception):
    """The pool confirmation link is older than POOL_CONFIRM_DAYS."""


def _url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


# Roles ------------------------------------------------------------------------------------------


def role_save(*, role: Role) -> Role:
    """Validate and save a role; the first time it leaves draft it gets its publication time."""
    if role.status != Role.Status.DRAFT and role.opened_at is None:
        role.opened_at = timezone.now()
    role.full_clean()
    role.save()
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


# Interests --------------------------------------------------------------------------------------


def _interest_context(interest: RoleInterest, **extra: Any) -> dict[str, Any]:
    role = interest.role
    return {
        "name": interest.name,
        "email": interest.email,
        "message": interest.message,
        "availability": interest.availability,
        "role_title": role.title,
        "role_url": _url(role.get_absolute_url()),
        "contact_name": role.contact_name,
        "contact_email": role.contact_email,
        "first_task": role.first_task,
        "needs_vetting": interest.needs_vetting,
        "escalate_days": settings.VOLUNTEER_INTEREST_ESCALATE_DAYS,
        "admin_path": f"/admin/volunteers/roleinterest/{interest.pk}/change/",
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
            email_queue(
                to=[settings.PSF_STAFF_EMAIL, role.contact_email],
                template="volunteers/interest_staff",
                context=context,
                reply_to=email,
                key=f"interest:{interest.pk}:staff",
            )
            # Nobody has proved this address is theirs: our words only (no name, no message).
            ours = ("role_title", "role_url", "contact_name", "needs_vetting", "first_task")
            receipt = {name: context[name] for name in ours}
            email_queue(
                to=[email],
                template="volunteers/interest_receipt",
                context=receipt,
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
        locked.status = status
        locked.status_changed_at = timezone.now()
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
                context=_interest_context(
                    locked,
                    role_filled=reason == "filled",
                    roles_url=_url("/roles/"),
                    pool_url=_url("/pool/join/"),
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
                        "admin_path": f"/admin/volunteers/roleinterest/{i.pk}/change/",
                    }
                    for i in stale
                ],
            },
            key=f"interests-escalated:{now.isoformat()}",
        )
    return len(stale)


# Volunteer pool ---------------------------------------------------------------------------------


def _pool_headers(member: PoolMember) -> dict[str, str]:
    """RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs one click."""
    return {
        "List-Unsubscribe": f"<{_url(member.unsubscribe_url())}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _pool_email(
    member: PoolMember, template: str, key: str, unverified: bool = False, **extra: Any
) -> None:
    email_queue(
        to=[member.email],
        template=f"volunteers/{template}",
        unverified=unverified,
        context={
            "name": "" if unverified else member.name,
            "confirm_url": _url(member.confirm_url()),
            "unsubscribe_url": _url(member.unsubscribe_url()),
            "roles_url": _url("/roles/"),
            "confirm_days": settings.POOL_CONFIRM_DAYS,
            **extra,
        },
        headers=_pool_headers(member),
        key=key,
    )


def _send_confirmation(member: PoolMember, now: datetime) -> None:
    # At most one confirmation an hour per address, however often the form is sent.
    key = f"pool-confirm:{member.confirm_token}:{now:%Y-%m-%dT%H}"
    _pool_email(member, "pool_confirm", key=key, unverified=True)


def _confirm(member: PoolMember, now: datetime) -> None:
    """The address is proved: in the pool, with what was typed when asking to (re)join."""
    pending = member.pending_details
    if pending:  # someone who left is back: their new details and consent count from now
        member.name = pending["name"]
        member.skills = pending["skills"]
        member.consent_text = pending["consent_text"]
        member.consented_at = now
        member.unsubscribed_at = None
        member.announced_at = None  # staff hear about them again
        member.unsubscribe_token = new_token()
        member.interests.set(Area.objects.filter(code__in=pending["interests"]))
        member.pending_details = {}
    member.confirmed_at = now
    member.save()
    _pool_email(member, "pool_welcome", key=f"pool-welcome:{member.confirm_token}")


def _confirm_or_ask(member: PoolMember, now: datetime, address_verified: bool) -> None:
    """A person signed in with this verified address needs no second opt-in."""
    if address_verified:
        _confirm(member, now)
    else:
        _send_confirmation(member, now)


def pool_join(
    *,
    email: str,
    name: str,
    interests: Iterable[Area] = (),
    skills: str = "",
    consent_text: str,
    address_verified: bool = False,
) -> PoolMember:
    """Sign someone up (double opt-in). The caller learns nothing about earlier sign-ups.

    - A new address is saved unconfirmed and gets a confirmation e-mail.
    - An address still unconfirmed gets the link already sent, again; what was typed the first
      time stays (anyone can type an address; only its owner confirms).
    - Someone who left keeps their record as it was; what they typed now waits in
      `pending_details` for the new link, and counts from the moment they use it.
    - A current member is only told by e-mail that they are already in.
    With `address_verified` (signed in with that verified address) the person is the owner:
    they are confirmed at once with what they typed, and welcomed.
    """
    now = timezone.now()
    interests = list(interests)
    with transaction.atomic():
        member = PoolMember.objects.select_for_update().filter(email__iexact=email).first()
        if member is None:
            try:
                with transaction.atomic():
                    member = PoolMember.objects.create(
                        email=email,
                        name=name,
                        skills=skills,
                        consent_text=consent_text,
                        consented_at=now,
                        confirmation_sent_at=now,
                    )
            except IntegrityError:  # the same address joined at the same moment
                member = PoolMember.objects.select_for_update().get(email__iexact=email)
            else:
                member.interests.set(interests)
                _confirm_or_ask(member, now, address_verified)
                return member
        if member.is_subscribed:
            if not address_verified:
                _pool_email(
                    member,
                    "pool_already_member",
                    key=f"pool-already:{member.pk}:{now:%Y-%m-%d}",  # at most one a day
                )
            return member
        if member.unsubscribed_at or address_verified:
            member.pending_details = {
                "name": name,
                "skills": skills,
                "consent_text": consent_text,
                "interests": [area.code for area in interests],
            }
            if member.unsubscribed_at:
                member.confirm_token = new_token()  # links from before they left stay dead
            member.confirmation_sent_at = now
            member.save(update_fields=["pending_details", "confirm_token", "confirmation_sent_at"])
        _confirm_or_ask(member, now, address_verified)
    return member


def pool_confirmation_expired(member: PoolMember, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    expires = member.confirmation_sent_at + timedelta(days=settings.POOL_CONFIRM_DAYS)
    waiting = member.confirmed_at is None or bool(member.pending_details)
    return waiting and expires < now


def pool_member_confirm(*, member: PoolMember) -> PoolMember:
    """Confirm a sign-up (or a return) from the e-mailed link and welcome the member (once)."""
    with transaction.atomic():
        locked = PoolMember.objects.select_for_update().get(pk=member.pk)
        if not locked.pending_details and (locked.confirmed_at or locked.unsubscribed_at):
            return locked
        if pool_confirmation_expired(locked):
            raise ConfirmationExpired(locked.email)
        _confirm(locked, timezone.now())
    return locked


def pool_member_unsubscribe(*, member: PoolMember) -> PoolMember:
    """Take someone off the pool list; no e-mail follows."""
    PoolMember.objects.filter(pk=member.pk, unsubscribed_at=None).update(
        unsubscribed_at=timezone.now()
    )
    member.refresh_from_db()
    return member


def pool_signups_expire(*, now: datetime | None = None) -> int:
    """Delete sign-ups never confirmed within POOL_CONFIRM_DAYS; returns how many.

    A return never confirmed only loses what was typed for it; the record from before stays.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.POOL_CONFIRM_DAYS)
    PoolMember.objects.exclude(pending_details={}).filter(confirmation_sent_at__lt=cutoff).update(
        pending_details={}
    )
    _, per_model = PoolMember.objects.filter(
        confirmed_at=None, confirmation_sent_at__lt=cutoff
    ).delete()
    return per_model.get(PoolMember._meta.label, 0)


def pool_members_mark_announced(*, member_ids: Iterable[int]) -> int:
    """Record that the staff digest announced these members, so no digest repeats them."""
    return PoolMember.objects.filter(pk__in=list(member_ids), announced_at=None).update(
        announced_at=timezone.now()
    )
