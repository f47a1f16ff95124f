"""Staff sessions: a second factor before anything else, an idle and an absolute time-out.

allauth has no "MFA required for staff" switch, so this is ours. It runs after allauth's
AccountMiddleware and applies to every URL but /accounts/ (where sign-in, MFA set-up and sign-out
live) and the static files.
"""

import time
from collections.abc import Callable
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .services import user_has_second_factor

# Set at sign-in (accounts.signals): when this session's owner signed in.
SIGNED_IN_AT = "signed_in_at"
# Where a staff member was heading when sent to set up MFA; the account pages offer to go on.
MFA_SETUP_NEXT = "mfa_setup_next"
# Set when a second factor is set up in this session (accounts.signals): proof it is in hand.
MFA_ENROLLED = "mfa_enrolled"
# ...and when (a Unix time): a factor set up moments ago stands for the password check.
MFA_ENROLLED_AT = "mfa_enrolled_at"


def _exempt(path: str) -> bool:
    return path.startswith(("/accounts/", settings.STATIC_URL)) or path in {
        "/healthz",
        "/favicon.ico",
    }


def _to(url_name: str, request: HttpRequest) -> HttpResponseRedirect:
    query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
    return HttpResponseRedirect(f"{reverse(url_name)}?{query}")


def session_used_second_factor(request: HttpRequest) -> bool:
    """Did the person use a second factor in this session (at sign-in, re-auth or set-up)?"""
    if request.session.get(MFA_ENROLLED):
        return True
    records = get_authentication_records(request, request.user)  # type: ignore[arg-type]
    return any(record.get("method") == "mfa" for record in records)


class StaffSessionMiddleware:
    """Staff sessions end after STAFF_SESSION_IDLE_SECONDS idle and STAFF_SESSION_MAX_SECONDS.

    Idle: every staff request pushes the session's expiry on, so the session store drops it once
    nobody has used it for the idle time. Absolute: the sign-in time is kept in the session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_staff:
            signed_in_at = request.session.get(SIGNED_IN_AT, 0)
            if time.time() - signed_in_at > settings.STAFF_SESSION_MAX_SECONDS:
                logout(request)
                messages.info(request, "Your staff session has ended. Please sign in again.")
                return _to("account_login", request)
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return self.get_response(request)


class StaffMFARequiredMiddleware:
    """Staff set up a second factor, and use it this session, before any page but /accounts/."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.STAFF_MFA_REQUIRED
            and user.is_authenticated
            and user.is_staff
            and not _exempt(request.path)
            and not session_used_second_factor(request)
        ):
            if not user_has_second_factor(user=user):  # type: ignore[arg-type]
                if MFA_SETUP_NEXT not in request.session:  # say it once, not at every page
                    messages.info(
                        request,
                        "Staff accounts need a second factor. Set up an authenticator app to "
                        "go on.",
                    )
                request.session[MFA_SETUP_NEXT] = request.get_full_path()
                return _to("mfa_activate_totp", request)
            return _to("mfa_reauthenticate", request)
        if user.is_authenticated and not _exempt(request.path):
            request.session.pop(MFA_SETUP_NEXT, None)  # they got where they were going
        return self.get_response(request)
