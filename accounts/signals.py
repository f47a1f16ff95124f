"""Receivers: the audit record, the staff session clock and the sign-in notice to staff.

Connected in AccountsConfig.ready().
"""

import time
from typing import Any

from allauth.core import context as allauth_context
from allauth.mfa.models import Authenticator
from allauth.usersessions.adapter import get_adapter as usersessions_adapter
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from common.date_filters import long_datetime_zone
from common.http import client_ip
from common.logs import security_event
from notifications.services import email_queue

from .audit import audit_record
from .middleware import MFA_ENROLLED, MFA_ENROLLED_AT, SIGNED_IN_AT
from .models import AuditEvent, User

USER_AGENT_SHOWN = 200


def _printable(text: str) -> str:
    return "".join(ch for ch in text if ch.isprintable())[:USER_AGENT_SHOWN]


def on_user_logged_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """Start the staff session clock, record the sign-in, and tell staff it happened."""
    request.session[SIGNED_IN_AT] = time.time()
    if user.is_staff:  # no "keep me signed in" for staff (the middleware keeps it so)
        request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
    with transaction.atomic():
        audit_record(action=AuditEvent.Action.SIGN_IN, actor=user, request=request)
        if user.is_staff:
            email_queue(
                to=[user.email],
                template="accounts/staff_sign_in",
                context={
                    "when": long_datetime_zone(timezone.now()),
                    "ip": client_ip(request),
                    "browser": _printable(request.META.get("HTTP_USER_AGENT", "")),
                    "sessions_url": settings.SITE_URL + "/accounts/sessions/",
                },
            )


def on_user_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """A wrong password (or an unknown address): recorded with the address that was typed."""
    typed = str(credentials.get("email") or credentials.get("username") or "")
    user = User.objects.filter(email__iexact=typed.replace("\x00", "")).first()
    audit_record(
        action=AuditEvent.Action.SIGN_IN_FAILED, actor=user, actor_email=typed, request=request
    )
    # The log gets no address (personal data): the audit record has it, for superusers.
    security_event("auth.sign_in_failed", request, user_id=user.pk if user else None)


def on_mfa_failed(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit_record(action=AuditEvent.Action.MFA_FAILED, actor=user, request=request)
    security_event("auth.mfa_failed", request, user_id=user.pk)


def on_authenticator_saved(
    sender: Any, instance: Authenticator, created: bool, **kwargs: Any
) -> None:
    """A factor added: recorded inside allauth's own transaction (post_save, not on_commit)."""
    if created:
        audit_record(
            action=AuditEvent.Action.MFA_ADDED,
            actor=instance.user,
            detail=instance.get_type_display(),
            request=allauth_context.request,
        )


def on_authenticator_deleted(sender: Any, instance: Authenticator, **kwargs: Any) -> None:
    audit_record(
        action=AuditEvent.Action.MFA_REMOVED,
        actor=instance.user,
        detail=instance.get_type_display(),
        request=allauth_context.request,
    )


def on_authenticator_added(
    sender: Any, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    """Setting up a factor proves it is in hand: the session counts as MFA-verified."""
    if authenticator.type != Authenticator.Type.RECOVERY_CODES:
        request.session[MFA_ENROLLED] = authenticator.type
        request.session[MFA_ENROLLED_AT] = time.time()
    _end_other_sessions(request, user)


def on_credentials_changed(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """A new password or a factor removed: every other session of the person ends."""
    if request is not None and request.user.is_authenticated:
        _end_other_sessions(request, user)


def _end_other_sessions(request: HttpRequest, user: User) -> None:
    """Every session of the person but this request's, ended through allauth's own adapter."""
    others = UserSession.objects.filter(user_id=user.pk).exclude(
        session_key=request.session.session_key
    )
    usersessions_adapter().end_sessions(list(others))
