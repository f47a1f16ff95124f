"""The download speaks the person's language and is complete: e-mails described in words (never
a template's name), the status history from "Submitted" on as the admin's history has it, and
states, areas and second factors in words, never the codes the database keeps."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from help_requests.models import HelpRequest, HelpRequestEvent
from help_requests.services import help_request_submit, help_request_triage
from notifications.models import OutboundEmail
from notifications.privacy import DESCRIPTIONS
from volunteers.models import POOL_CONSENT_TEXT, PoolMember, RoleInterest
from volunteers.services import pool_join, pool_member_confirm, role_interest_set_status

from ..factories import RoleInterestFactory
from ..signin import give_totp
from .test_export import download

pytestmark = pytest.mark.django_db

EMAIL_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "emails"


def _strings(value):
    """Every string in the export, keys aside."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


@pytest.fixture
def asked(user, help_kinds, staff) -> HelpRequest:
    """Ada's request as the public form saves it, then waiting on her answer."""
    help_request = help_request_submit(
        title="Servers for our sprint",
        description="Two VMs for a weekend.",
        name=user.name,
        email=user.email,
        kinds=[help_kinds["infrastructure"]],
        user=user,
    )
    help_request_triage(
        help_request=help_request,
        by=staff,
        status=HelpRequest.Status.WAITING,
        public_reply="Which weekend?",
    )
    return help_request


def test_emails_are_described_in_words_never_by_template_name(client, user, asked):
    client.force_login(user)

    emails = download(client)["emails_to_you"]

    assert [e["what"] for e in emails] == [
        f"Receipt for your help request {asked.reference}",
        f"A question from the PSF about your help request {asked.reference}",
    ]
    assert {e["status"] for e in emails} == {"Not sent yet"}
    templates = set(OutboundEmail.objects.values_list("template", flat=True))
    assert "help_requests/receipt" in templates
    assert not templates & set(_strings(emails))


def test_a_sent_suggestion_receipt_says_suggestion_and_sent(client, user, help_kinds):
    suggestion = help_request_submit(
        type=HelpRequest.Type.SUGGESTION,
        title="A Python meetup map",
        description="On the website.",
        email=user.email,
    )
    OutboundEmail.objects.filter(to=user.email).update(
        status=OutboundEmail.Status.SENT, sent_at=timezone.now()
    )
    client.force_login(user)

    [email] = download(client)["emails_to_you"]

    assert email["what"] == f"Receipt for your suggestion {suggestion.reference}"
    assert email["status"] == "Sent"


def test_every_email_the_portal_sends_has_a_description():
    """A new e-mail template without words for the export fails here, not in someone's file."""
    templates = {
        str(path.relative_to(EMAIL_TEMPLATES)).removesuffix(".subject.txt")
        for path in EMAIL_TEMPLATES.rglob("*.subject.txt")
    }

    assert templates == set(DESCRIPTIONS)


def test_the_status_history_starts_with_submitted_as_the_admin_history_does(client, user, asked):
    client.force_login(user)

    [request] = download(client)["help_requests"]

    history = request["status_history"]
    assert [step["status"] for step in history] == ["Submitted", "Waiting for your answer"]
    admin_history = HelpRequestEvent.objects.filter(
        request=asked,
        field__in=[HelpRequestEvent.Field.CREATED, HelpRequestEvent.Field.STATUS],
    )
    assert [str(e.get_field_display()) for e in admin_history][:1] == ["Submitted"]
    assert len(history) == admin_history.count()
    assert history[0]["at"] == request["submitted_at"]


def test_states_areas_and_factors_are_in_words_never_codes(client, user, staff, areas, asked):
    interest = RoleInterestFactory(email=user.email, name=user.name)
    role_interest_set_status(interest=interest, status=RoleInterest.Status.CONTACTED, by=staff)
    member = pool_join(
        email=user.email,
        name=user.name,
        consent_text=POOL_CONSENT_TEXT,
        interests=[areas["web"], areas["events"]],
        frequency=PoolMember.Frequency.AS_ROLES_OPEN,
    )
    pool_member_confirm(signup=member.signups.get())
    give_totp(user)
    client.force_login(user)

    data = download(client)

    assert [i["status"] for i in data["role_interests"]] == ["In touch with you"]
    [pool] = data["volunteer_pool"]
    assert [c["areas"] for c in pool["consent_record"]] == [
        ["Conferences and events", "Websites and content"]
    ]
    assert [f["type"] for f in data["account"]["second_factors"]] == ["Authenticator app"]
    codes = {
        *HelpRequest.Status.values,
        *HelpRequest.Area.values,
        *HelpRequest.Type.values,
        *RoleInterest.Status.values,
        *PoolMember.Frequency.values,
        *OutboundEmail.Status.values,
        *areas,
        "totp",
        "TOTP Authenticator",
        *OutboundEmail.objects.values_list("template", flat=True),
    }
    shown = set(_strings(data))
    assert not shown & codes, shown & codes
