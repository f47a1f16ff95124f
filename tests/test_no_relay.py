"""The public forms are not a mail relay from python.org (T30).

Mail to an address nobody has proved is theirs (receipts, confirmations, and what staff's
replies, decisions and status changes send there) carries our words only,
and one address gets at most PUBLIC_MAIL_DAILY_CAP such mails a day, whatever the source IP.
"""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from funding.models import Decision, FundingRequest
from funding.services import funding_decision_record
from help_requests.models import HelpRequest
from help_requests.services import help_request_submit, help_request_triage
from notifications.models import OutboundEmail
from volunteers.models import RoleInterest
from volunteers.services import role_interest_register, role_interest_set_status

from .factories import RoleFactory, StaffFactory
from .funding.factories import make_funding_rules, submit_funding

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


# Staff act on what was sent: every e-mail to the address typed keeps to our words too.
NAME = "Evil Name visit http://evil.example"


@pytest.fixture
def triager(db):
    return StaffFactory(email="triager-plain@python.org", is_superuser=False)


@pytest.fixture
def typed(help_kinds, areas):
    """A request, a funding request and two hands raised, each with phishing in every field a
    person types, for the victim's address."""
    make_funding_rules()
    words = {"name": NAME, "email": VICTIM, "title": PHISH, "description": PHISH}
    role = RoleFactory(slug="postmaster", area=areas["infrastructure"])
    hands = [
        role_interest_register(
            role=role, name=NAME, email=f"hand{n}-{VICTIM}", message=PHISH, availability=PHISH
        )
        for n in range(2)
    ]
    return {
        "request": help_request_submit(
            type="help", area="community", kinds=[help_kinds["advice"]], **words
        ),
        "funding": submit_funding(**words),
        "interests": hands,
    }


def _reply(typed, by):
    help_request_triage(help_request=typed["request"], by=by, public_reply=STAFF_WORDS)
    return typed["request"]


def _question(typed, by):
    help_request_triage(
        help_request=typed["request"],
        by=by,
        status=HelpRequest.Status.WAITING,
        public_reply=STAFF_WORDS,
    )
    return typed["request"]


def _closed(typed, by):
    help_request_triage(help_request=typed["request"], by=by, status=HelpRequest.Status.RESOLVED)
    return typed["request"]


def _decision(typed, by):
    funding_decision_record(
        funding_request=FundingRequest.objects.get(help_request=typed["funding"]),
        by=by,
        outcome=Decision.Outcome.DECLINED,
        message=STAFF_WORDS,
    )
    return typed["funding"]


def _declined(typed, by):
    [hand, _] = typed["interests"]
    role_interest_set_status(interest=hand, status=RoleInterest.Status.DECLINED, by=by)
    return hand


def _onboarded(typed, by):
    [_, hand] = typed["interests"]
    role_interest_set_status(interest=hand, status=RoleInterest.Status.ONBOARDED, by=by)
    return hand


STAFF_WORDS = "Thank you: we have read it and will write again within a week."
STAFF_ACTIONS = {
    "help_requests/reply": _reply,
    "help_requests/question": _question,
    "help_requests/closed": _closed,
    "funding/decision": _decision,
    "volunteers/interest_declined": _declined,
    "volunteers/interest_onboarded": _onboarded,
}


@pytest.mark.parametrize("template", STAFF_ACTIONS)
def test_mail_staff_send_to_the_address_typed_carries_our_words_and_a_link_only(
    typed, triager, mailoutbox, django_capture_on_commit_callbacks, template
):
    with django_capture_on_commit_callbacks(execute=True):
        row_of = STAFF_ACTIONS[template](typed, triager)
    [row] = OutboundEmail.objects.filter(template=template)
    [message] = [m for m in mailoutbox if m.to == [row.to]]

    html = message.alternatives[0].content
    for part in (message.subject, message.body, html, str(row.context)):
        assert "evil.example" not in part
        assert "URGENT" not in part
        assert "Evil Name" not in part
    if isinstance(row_of, HelpRequest):  # our words, and the private status link
        assert row_of.reference in message.subject
        assert f"{settings.SITE_URL}{row_of.get_absolute_url()}" in message.body
        if template != "help_requests/closed":
            assert STAFF_WORDS in message.body  # a reply from staff is ours to send
    else:  # the role the person offered to help with, named and linked as we wrote it
        assert row_of.role.title in message.subject
        assert f"{settings.SITE_URL}/roles/" in message.body
