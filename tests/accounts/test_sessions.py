"""Staff sessions end when idle and after a working day; changing a credential ends the others."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from ..factories import DEFAULT_PASSWORD
from ..signin import give_totp, post_totp_code, sign_in

pytestmark = pytest.mark.django_db

NEW = "a new long passphrase"


def test_signing_in_gives_a_new_session_key(client, user):
    client.get("/accounts/login/")
    client.session.save()  # an anonymous session, as a visitor who filled a form would have
    before = client.session.session_key

    sign_in(client, user, mfa=False)

    assert client.session.session_key != before


def test_a_staff_session_ends_after_an_hour_without_use(client, any_staff):
    sign_in(client, any_staff)
    assert client.session.get_expiry_age() == 3600
    with time_machine.travel(timezone.now() + timedelta(minutes=50)):
        assert client.get("/admin/").status_code == 200  # in use: the hour starts again
    with time_machine.travel(timezone.now() + timedelta(minutes=105)):
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=170)):
        assert client.get("/admin/").status_code == 302
    assert client.get("/me/")["Location"].startswith("/accounts/login/")


def test_a_staff_session_ends_twelve_hours_after_sign_in_however_busy(client, any_staff):
    sign_in(client, any_staff)
    start = timezone.now()
    for minutes in range(50, 12 * 60, 50):  # never idle for an hour
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert client.get("/admin/").status_code == 200, minutes
    with time_machine.travel(start + timedelta(hours=12, minutes=5)):
        response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert "Your staff session has ended" in response.content.decode()


def test_people_who_are_not_staff_may_stay_signed_in(client, user):
    client.post(
        "/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD, "remember": "on"}
    )
    assert not client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() > 7 * 24 * 3600

    other = Client()
    other.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert other.session.get_expire_at_browser_close()  # not ticked: until the browser closes


def test_staff_cannot_stay_signed_in_for_longer_than_an_hour_idle(client, staff):
    authenticator = give_totp(staff)
    client.post(
        "/accounts/login/", {"login": staff.email, "password": DEFAULT_PASSWORD, "remember": "on"}
    )
    post_totp_code(client, authenticator)
    client.get("/admin/")
    assert client.session.get_expiry_age() == 3600


@pytest.mark.django_db(transaction=True)
def test_changing_the_password_signs_out_every_other_session(user):
    here, elsewhere = Client(), Client()
    sign_in(here, user, mfa=False)
    sign_in(elsewhere, user, mfa=False)
    assert elsewhere.get("/me/").status_code == 200

    response = here.post(
        "/accounts/password/change/",
        {
            "oldpassword": DEFAULT_PASSWORD,
            "password1": "a new long pass",
            "password2": "a new long pass",
        },
    )

    assert response.status_code == 302
    assert here.get("/me/").status_code == 200  # this session goes on
    assert elsewhere.get("/me/").status_code == 302  # the other one is over


@pytest.mark.django_db(transaction=True)
def test_adding_a_second_factor_signs_out_every_other_session(user):
    here, elsewhere = Client(), Client()
    sign_in(here, user, mfa=False)
    sign_in(elsewhere, user, mfa=False)
    here.post("/accounts/reauthenticate/", {"password": DEFAULT_PASSWORD})
    from .test_staff_mfa import set_up_totp

    set_up_totp(here)

    assert here.get("/me/").status_code == 200
    assert elsewhere.get("/me/").status_code == 302


def test_signing_out_ends_the_session(staff_client):
    staff_client.post("/accounts/logout/")
    assert staff_client.get("/admin/").status_code == 302


def test_a_deactivated_staff_member_is_signed_out_at_once(staff_client, staff):
    staff.is_active = False
    staff.save()
    assert staff_client.get("/admin/").status_code == 302
    assert staff_client.get("/me/")["Location"].startswith("/accounts/login/")
