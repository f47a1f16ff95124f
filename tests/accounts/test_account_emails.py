"""Account e-mails are ours, go through the outbox (an outage loses none), say "PSF Helpdesk"."""

import re
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone
from kombu.exceptions import OperationalError

from notifications.models import OutboundEmail
from notifications.tasks import send_outbound_email, sweep_pending_emails

from ..factories import DEFAULT_PASSWORD
from ..signin import give_totp, post_totp_code, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

NEW_PASSWORD = "a long and new passphrase"


def signup(client, email="newcomer@example.org"):
    return client.post(
        "/accounts/signup/",
        {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def only_mail_to(mailoutbox, address):
    [message] = [m for m in mailoutbox if m.to == [address]]
    return message


def link(message, path):
    [found] = re.findall(rf"https?://[^\s\"<>]+{re.escape(path)}[^\s\"<>]*", message.body)
    return found.split("testserver", 1)[1]


def assert_ours(message):
    """Our words and our name, in text and HTML, never allauth's or a host name."""
    html = message.alternatives[0].content
    for part in (message.subject, message.body, html):
        assert "testserver" not in part.split("http://testserver")[0]
        assert "[" not in message.subject
    assert "PSF Helpdesk" in message.body
    assert message.from_email == "PSF Helpdesk <noreply@python.org>"


def test_signing_up_sends_our_confirmation_through_the_outbox_and_confirming_signs_you_in(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client)
    assert response["Location"] == "/accounts/confirm-email/"
    row = OutboundEmail.objects.get(to="newcomer@example.org")
    assert (row.template, row.status, row.secret) == ("accounts/confirm_email", "sent", True)
    assert row.context == {}  # the link is not kept once sent
    message = only_mail_to(mailoutbox, "newcomer@example.org")
    assert message.subject == "Confirm your e-mail address for PSF Helpdesk"
    assert_ours(message)

    confirm = link(message, "/accounts/confirm-email/")
    assert client.get(confirm).status_code == 200  # a page with a button: scanners only GET
    assert "_auth_user_id" not in client.session
    response = client.post(confirm)

    user = get_user_model().objects.get(email="newcomer@example.org")
    assert client.session["_auth_user_id"] == str(user.pk)  # signed in by confirming
    assert response["Location"] == "/me/"


def test_an_account_email_sent_while_the_broker_is_down_goes_out_once_it_is_back(
    client, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    broker_down = OperationalError("Error 111 connecting to 127.0.0.1:6379.")
    with (
        mock.patch.object(send_outbound_email, "apply_async", side_effect=broker_down),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post("/accounts/password/reset/", {"email": "ada@example.org"})

    assert response.status_code == 302  # the person sees nothing of the outage
    assert OutboundEmail.objects.get().status == "pending"
    assert mailoutbox == []
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert sweep_pending_emails() == 1
        assert sweep_pending_emails() == 0
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "About your PSF Helpdesk password reset"


def test_password_reset_says_the_same_for_known_and_unknown_addresses(
    client, user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/accounts/password/reset/", {"email": user.email})
        unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    reset = only_mail_to(mailoutbox, user.email)
    assert reset.subject == "Choose a new password for PSF Helpdesk"
    assert_ours(reset)
    nobody = only_mail_to(mailoutbox, "nobody@example.org")
    assert nobody.subject == "About your PSF Helpdesk password reset"
    assert "/accounts/password/reset/key/" not in nobody.body

    page = client.get(link(reset, "/accounts/password/reset/key/"), follow=True)
    form_url = page.redirect_chain[-1][0]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert client.login(email=user.email, password=NEW_PASSWORD)
    notice = [m for m in mailoutbox if m.subject == "A change to your PSF Helpdesk account"]
    assert "The password of your account was reset." in notice[0].body


def test_a_sign_in_code_is_our_email(client, user, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/login/code/", {"email": user.email})
    assert response.status_code == 302
    message = only_mail_to(mailoutbox, user.email)
    assert message.subject == "Your PSF Helpdesk sign-in code"
    assert_ours(message)
    code = re.search(r"^\s+(\S+)$", message.body, re.MULTILINE)[1]
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/login/code/confirm/", {"code": code})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_staff_signing_in_with_a_code_still_need_their_second_factor(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    authenticator = give_totp(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/login/code/", {"email": staff.email})
    code = re.search(r"^\s+(\S+)$", only_mail_to(mailoutbox, staff.email).body, re.MULTILINE)[1]
    response = client.post("/accounts/login/code/confirm/", {"code": code})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    post_totp_code(client, authenticator)
    assert client.get("/admin/").status_code == 200


def test_staff_hear_of_every_new_sign_in_to_their_account(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    authenticator = give_totp(staff)
    client.post("/accounts/login/", {"login": staff.email, "password": DEFAULT_PASSWORD})
    with django_capture_on_commit_callbacks(execute=True):
        post_totp_code(client, authenticator, HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64)\x07")

    message = only_mail_to(mailoutbox, staff.email)
    assert message.subject == "New sign-in to your PSF Helpdesk staff account"
    assert "From the address: 127.0.0.1" in message.body
    assert "Browser: Mozilla/5.0 (X11; Linux x86_64)\n" in message.body  # no control characters
    assert "/accounts/sessions/" in message.body
    assert_ours(message)


def test_people_who_are_not_staff_get_no_sign_in_notice(client, user, mailoutbox):
    sign_in(client, user, mfa=False)
    assert not OutboundEmail.objects.filter(to=user.email).exists()


def test_changing_the_password_sends_a_notice_of_ours(
    client, user, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, user, mfa=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/password/change/",
            {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    message = only_mail_to(mailoutbox, user.email)
    assert message.subject == "A change to your PSF Helpdesk account"
    assert "The password of your account was changed." in message.body
    assert OutboundEmail.objects.get(to=user.email).secret is False


def test_signing_up_with_an_address_that_has_an_account_looks_the_same(
    client, user, mailoutbox, django_capture_on_commit_callbacks
):
    """No enumeration (T23): the same answer, and the owner of the address hears about it."""
    with django_capture_on_commit_callbacks(execute=True):
        new = signup(client, "someone-new@example.org")
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        taken = signup(client, user.email)

    assert (new.status_code, new["Location"]) == (taken.status_code, taken["Location"])
    told = only_mail_to(mailoutbox, user.email)
    assert told.subject == "You already have a PSF Helpdesk account"
    assert_ours(told)
