"""A new staff member types their password once: choosing it from the welcome e-mail signs them
in, and setting up the authenticator app right after does not ask for it again."""

import re

import pytest
import time_machine
from allauth.account import app_settings as account_settings
from allauth.mfa.models import Authenticator

from accounts.services import user_make_staff

from ..factories import DEFAULT_PASSWORD
from ..signin import post_code, sign_in
from .test_staff_mfa import password_only, reauthenticate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

PASSPHRASE = "a long staff passphrase for ada"


def title_and_heading(page) -> tuple[str, str]:
    html = page.content.decode()
    title = re.search(r"<title>\s*(.*?)\s*·", html, re.S)[1]
    heading = re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)[1]).strip()
    return title, heading


def password_form(client, mailoutbox, django_capture_on_commit_callbacks, email: str):
    """make_staff's welcome e-mail, its link followed: the page that takes the password."""
    with django_capture_on_commit_callbacks(execute=True):
        user_make_staff(email=email)
    [welcome] = [m for m in mailoutbox if m.subject == "You are now PSF Helpdesk staff"]
    url = re.search(r"http://\S+(/accounts/password/reset/key/\S+)", welcome.body)[1]
    return client.get(url, follow=True)


def test_the_first_password_page_says_choose_and_saving_it_signs_in_then_opens_mfa_set_up(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    page = password_form(client, mailoutbox, django_capture_on_commit_callbacks, "ada@python.org")
    assert title_and_heading(page) == ("Choose your password", "Choose your password")
    assert "Change your password" not in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(
            page.redirect_chain[-1][0], {"password1": PASSPHRASE, "password2": PASSPHRASE}
        )

    # Signed in at once, and on to the admin, which sends them to set up the app: no password
    # asked again on the way (not at sign-in, not before the set-up).
    assert saved.status_code == 302
    assert "_auth_user_id" in client.session
    to_admin = client.get(saved["Location"])
    assert to_admin["Location"].startswith("/accounts/2fa/totp/activate/?next=")
    set_up = client.get(to_admin["Location"])
    assert set_up.status_code == 200, set_up.get("Location")
    done = post_code(client, "/accounts/2fa/totp/activate/", client.session["mfa.totp.secret"])
    assert done["Location"] == "/accounts/2fa/recovery-codes/"
    assert Authenticator.objects.filter(user__email="ada@python.org", type="totp").exists()


def test_staff_who_signed_in_with_their_password_set_up_the_app_without_typing_it_again(
    client, staff
):
    password_only(client, staff)
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200


def test_after_a_while_the_set_up_asks_for_the_password_again(client, staff):
    later = account_settings.REAUTHENTICATION_TIMEOUT + 1
    with time_machine.travel(0, tick=False) as clock:
        clock.move_to("2026-03-02 10:00:00+00:00")
        password_only(client, staff)
        clock.shift(later)
        # The staff session ends after an hour idle; this is well within it.
        response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_a_further_factor_still_takes_the_password_again_just_after_sign_in(client, staff):
    sign_in(client, staff)  # with the authenticator app
    for url in ("/accounts/2fa/webauthn/add/", "/accounts/2fa/totp/deactivate/"):
        response = client.get(url)
        assert response["Location"].startswith("/accounts/reauthenticate/"), url
    reauthenticate(client)
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()


def test_a_person_with_a_password_who_follows_a_reset_link_is_changing_it(
    client, user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": user.email})
    url = re.search(r"http://\S+(/accounts/password/reset/key/\S+)", mailoutbox[-1].body)[1]
    page = client.get(url, follow=True)
    assert title_and_heading(page) == ("Change your password", "Change your password")
    assert user.check_password(DEFAULT_PASSWORD)


def test_people_who_are_not_staff_confirm_their_password_before_adding_an_app(client, user):
    # Nothing sends them to the set-up as part of signing in: allauth's rule stands.
    password_only(client, user)
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
