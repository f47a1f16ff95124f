"""Signing in the way people do: allauth's form, then a real TOTP code for staff."""

import time

import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail
from django.test import Client

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
    """The code the person's authenticator app shows now."""
    return code_for_secret(authenticator.data["secret"])


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
        # The code is read and typed at one instant (the clock held still for this one request),
        # so it cannot expire on the way: no wait near the end of a 30-second period, which
        # cost up to 3 s in one sign-in of ten.
        with time_machine.travel(time.time(), tick=False):
            code = code_now(authenticator.data["secret"])
            response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302, response.content
    del mail.outbox[before:]
    OutboundEmail.objects.filter(template="accounts/staff_sign_in", to=user.email).delete()
    return response
