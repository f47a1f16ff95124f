"""A hand raised or a pool sign-up sent while the broker is down is kept and mailed later, once."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.utils import timezone
from kombu.exceptions import OperationalError

from notifications.models import OutboundEmail
from notifications.tasks import send_outbound_email, sweep_pending_emails
from volunteers.models import PoolMember, RoleInterest

from ..factories import RoleFactory

pytestmark = pytest.mark.django_db

BROKER_DOWN = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.mark.parametrize(
    ("url", "form", "saved", "recipients"),
    [
        (
            "/roles/postmaster/",
            {"name": "Ada", "email": "ada@example.org", "availability": "Weekends"},
            RoleInterest,
            ["ada@example.org", "infra@python.org", "psf@python.org"],
        ),
        (
            "/pool/join/",
            {"name": "Ada", "email": "ada@example.org", "consent": "on"},
            PoolMember,
            ["ada@example.org"],
        ),
    ],
    ids=["interest", "pool"],
)
def test_a_form_sent_while_the_broker_is_down_is_kept_and_mailed_once_it_is_back(
    client,
    areas,
    eager_celery,
    mailoutbox,
    django_capture_on_commit_callbacks,
    url,
    form,
    saved,
    recipients,
):
    RoleFactory(slug="postmaster", contact_email="infra@python.org")
    with (
        mock.patch.object(send_outbound_email, "apply_async", side_effect=BROKER_DOWN),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url, form)

    assert response.status_code == 302
    assert saved.objects.filter(email="ada@example.org").exists()
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"pending"}
    assert mailoutbox == []

    # The broker is back; the beat sweeper runs a couple of minutes later, and again after that.
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert sweep_pending_emails() == len(recipients)
        assert sweep_pending_emails() == 0

    assert sorted(message.to[0] for message in mailoutbox) == recipients
