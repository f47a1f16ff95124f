"""`manage.py make_staff EMAIL` makes PSF staff, who then set a password and their MFA."""

import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts.services import STAFF_GROUP

from ..factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


def make_staff(email: str, *options: str) -> str:
    out = StringIO()
    call_command("make_staff", email, *options, stdout=out)
    return out.getvalue()


def test_a_new_person_is_created_as_staff_and_told_how_to_start(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        said = make_staff("new.staff@python.org")

    assert "Created new.staff@python.org as PSF staff." in said
    assert "must set up an authenticator app (MFA)" in said
    user = get_user_model().objects.get(email="new.staff@python.org")
    assert user.is_staff and not user.is_superuser and not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [STAFF_GROUP]
    assert EmailAddress.objects.get(user=user).verified

    [welcome] = mailoutbox
    assert welcome.subject == "You are now PSF Helpdesk staff"
    url = re.search(r"http://\S+/accounts/password/reset/key/\S+", welcome.body)[0]
    page = client.get(url.split("8000", 1)[1], follow=True)
    password = "a long staff passphrase"
    client.post(page.redirect_chain[-1][0], {"password1": password, "password2": password})

    client.post("/accounts/login/", {"login": user.email, "password": password})
    first = client.get("/admin/")
    assert first["Location"].startswith("/accounts/2fa/totp/activate/")


def test_an_existing_person_is_promoted_and_keeps_their_password(mailoutbox):
    person = UserFactory(email="volunteer@example.org")
    said = make_staff("Volunteer@Example.org")
    person.refresh_from_db()
    assert "volunteer@example.org is now PSF staff." in said
    assert person.is_staff and person.has_usable_password()
    assert person.groups.filter(name=STAFF_GROUP).exists()
    assert mailoutbox == []


def test_a_mistyped_address_is_refused():
    with pytest.raises(CommandError, match="is not an e-mail address"):
        make_staff("not-an-address")
    assert not get_user_model().objects.exists()


def test_the_first_superuser_of_a_fresh_install(mailoutbox):
    said = make_staff("chair@python.org", "--superuser")
    assert "Created chair@python.org as a superuser." in said
    user = get_user_model().objects.get(email="chair@python.org")
    assert user.is_staff and user.is_superuser


def test_with_console_mail_it_says_the_email_is_printed_and_links_to_the_port_served(
    settings, capsys, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    settings.SITE_URL = "http://127.0.0.1:8123"
    with django_capture_on_commit_callbacks(execute=True):
        said = make_staff("new.staff@python.org")

    printed = capsys.readouterr().out
    assert "http://127.0.0.1:8123/accounts/password/reset/key/" in printed  # the e-mail itself
    assert "127.0.0.1:8000" not in printed + said
    assert (
        "We e-mailed them a link to choose a password (the console mailer printed it above; "
        "its link is on http://127.0.0.1:8123)." in said
    )
    assert "make run" not in said
