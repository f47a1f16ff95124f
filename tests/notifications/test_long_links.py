"""Links in e-mails survive the trip: mail clients can use List-Unsubscribe, people can click."""

import email.policy

import pytest

from notifications.models import OutboundEmail
from notifications.rendering import email_render
from volunteers.models import POOL_CONSENT_TEXT
from volunteers.services import pool_join

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmation(settings):
    settings.SITE_URL = "https://helpdesk.python.org"
    member = pool_join(
        email="tomas@example.org", name="Tomás Rivera", consent_text=POOL_CONSENT_TEXT
    )
    row = OutboundEmail.objects.get(template="volunteers/pool_confirm")
    return member, email_render(email=row)


@pytest.fixture
def welcome(settings):
    """Pool mail from the welcome on carries List-Unsubscribe (the confirmation does not)."""
    settings.SITE_URL = "https://helpdesk.python.org"
    member = pool_join(
        email="tomas@example.org",
        name="Tomás Rivera",
        consent_text=POOL_CONSENT_TEXT,
        address_verified=True,
    )
    row = OutboundEmail.objects.get(template="volunteers/pool_welcome")
    return member, email_render(email=row)


@pytest.mark.parametrize(
    "policy", [email.policy.SMTP, email.policy.default], ids=["smtp", "console"]
)
def test_list_unsubscribe_is_sent_as_a_plain_url_not_an_encoded_word(welcome, policy):
    member, message = welcome

    raw = message.message(policy=policy).as_bytes().decode()

    unsubscribe = (
        f"https://helpdesk.python.org/pool/unsubscribe/{member.unsubscribe_token}/one-click/"
    )
    assert f"List-Unsubscribe: <{unsubscribe}>" in raw
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw


def test_the_confirmation_link_stays_on_one_line_in_the_raw_e_mail(confirmation):
    member, message = confirmation

    raw = message.message(policy=email.policy.SMTP).as_bytes().decode()

    link = f"https://helpdesk.python.org/pool/confirm/{member.signups.get().token}/"
    assert link in raw.splitlines()  # not quoted-printable, not split
    assert "Python Software Foundation · PSF Helpdesk" in raw  # 8-bit text, readable as it is
