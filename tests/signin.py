"""Signing in the way people do: allauth's form, then a real TOTP code for staff.

`sign_in` goes through the pages; `force_sign_in` leaves the session those pages leave, without
the requests (for the many tests that need a signed-in person, not the sign-in itself).
"""

import time
from importlib import import_module

import time_machine
from allauth.account.internal.flows.login import record_authentication
from allauth.account.signals import user_logged_in
from allauth.core import context as allauth_context
from allauth.mfa.base.internal.flows import post_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.http import HttpResponseRedirect
from django.test import Client, RequestFactory

from notifications.models import OutboundEmail

from .factories import DEFAULT_PASSWORD


def give_totp(user) -> Authenticator:
    """Set up an authenticator app for `user` (as /accounts/2fa/totp/activate/ would)."""
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return existing or TOTP.activate(user, generate_totp_secret()).instance


def code_now(secret: str) -> str:
    """The code an authenticator app set up with `secret` shows at this instant."""
    counter = next(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counter))


def code_for_secret(secret: str) -> str:
    """The code an authenticator app set up with `secret` shows now (or in a moment: a code
    about to expire might reach the server too late, so then wait for the next one)."""
    if time.time() % 30 > 27:
        time.sleep(30 - time.time() % 30 + 0.1)
    return code_now(secret)


def totp_code(authenticator: Authenticator) -> str:
    """The code the person's authenticator app shows now (for a browser, which types it in
    another process; in-process tests use post_code)."""
    return code_for_secret(authenticator.data["secret"])


def post_code(client: Client, url: str, secret: str, **extra):
    """Type the code an authenticator app set up with `secret` shows into the form at `url`.
    The code is read and typed at one instant (the clock held still for this one request), so
    it cannot expire on the way: no wait near the end of a 30-second period (code_for_secret's
    wait cost up to 3 s in one sign-in of ten)."""
    with time_machine.travel(time.time(), tick=False):
        return client.post(url, {"code": code_now(secret)}, **extra)


def post_totp_code(client: Client, authenticator: Authenticator, **extra):
    """The second step of signing in: the code of the person's authenticator app."""
    return post_code(client, "/accounts/2fa/authenticate/", authenticator.data["secret"], **extra)


def sign_in(client: Client, user, *, password: str = DEFAULT_PASSWORD, mfa: bool = True):
    """Sign in through /accounts/login/; with `mfa`, set up TOTP if needed and type its code.

    The "new sign-in to your staff account" e-mail this sends is taken out of mail.outbox and
    the outbox table again, so tests count only the mail their own steps send.
    """
    client.logout()
    before = len(mail.outbox)
    authenticator = give_totp(user) if mfa else None
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    if authenticator:
        assert response.status_code == 302, response.content
        assert response["Location"] == "/accounts/2fa/authenticate/", response["Location"]
        response = post_totp_code(client, authenticator)
    assert response.status_code == 302, response.content
    _forget_sign_in_notice(user, before)
    return response


# The backend allauth's sign-in puts in the session (settings.AUTHENTICATION_BACKENDS).
ALLAUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def force_sign_in(client: Client, user, *, mfa: bool = True) -> None:
    """Leave `client` signed in as `user` the way `sign_in` does, for under half the CPU time.

    The steps allauth's two pages take, in their order, on a request from the test client's
    address: the password recorded as this session's first authentication, then (with `mfa`)
    the TOTP authenticator used (allauth's own post-authentication step: recorded in the
    session, its use noted), then Django's login, whose signal runs ours (the staff session
    clock, the audit row, the sign-in notice), then allauth's signed-in signal (its user-session
    row). Only allauth's "Successfully signed in" message is not left behind. The staff
    MFA middleware then reads this session as it reads one from the pages: nothing is switched
    off. Tests ABOUT signing in, MFA and staff sessions use `sign_in` (tests/accounts/).
    """
    assert ALLAUTH_BACKEND in settings.AUTHENTICATION_BACKENDS
    if settings.SESSION_COOKIE_NAME in client.cookies:  # a fresh client has nothing to end
        client.logout()
    before = len(mail.outbox)
    authenticator = give_totp(user) if mfa else None
    request = RequestFactory().post("/accounts/2fa/authenticate/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    request.user = AnonymousUser()
    with allauth_context.request_context(request):
        record_authentication(request, user, method="password", email=user.email)
        if authenticator:
            post_authentication(request, authenticator)
        login(request, user, backend=ALLAUTH_BACKEND)
        user_logged_in.send(
            sender=user.__class__, request=request, response=HttpResponseRedirect("/"), user=user
        )
    request.session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME].update(
        {"path": "/", "domain": settings.SESSION_COOKIE_DOMAIN}
    )
    _forget_sign_in_notice(user, before)


def _forget_sign_in_notice(user, before: int) -> None:
    """The "new sign-in to your staff account" e-mail is taken out of mail.outbox and the
    outbox table again, so tests count only the mail their own steps send."""
    del mail.outbox[before:]
    OutboundEmail.objects.filter(template="accounts/staff_sign_in", to=user.email).delete()
