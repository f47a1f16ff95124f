"""A signed-in person downloads everything held about their verified addresses, and nothing
else: not another person's data, never an internal note; in a fixed number of queries."""

import io
import json
import zipfile

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEvent
from funding.models import FundingRequest
from help_requests.models import HelpRequest
from help_requests.services import help_request_submitter_reply, help_request_triage
from volunteers.models import POOL_CONSENT_TEXT, POOL_PREFERENCES_CONSENT_TEXT, PoolMember
from volunteers.services import (
    pool_join,
    pool_member_confirm,
    pool_member_set_preferences,
    pool_member_unsubscribe,
)

from ..factories import HelpRequestFactory, PoolMemberFactory, RoleInterestFactory, UserFactory
from ..funding.factories import line, submit_funding

pytestmark = pytest.mark.django_db

EXPORT = "/privacy/export.zip"
JSON_NAME = "psf-helpdesk-my-data.json"
INTERNAL = "Internal: she asked for the same last year, check the receipts."


def download_zip(client, url: str = EXPORT) -> zipfile.ZipFile:
    """The download, opened as the ZIP it says it is."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="psf-helpdesk-my-data-')
    assert response["Content-Disposition"].endswith('.zip"')
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    return archive


def download(client, url: str = EXPORT) -> dict:
    """The JSON in the download."""
    return json.loads(download_zip(client, url).read(JSON_NAME))


@pytest.fixture
def mine(user, staff, areas):
    """Ada's request (with a public reply, her answer and an internal note), one sent from her
    second verified address before she had an account, an interest, and her pool membership."""
    EmailAddress.objects.create(user=user, email="ada.work@example.org", verified=True)
    asked = HelpRequestFactory(user=user, email=user.email, title="Servers for our sprint")
    help_request_triage(
        help_request=asked,
        by=staff,
        status=HelpRequest.Status.WAITING,
        public_reply="Which weekend?",
        internal_note=INTERNAL,
    )
    help_request_submitter_reply(help_request=asked, body="The first one in March.")
    before = HelpRequestFactory(email="ADA.WORK@example.org", title="Sent from work, long ago")
    interest = RoleInterestFactory(email=user.email, name=user.name, availability="Sundays")
    member = pool_join(
        email=user.email, name=user.name, consent_text=POOL_CONSENT_TEXT, interests=[]
    )
    pool_member_confirm(signup=member.signups.get())
    return {"asked": asked, "before": before, "interest": interest}


@pytest.fixture
def theirs(db):
    """Another person's data, and an unverified address Ada added but never proved."""
    other = UserFactory(email="grace@example.org")
    HelpRequestFactory(user=other, email=other.email, title="Grace's own request")
    HelpRequestFactory(email="maybe-ada@example.org", title="Not proved to be hers")
    RoleInterestFactory(email="grace@example.org", availability="Grace's Mondays")
    PoolMemberFactory(email="grace@example.org")


def test_the_download_holds_exactly_her_data(client, user, mine, theirs):
    EmailAddress.objects.create(user=user, email="maybe-ada@example.org", verified=False)
    client.force_login(user)

    data = download(client)

    assert set(data["addresses"]) == {user.email, "ada.work@example.org"}
    assert data["account"]["email"] == user.email
    assert {a["email"] for a in data["account"]["addresses"]} == {
        user.email,
        "ada.work@example.org",
        "maybe-ada@example.org",
    }
    assert [r["reference"] for r in data["help_requests"]] == [
        mine["asked"].reference,
        mine["before"].reference,
    ]
    asked = data["help_requests"][0]
    assert asked["title"] == "Servers for our sprint"
    assert [(r["from"], r["text"]) for r in asked["replies"]] == [
        ("PSF staff", "Which weekend?"),
        ("you", "The first one in March."),
    ]
    assert [s["status"] for s in asked["status_history"]][:2] == [
        "Submitted",
        "Waiting for your answer",
    ]
    assert [i["availability"] for i in data["role_interests"]] == ["Sundays"]
    [pool] = data["volunteer_pool"]
    assert pool["email"] == user.email
    assert pool["consent"]["text"] == POOL_CONSENT_TEXT
    assert [c["text"] for c in pool["consent_record"]] == [POOL_CONSENT_TEXT]
    assert data["emails_to_you"]  # the receipt-like mails queued to her addresses
    text = json.dumps(data)
    for other in ("grace@example.org", "Grace's", "Not proved to be hers", INTERNAL):
        assert other not in text, other


def test_the_download_is_recorded_in_the_audit_record(client, user, mine):
    client.force_login(user)
    download(client)

    event = AuditEvent.objects.get(action=AuditEvent.Action.DATA_EXPORTED)
    assert event.actor == user
    assert event.detail == "Downloaded from their account page"


def test_the_consent_wording_is_kept_with_the_membership_until_erasure(client, user, areas):
    member = pool_join(email=user.email, name=user.name, consent_text=POOL_CONSENT_TEXT)
    member = pool_member_confirm(signup=member.signups.get())
    pool_member_set_preferences(
        member=member,
        frequency=PoolMember.Frequency.ANNOUNCEMENTS,
        interests=[areas["web"]],
        consent_text=POOL_PREFERENCES_CONSENT_TEXT,
    )
    pool_member_unsubscribe(member=member)  # leaving keeps the record (until retention)
    client.force_login(user)

    [pool] = download(client)["volunteer_pool"]

    assert pool["left_at"] is not None
    assert [(c["text"], c["what_to_hear_about"]) for c in pool["consent_record"]] == [
        (POOL_CONSENT_TEXT, "A weekly summary of new roles in my areas"),
        (POOL_PREFERENCES_CONSENT_TEXT, "Only the PSF's announcements"),
    ]
    assert all(c["at"] for c in pool["consent_record"])


def test_anonymous_visitors_are_asked_to_sign_in(client):
    response = client.get(EXPORT)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        download(client)
    return len(captured)


def test_the_download_costs_the_same_queries_with_one_row_or_many(client, user, staff, areas):
    client.force_login(user)
    HelpRequestFactory(user=user, kinds=["advice"])
    RoleInterestFactory(email=user.email)
    PoolMemberFactory(email=user.email, interests=["web"])
    few = queries(client)

    for n in range(4):
        asked = HelpRequestFactory(email=user.email, kinds=["advice", "funding"])
        help_request_triage(help_request=asked, by=staff, public_reply=f"Reply {n}")
        RoleInterestFactory(email=user.email)
    many = queries(client)

    assert many == few


def test_the_download_has_her_funding_requests_budget_and_decision(client, user, funding_rules):
    submit_funding(email=user.email, lines=[line("Room for the sprint", "venue", "400")])
    submit_funding(email="grace@example.org", lines=[line("Grace's venue", "venue", "900")])
    client.force_login(user)

    [funding] = download(client)["funding_requests"]

    assert (
        funding["reference"]
        == FundingRequest.objects.get(help_request__email=user.email).help_request.reference
    )
    assert [(b["description"], b["amount"]) for b in funding["budget"]] == [
        ("Room for the sprint", "400.00")
    ]
    assert funding["sustainability"] == "Tickets pay for the next one."
    assert funding["decision"] is None
