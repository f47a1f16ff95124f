"""The public forms are not a mail relay from python.org (T30).

Mail to an address nobody has proved is theirs (receipts, confirmations) carries our words only,
and one address gets at most PUBLIC_MAIL_DAILY_CAP such mails a day, whatever the source IP.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from notifications.models import OutboundEmail

from .factories import RoleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

PHISH = "URGENT: your PSF account is suspended, verify at https://evil.example/login"
VICTIM = "victim@example.org"


def post(client, url, data, ip):
    return client.post(url, data, REMOTE_ADDR=ip)


@pytest.fixture
def forms(help_kinds, areas):
    RoleFactory(slug="postmaster", area=areas["infrastructure"])
    return {
        "help request": (
            "/help/new/",
            {
                "type": "help",
                "name": PHISH[:100],
                "email": VICTIM,
                "area": "community",
                "kinds": ["advice"],
                "title": PHISH,
                "description": PHISH * 50,
            },
        ),
        "interest": (
            "/roles/postmaster/",
            {"name": PHISH[:100], "email": VICTIM, "availability": PHISH, "message": PHISH},
        ),
        "pool": ("/pool/join/", {"name": PHISH[:100], "email": VICTIM, "consent": "on"}),
    }


@pytest.mark.parametrize("form", ["help request", "interest", "pool"])
def test_mail_to_the_address_typed_carries_none_of_the_text_typed(
    client, forms, mailoutbox, django_capture_on_commit_callbacks, form
):
    url, data = forms[form]
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, url, data, "203.0.113.1")
    assert response.status_code == 302

    [message] = [m for m in mailoutbox if m.to == [VICTIM]]
    html = message.alternatives[0].content
    for part in (message.subject, message.body, html):
        assert "evil.example" not in part
        assert "URGENT" not in part
    # Nor is it kept in the outbox, where a later template change could use it.
    row = OutboundEmail.objects.get(to=VICTIM)
    assert "evil.example" not in str(row.context)


def test_one_address_gets_at_most_three_unsolicited_mails_a_day_whatever_the_ip(
    client, forms, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.RATELIMIT_FORM_RATE = "100/m"
    url, data = forms["help request"]
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            assert post(client, url, data, f"198.51.100.{n}").status_code == 302

    assert len([m for m in mailoutbox if m.to == [VICTIM]]) == 3
    assert len([m for m in mailoutbox if m.to == ["psf@python.org"]]) == 6  # staff see them all

    with (
        time_machine.travel(timezone.now() + timedelta(days=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        post(client, url, data, "198.51.100.9")
    assert len([m for m in mailoutbox if m.to == [VICTIM]]) == 4  # a new day


def test_the_cap_counts_every_public_form_together(
    client, forms, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for form in ("help request", "interest", "pool"):
            url, data = forms[form]
            post(client, url, data, "203.0.113.7")
        post(client, "/accounts/password/reset/", {"email": VICTIM}, "203.0.113.8")
    assert len([m for m in mailoutbox if m.to == [VICTIM]]) == 3
