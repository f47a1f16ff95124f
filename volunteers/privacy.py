"""What the volunteer half holds about a person (hands raised for roles, the pool and its consent
record), and removing it: the one place that knows which of those fields are personal
(composed by privacy.services).

An interest keeps its role, status and dates for staff; it loses the name, address, message and
availability. A pool membership is deleted with its consent record. Someone who left the pool is
kept only as a keyed hash of the address (PoolOptOut) once RETENTION_POOL_LEFT_DAYS have passed.
"""

from collections.abc import Collection
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
from common.db import iexact_any
from common.privacy import (
    FORGOTTEN,
    REMOVED,
    Erased,
    address_hash,
    address_hashes,
    erased_address,
    own_rows,
    rows_for_others,
)

from .models import Area, PoolConsent, PoolMember, PoolOptOut, RoleInterest

INTEREST = RoleInterest._meta.label_lower
MEMBER = PoolMember._meta.label_lower


def _interests(emails: Collection[str], user: User | None) -> QuerySet[RoleInterest]:
    match = iexact_any("email", emails)
    if user is not None and user.is_authenticated:
        match |= Q(user_id=user.pk)
    return RoleInterest.objects.filter(match)


def _hashes(emails: Collection[str]) -> list[str]:
    return [h for email in emails for h in address_hashes(email)]


def person_export(*, emails: Collection[str], user: User | None) -> dict[str, Any]:
    """The person's hands raised for roles, their pool membership with every consent word for
    word, and whether they left the pool; areas and states in words, never codes. Six queries,
    whatever the rows."""
    interests = _interests(emails, user).select_related("role").order_by("created_at")
    members = (
        PoolMember.objects.filter(iexact_any("email", emails))
        .order_by("created_at")
        .prefetch_related(
            "interests", Prefetch("consents", queryset=PoolConsent.objects.order_by("at"))
        )
    )
    opt_outs = PoolOptOut.objects.filter(address_hash__in=_hashes(emails)).order_by("left_at")
    area_labels = dict(Area.objects.values_list("code", "label"))  # a consent keeps codes
    return {
        "role_interests": [
            {
                "role": i.role.title,
                "role_page": f"{settings.SITE_URL}{i.role.get_absolute_url()}",
                "name": i.name,
                "email": i.email,
                "availability": i.availability,
                "message": i.message,
                "status": i.public_status,
                "sent_at": i.created_at,
            }
            for i in interests
        ],
        "volunteer_pool": [
            {
                "email": m.email,
                "name": m.name,
                "state": m.state,
                "areas": [area.label for area in m.interests.all()],
                "what_to_hear_about": m.get_frequency_display(),
                "skills": m.skills,
                "joined_at": m.created_at,
                "confirmed_at": m.confirmed_at,
                "left_at": m.unsubscribed_at,
                "consent": {"text": m.consent_text, "given_at": m.consented_at},
                "consent_record": [
                    {
                        "at": c.at,
                        "text": c.text,
                        "what_to_hear_about": c.get_frequency_display(),
                        "areas": [area_labels.get(code, code) for code in c.areas],
                    }
                    for c in m.consents.all()
                ],
            }
            for m in members
        ],
        "left_the_pool": [
            {"left_at": o.left_at, "kept": "a keyed hash of the address, not the address"}
            for o in opt_outs
        ],
    }


def person_erase(*, emails: Collection[str], user: User | None, by: User | None) -> Erased:
    """Erase the person from interests, the pool (membership and consent record) and the record
    of who left (run inside the erasure's transaction; a second run finds nothing)."""
    erased = Erased(counts={"role_interests": 0, "pool_memberships": 0})
    who = FORGOTTEN[:1].upper() + FORGOTTEN[1:]
    with transaction.atomic():
        # Locked with the match read again: a race erases each row once.
        own = RoleInterest.objects.filter(own_rows(emails, user))
        for interest in own.select_for_update().order_by("pk"):
            erased.values |= {interest.name, interest.email, interest.message}
            erased.values.add(interest.availability)
            interest.name = who
            interest.email = erased_address("interest", interest.pk)
            interest.message = REMOVED if interest.message else ""
            interest.availability = REMOVED
            interest.user = None
            interest.save(update_fields=["name", "email", "message", "availability", "user"])
            erased.targets.append((INTEREST, interest.pk, str(interest)))
            erased.counts["role_interests"] += 1
        # A hand the account raised for another address is that person's: only the account goes.
        erased.counts["role_interests_sent_for_others"] = RoleInterest.objects.filter(
            rows_for_others(emails, user)
        ).update(user=None)
        for member in PoolMember.objects.select_for_update().filter(iexact_any("email", emails)):
            erased.values |= {member.name, member.email, member.skills}
            for signup in member.signups.all():  # what was typed for it, waiting for a link
                erased.values |= {signup.name, signup.skills}
            erased.targets.append((MEMBER, member.pk, erased_address("member", member.pk)))
            member.delete()  # and its consent record
            erased.counts["pool_memberships"] += 1
        erased.counts["pool_opt_outs"] = PoolOptOut.objects.filter(
            address_hash__in=_hashes(emails)
        ).delete()[0]
    erased.values.discard("")
    return erased


def pool_members_left_remove(*, left_before: datetime) -> Erased:
    """Retention: members who left before `left_before` are deleted with their consent record;
    a keyed hash of the address stays, so a return is known as one. Idempotent."""
    erased = Erased(counts={"pool_members_removed": 0})
    left = PoolMember.objects.filter(unsubscribed_at__lt=left_before)
    for pk in left.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            member = (
                PoolMember.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, unsubscribed_at__lt=left_before)
                .first()
            )
            if member is None or member.unsubscribed_at is None:
                continue
            PoolOptOut.objects.update_or_create(
                address_hash=address_hash(member.email),
                defaults={"left_at": member.unsubscribed_at},
            )
            erased.targets.append((MEMBER, member.pk, erased_address("member", member.pk)))
            member.delete()
            erased.counts["pool_members_removed"] += 1
    return erased
