"""tests/signin.py's `force_sign_in` leaves the session allauth's pages leave (`sign_in`), so
the tests that use it meet the staff MFA gate as people do: it is read, never switched off."""

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from accounts.models import AuditEvent
from notifications.models import OutboundEmail

from .factories import StaffFactory
from .signin import force_sign_in, sign_in

pytestmark = pytest.mark.django_db


def session_of(client: Client) -> dict:
    return SessionStore(session_key=client.session.session_key).load()


def test_the_quick_sign_in_leaves_what_the_pages_leave(client):
    by_pages, quick = StaffFactory(), StaffFactory()
    sign_in(client, by_pages)
    pages_session = session_of(client)
    other = Client()
    force_sign_in(other, quick)
    quick_session = session_of(other)

    assert set(quick_session) == set(pages_session)
    assert (
        [r["method"] for r in quick_session["account_authentication_methods"]]
        == [r["method"] for r in pages_session["account_authentication_methods"]]
        == ["password", "mfa"]
    )
    assert quick_session["_session_expiry"] == pages_session["_session_expiry"]
    for person in (by_pages, quick):
        assert UserSession.objects.filter(user=person, ip="127.0.0.1").count() == 1
        assert AuditEvent.objects.filter(actor=person, action="sign_in").count() == 1
    assert not OutboundEmail.objects.filter(template="accounts/staff_sign_in").exists()
    assert client.get("/admin/").status_code == other.get("/admin/").status_code == 200


def test_without_the_second_factor_the_quick_sign_in_meets_the_gate(client):
    person = StaffFactory(is_superuser=False)
    force_sign_in(client, person, mfa=False)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")
