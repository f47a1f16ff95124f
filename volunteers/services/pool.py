"""Writes on the volunteer pool: join (double opt-in), confirm, preferences, leave, expire."""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.privacy import address_hashes
from notifications.services import email_queue

from ..models import Area, PoolConsent, PoolMember, PoolOptOut, PoolSignup, new_token
from ._common import site_url

logger = logging.getLogger(__name__)


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
        "frequency": member.frequency,
        "roles_url": site_url("/roles/"),
        "confirm_days": settings.POOL_CONFIRM_DAYS,
    }
    if list_mail:
        context["unsubscribe_url"] = site_url(member.unsubscribe_url())
        context["preferences_url"] = site_url(member.preferences_url())
    # No `auto_submitted`: pool mail is the outbox's default, auto-generated (RFC 3834), even
    # an announcement staff wrote: the mailing job sends it to a list, and the mark keeps
    # members' out-of-office answers from flooding psf@ (docs/mail-in.md, "Threads").
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


def _send_confirmation(member: PoolMember, signup: PoolSignup, now: datetime) -> bool:
    """E-mail the sign-up's own link; False when nothing was queued (the address's daily cap
    for mail anyone can cause, or an erased address)."""
    # At most one confirmation an hour for the same sign-up, however often the form is sent.
    key = f"pool-confirm:{signup.token}:{now:%Y-%m-%dT%H}"
    message = pool_member_message(
        member,
        "pool_confirm",
        key=key,
        unverified=True,
        list_mail=False,
        confirm_url=site_url(signup.confirm_url()),
    )
    return bool(email_queue(**message))


def _record_consent(member: PoolMember, now: datetime) -> None:
    PoolConsent.objects.create(
        member=member,
        at=now,
        text=member.consent_text,
        frequency=member.frequency,
        areas=sorted(member.interests.values_list("code", flat=True)),
    )


def _confirm(member: PoolMember, details: dict[str, Any], now: datetime, welcome: str) -> None:
    """The address is proved: in the pool, with the details its owner sent (`details`: those
    of the sign-up whose link they used, or what they typed signed in with the address)."""
    member.name = details["name"]
    member.skills = details["skills"]
    member.consent_text = details["consent_text"]
    member.frequency = details["frequency"]
    member.consented_at = now
    member.interests.set(Area.objects.filter(code__in=details["areas"]))
    if member.confirmed_at:  # someone who left (or bounced) is back: from now on, afresh
        member.unsubscribed_at = None
        member.announced_at = None  # staff hear about them again
        member.unsubscribe_token = new_token()  # links from before they left stay dead
        member.preferences_token = new_token()
    member.confirmed_at = now
    member.suppressed_at, member.suppressed_reason = None, ""  # the address works again
    member.save()
    # Someone who left (and whose data was removed) is back, by their own link: opted in again.
    PoolOptOut.objects.filter(address_hash__in=address_hashes(member.email)).delete()
    _record_consent(member, now)
    pool_member_email(member, "pool_welcome", key=welcome)


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

    Anyone can type an address, so what was typed waits in a PoolSignup with its own link, and
    counts only when that link is used: the details of whoever proves the address win, never
    those of someone who typed it before or after them.

    - A new address gets an unconfirmed record holding nothing typed, and the sign-up's link.
    - An address still unconfirmed, or that left the pool, gets a link for this sign-up (the
      same one again when the same details are sent again); the record stays as it was until
      a link is used.
    - A current member is only told by e-mail that they are already in; their details never
      change here.
    - When the daily cap for mail anyone can cause stops the link, the sign-up is not kept.
    With `address_verified` (signed in with that verified address) the person is the owner:
    they are confirmed at once with what they typed, and welcomed; unless the address left the
    pool before and only its hash is kept (PoolOptOut): a return after leaving is always
    confirmed from the e-mailed link.
    """
    now = timezone.now()
    details = {
        "name": name,
        "skills": skills,
        "consent_text": consent_text,
        "frequency": frequency,
        "areas": sorted(area.code for area in interests),
    }
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
                    # Nothing typed is kept on the record before its address is proved.
                    member = PoolMember.objects.create(
                        email=email, consented_at=now, confirmation_sent_at=now
                    )
            except IntegrityError:  # the same address joined at the same moment
                member = PoolMember.objects.select_for_update().get(email__iexact=email)
        if member.is_subscribed:
            if not address_verified:
                pool_member_email(
                    member,
                    "pool_already_member",
                    key=f"pool-already:{member.pk}:{now:%Y-%m-%d}",  # at most one a day
                )
            return member
        if address_verified:
            _confirm(member, details, now, welcome=f"pool-welcome:{member.pk}:{now.isoformat()}")
            member.signups.all().delete()  # links sent before are not needed any more
            return member
        # Links used before (and so links from before someone left) stay dead.
        member.signups.exclude(confirmed_at=None).delete()
        cutoff = now - timedelta(days=settings.POOL_CONFIRM_DAYS)
        signup = member.signups.filter(confirmed_at=None, created_at__gte=cutoff, **details).first()
        created = signup is None
        if signup is None:
            signup = PoolSignup.objects.create(member=member, created_at=now, **details)
        if not _send_confirmation(member, signup, now):
            if created:
                signup.delete()  # no link went out: nothing typed is kept for it
            return member
        member.confirmation_sent_at = now
        member.save(update_fields=["confirmation_sent_at"])
    return member


def pool_confirmation_expired(signup: PoolSignup, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    expires = signup.created_at + timedelta(days=settings.POOL_CONFIRM_DAYS)
    return signup.confirmed_at is None and expires < now


def pool_member_confirm(*, signup: PoolSignup) -> PoolMember:
    """Confirm a sign-up (or a return) from its e-mailed link, with the details sent with that
    sign-up, and welcome the member (once). The member's other links stop working.

    Raises ConfirmationExpired for a link too old, PoolSignup.DoesNotExist for one that another
    link of the address made void a moment ago."""
    with transaction.atomic():
        member = PoolMember.objects.select_for_update().get(pk=signup.member_id)
        locked = PoolSignup.objects.select_for_update().get(pk=signup.pk)
        if locked.confirmed_at:  # pressed again, or they left since: nothing more to do
            return member
        now = timezone.now()
        if pool_confirmation_expired(locked, now):
            raise ConfirmationExpired(member.email)
        details = {
            "name": locked.name,
            "skills": locked.skills,
            "consent_text": locked.consent_text,
            "frequency": locked.frequency,
            "areas": locked.areas,
        }
        _confirm(member, details, now, welcome=f"pool-welcome:{locked.token}")
        locked.confirmed_at = now
        locked.save(update_fields=["confirmed_at"])
        member.signups.exclude(pk=locked.pk).delete()  # what others typed for it goes
    return member


def pool_member_unsubscribe(*, member: PoolMember) -> PoolMember:
    """Take someone off the pool list; no e-mail follows."""
    PoolMember.objects.filter(pk=member.pk, unsubscribed_at=None).update(
        unsubscribed_at=timezone.now()
    )
    member.refresh_from_db()
    return member


def pool_signups_expire(*, now: datetime | None = None) -> int:
    """Delete sign-ups older than POOL_CONFIRM_DAYS (with their links), and the records of
    addresses never confirmed within that time; returns how many records.

    A return never confirmed only loses its sign-up; the record from before stays.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.POOL_CONFIRM_DAYS)
    PoolSignup.objects.filter(created_at__lt=cutoff).delete()
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


def pool_address_bounced(*, address: str, detail: str) -> None:
    """A bounce read by mail intake reports `address` as failed (mail_in.extensions.on_bounce,
    registered in apps.py): its pool member is suppressed as bouncing, as staff would from the
    admin. An address that is no member is no business of the pool."""
    member = PoolMember.objects.filter(email__iexact=address).first()
    if member is not None:
        pool_member_suppress(member=member, reason=PoolMember.Suppression.BOUNCING)
        logger.info("pool.bounced member=%s", member.pk)  # the id, never the address
