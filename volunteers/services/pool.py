"""Writes on the volunteer pool: join (double opt-in), confirm, preferences, leave, expire."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.privacy import address_hashes
from notifications.services import email_queue

from ..models import Area, PoolConsent, PoolMember, PoolOptOut, new_token
from ._common import site_url


class ConfirmationExpired(Exception):
    """The pool confirmation link is older than POOL_CONFIRM_DAYS."""


def _pool_headers(member: PoolMember) -> dict[str, str]:
    """RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs one click (to
    its own URL; the links in the e-mail's text open the page with a button)."""
    return {
        "List-Unsubscribe": f"<{site_url(member.unsubscribe_one_click_url())}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def pool_member_message(
    member: PoolMember,
    template: str,
    key: str,
    unverified: bool = False,
    list_mail: bool = True,
    **extra: Any,
) -> dict[str, Any]:
    """One pool e-mail to `member` as email_queue takes it: the list headers and their own
    links (`key` makes it once only).

    `list_mail=False` is for the confirmation: the person has not joined yet, so there is no
    list to leave, and the e-mail carries neither the List-Unsubscribe headers nor the leave and
    preferences links."""
    context = {
        "name": "" if unverified else member.name,
        "confirm_url": site_url(member.confirm_url()),
        "frequency": member.frequency,
        "roles_url": site_url("/roles/"),
        "confirm_days": settings.POOL_CONFIRM_DAYS,
    }
    if list_mail:
        context["unsubscribe_url"] = site_url(member.unsubscribe_url())
        context["preferences_url"] = site_url(member.preferences_url())
    return {
        "to": [member.email],
        "template": f"volunteers/{template}",
        "unverified": unverified,
        "context": {**context, **extra},
        "headers": _pool_headers(member) if list_mail else {},
        "key": key,
    }


def pool_member_email(
    member: PoolMember,
    template: str,
    key: str,
    unverified: bool = False,
    list_mail: bool = True,
    **extra: Any,
) -> None:
    """Queue one pool e-mail to `member` (see pool_member_message)."""
    email_queue(**pool_member_message(member, template, key, unverified, list_mail, **extra))


def _send_confirmation(member: PoolMember, now: datetime) -> None:
    # At most one confirmation an hour per address, however often the form is sent.
    key = f"pool-confirm:{member.confirm_token}:{now:%Y-%m-%dT%H}"
    pool_member_email(member, "pool_confirm", key=key, unverified=True, list_mail=False)


def _record_consent(member: PoolMember, now: datetime) -> None:
    PoolConsent.objects.create(
        member=member,
        at=now,
        text=member.consent_text,
        frequency=member.frequency,
        areas=sorted(member.interests.values_list("code", flat=True)),
    )


def _confirm(member: PoolMember, now: datetime) -> None:
    """The address is proved: in the pool, with what was typed when asking to (re)join."""
    pending = member.pending_details
    if pending:  # someone who left is back: their new details and consent count from now
        member.name = pending["name"]
        member.skills = pending["skills"]
        member.consent_text = pending["consent_text"]
        member.frequency = pending.get("frequency", member.frequency)
        member.consented_at = now
        member.unsubscribed_at = None
        member.announced_at = None  # staff hear about them again
        member.unsubscribe_token = new_token()  # links from before they left stay dead
        member.preferences_token = new_token()
        member.interests.set(Area.objects.filter(code__in=pending["interests"]))
        member.pending_details = {}
    member.confirmed_at = now
    member.suppressed_at, member.suppressed_reason = None, ""  # the address works again
    member.save()
    # Someone who left (and whose data was removed) is back, by their own link: opted in again.
    PoolOptOut.objects.filter(address_hash__in=address_hashes(member.email)).delete()
    _record_consent(member, now)
    pool_member_email(member, "pool_welcome", key=f"pool-welcome:{member.confirm_token}")


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
    frequency: str = PoolMember.Frequency.WEEKLY,
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
    they are confirmed at once with what they typed, and welcomed; unless the address left the
    pool before and only its hash is kept (PoolOptOut): a return after leaving is always
    confirmed from the e-mailed link.
    """
    now = timezone.now()
    interests = list(interests)
    if (
        address_verified
        and PoolOptOut.objects.filter(address_hash__in=address_hashes(email)).exists()
    ):
        address_verified = False
    with transaction.atomic():
        member = PoolMember.objects.select_for_update().filter(email__iexact=email).first()
        if member is None:
            try:
                with transaction.atomic():
                    member = PoolMember.objects.create(
                        email=email,
                        name=name,
                        skills=skills,
                        frequency=frequency,
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
                pool_member_email(
                    member,
                    "pool_already_member",
                    key=f"pool-already:{member.pk}:{now:%Y-%m-%d}",  # at most one a day
                )
            return member
        returning = bool(member.unsubscribed_at or member.suppressed_at)
        if returning or address_verified:
            member.pending_details = {
                "name": name,
                "skills": skills,
                "consent_text": consent_text,
                "frequency": frequency,
                "interests": [area.code for area in interests],
            }
            if returning:
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


def pool_member_set_preferences(
    *,
    member: PoolMember,
    frequency: str,
    interests: Iterable[Area],
    consent_text: str,
) -> PoolMember:
    """A member chose what to hear about and in which areas; the wording they saw is kept."""
    with transaction.atomic():
        locked = PoolMember.objects.select_for_update().get(pk=member.pk)
        locked.frequency = frequency
        locked.consent_text = consent_text
        locked.consented_at = timezone.now()
        locked.save(update_fields=["frequency", "consent_text", "consented_at"])
        locked.interests.set(list(interests))
        _record_consent(locked, locked.consented_at)
    return locked


def pool_member_suppress(*, member: PoolMember, reason: str) -> PoolMember:
    """Staff saw mail to this address bounce, or a complaint: no pool mail until it confirms
    again (joining again sends a new confirmation link)."""
    PoolMember.objects.filter(pk=member.pk, suppressed_at=None).update(
        suppressed_at=timezone.now(), suppressed_reason=reason
    )
    member.refresh_from_db()
    return member
