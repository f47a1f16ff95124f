"""What accounts hold about a person (their account, addresses, factors, the audit record), and
removing it (composed by privacy.services)."""

from collections.abc import Collection
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from common.db import iexact_any

from .models import AuditEvent, User

STAFF_REFUSED = (
    "Staff accounts are the PSF's own records and cannot be erased here: ask a superuser to "
    "remove the account."
)

# Each kind of second factor as the account pages call it (allauth's labels say "TOTP").
FACTOR_NAMES = {
    Authenticator.Type.TOTP: "Authenticator app",
    Authenticator.Type.WEBAUTHN: "Security key or passkey",
    Authenticator.Type.RECOVERY_CODES: "Recovery codes",
}


def person_export(*, user: User | None) -> dict[str, Any] | None:
    """The account itself: who, since when, which addresses and which kinds of second factor
    (never a secret). Two queries."""
    if user is None or not user.is_authenticated:
        return None
    addresses = EmailAddress.objects.filter(user_id=user.pk).order_by("-primary", "email")
    factors = Authenticator.objects.filter(user_id=user.pk).order_by("created_at")
    return {
        "email": user.email,
        "name": user.name,
        "joined_at": user.date_joined,
        "last_sign_in_at": user.last_login,
        "addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary} for a in addresses
        ],
        "second_factors": [
            {"type": FACTOR_NAMES.get(f.type, f.get_type_display()), "added_at": f.created_at}
            for f in factors
        ],
    }


def check_can_erase(*, user: User | None) -> None:
    """Raise ValidationError when this account may not be erased by its owner."""
    if user is not None and user.is_staff:
        raise ValidationError(STAFF_REFUSED, code="staff")


def audit_relabel(*, targets: Collection[tuple[str, Any, str]]) -> dict[str, int]:
    """Give rows that no longer name a person the same new label in the audit record and the
    admin's log (which kept str(row) as it was: a title, a name, an address). Idempotent."""
    counts = {"audit_events_redacted": 0, "admin_log_redacted": 0}
    for label, pk, new_label in targets:
        app_label, model = label.split(".")
        counts["audit_events_redacted"] += (
            AuditEvent.objects.filter(target_type=label, target_id=str(pk))
            .exclude(target_repr=new_label[:200])
            .update(target_repr=new_label[:200])
        )
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
        counts["admin_log_redacted"] += (
            LogEntry.objects.filter(content_type=content_type, object_id=str(pk))
            .exclude(object_repr=new_label[:200])
            .update(object_repr=new_label[:200])
        )
    return counts


def person_erase(
    *,
    emails: Collection[str],
    user: User | None,
    targets: Collection[tuple[str, Any, str]] = (),
) -> dict[str, int]:
    """Delete the account (with its addresses, factors and sessions), and take the person out of
    the audit record and the admin's log: who they were, where they signed in from, and how
    the rows they were named in were labelled. Returns counts; idempotent.

    `targets`: (model label, pk, new label) of rows other apps erased, e.g.
    ("help_requests.helprequest", 12, "HR-2026-0012: [removed ...]").
    """
    check_can_erase(user=user)
    counts = {"audit_events_redacted": 0, "admin_log_redacted": 0, "accounts_deleted": 0}
    with transaction.atomic():
        theirs = iexact_any("actor_email", emails)
        if user is not None:
            theirs |= Q(actor_id=user.pk)
        counts["audit_events_redacted"] += (
            AuditEvent.objects.filter(theirs)
            .exclude(actor_email="", ip=None, actor=None)
            .update(actor_email="", ip=None, actor=None)
        )
        relabelled = audit_relabel(targets=targets)
        counts["audit_events_redacted"] += relabelled["audit_events_redacted"]
        counts["admin_log_redacted"] = relabelled["admin_log_redacted"]
        if user is not None:
            for session in UserSession.objects.filter(user_id=user.pk):
                session.end()  # other browsers signed in as them are signed out
            _, deleted = User.objects.filter(pk=user.pk).delete()
            counts["accounts_deleted"] = deleted.get(User._meta.label, 0)
    return counts
