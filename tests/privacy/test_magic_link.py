"""Without an account: ask at /privacy/ for a link, which goes through the outbox, works once and
for an hour, is stored hashed, and opens a page to see, download or erase what is held. The
request page says the same for addresses we know and addresses we do not."""

import hashlib
import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from help_requests.models import HelpRequest
from notifications.models import OutboundEmail
from privacy.models import AccessLink, Erasure
from tests.test_public_form_errors import assert_gov_uk_errors

from ..factories import HelpRequestFactory, PoolMemberFactory
from .test_export import download

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

KNOWN = "known@example.org"
UNKNOWN = "nobody-we-know@example.org"
LINK = re.compile(r"http://testserver(/privacy/link/[\w-]+/)")


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def known(db):
    """Someone we hold data about: a request and a pool membership."""
    PoolMemberFactory(email=KNOWN, name="Known Person")
    return HelpRequestFactory(email=KNOWN, name="Known Person", title="Known person's request")


def ask(client: Client, email: str, capture) -> object:
    with capture(execute=True):
        return client.post("/privacy/", {"email": email, "website": ""})


def link_for(email: str) -> str:
    [message] = [m for m in mail.outbox if m.to == [email]]
    [path] = LINK.findall(message.body)
    return path


def same_page(html: str) -> str:
    """A page without what differs on every request: the CSRF token and the CSP nonce."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", html)
    return re.sub(r'nonce="[^"]+"', "nonce", html)


def test_the_answer_is_the_same_for_known_and_unknown_addresses(
    client, known, django_capture_on_commit_callbacks
):
    first = ask(client, KNOWN, django_capture_on_commit_callbacks)
    second = ask(Client(), UNKNOWN, django_capture_on_commit_callbacks)

    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    assert first.content == second.content
    pages = [same_page(c.get(first["Location"]).content.decode()) for c in (client, Client())]
    assert pages[0] == pages[1]
    assert "Check your e-mail" in pages[0]
    # Both addresses get the same e-mail (nothing in it says whether anything is held).
    known_mail, unknown_mail = (mail.outbox[0], mail.outbox[1])
    assert known_mail.subject == unknown_mail.subject
    assert LINK.sub("LINK", known_mail.body) == LINK.sub("LINK", unknown_mail.body)


def test_the_link_goes_through_the_outbox_stored_hashed_and_wiped_once_sent(
    client, known, django_capture_on_commit_callbacks
):
    ask(client, KNOWN, django_capture_on_commit_callbacks)

    row = OutboundEmail.objects.get(template="privacy/access_link")
    assert row.to == KNOWN and row.secret and row.status == OutboundEmail.Status.SENT
    assert row.context == {}  # the link is not kept in the outbox after sending
    token = link_for(KNOWN).split("/")[-2]
    link = AccessLink.objects.get()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not AccessLink.objects.filter(token_hash=token).exists()
    assert link.expires_at - link.created_at == timedelta(hours=1)
    [message] = mail.outbox
    assert message.subject == "Your link to what the PSF Helpdesk holds about you"
    assert "The link works once, for 60 minutes." in message.body


def test_the_link_works_once(client, known, django_capture_on_commit_callbacks):
    ask(client, KNOWN, django_capture_on_commit_callbacks)
    path = link_for(KNOWN)

    page = client.get(path)  # a mail scanner's visit spends nothing
    assertContains(page, "Open my data")
    assert client.get(path).status_code == 200
    opened = client.post(path)
    assert opened["Location"] == "/privacy/data/"
    assertContains(client.get("/privacy/data/"), "Known person&#x27;s request")

    again = Client()
    assert again.get(path).status_code == 410
    refused = again.post(path)
    assert refused.status_code == 410
    assertContains(refused, "This link has ended", status_code=410)
    assert again.get("/privacy/data/")["Location"] == "/privacy/"  # no access in that browser


def test_the_link_expires_after_an_hour(client, known, django_capture_on_commit_callbacks):
    sent = timezone.now()
    with time_machine.travel(sent, tick=False):
        ask(client, KNOWN, django_capture_on_commit_callbacks)
    path = link_for(KNOWN)

    with time_machine.travel(sent + timedelta(minutes=61), tick=False):
        assert client.get(path).status_code == 410
        assert client.post(path).status_code == 410
    with time_machine.travel(sent + timedelta(minutes=59), tick=False):
        assert client.post(path).status_code == 302
        assert client.get("/privacy/data/").status_code == 200
    # The access it opened ends an hour after it was used.
    with time_machine.travel(sent + timedelta(minutes=59 + 61), tick=False):
        ended = client.get("/privacy/data/")
        assert ended["Location"] == "/privacy/"
        assertContains(client.get("/privacy/"), "Your link has ended.")


def test_a_token_never_made_is_a_404(client):
    assert (
        client.get("/privacy/link/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG/").status_code == 404
    )
    assert client.post("/privacy/link/nothing/").status_code == 404
    assert client.get("/privacy/link/%00/").status_code == 404


def test_the_page_shows_downloads_and_erases_only_that_addresses_data(
    client, known, help_request, django_capture_on_commit_callbacks
):
    ask(client, KNOWN, django_capture_on_commit_callbacks)
    client.post(link_for(KNOWN))

    page = client.get("/privacy/data/")
    assertContains(page, "Known person&#x27;s request")
    assertNotContains(page, help_request.title)  # Grace's, another person's
    data = download(client, "/privacy/data/export.zip")
    assert [r["reference"] for r in data["help_requests"]] == [known.reference]
    assert data["account"] is None  # an account is only for whoever signs in
    assert help_request.email not in json.dumps(data)

    confirm = client.get("/privacy/data/erase/")
    assertContains(confirm, "You have 1 open request")
    erased = client.post("/privacy/data/erase/", {"confirm": "on"})

    assert erased["Location"] == "/privacy/erased/"
    assert Erasure.objects.get().via == Erasure.Via.LINK
    assert not HelpRequest.objects.filter(email__iexact=KNOWN).exists()
    assert HelpRequest.objects.filter(pk=help_request.pk, email=help_request.email).exists()
    assert client.get("/privacy/data/")["Location"] == "/privacy/"  # the access ended with it


def test_an_address_over_the_daily_cap_gets_no_more_links_and_the_page_does_not_say(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_MAIL_DAILY_CAP = 2
    answers = [ask(client, UNKNOWN, django_capture_on_commit_callbacks) for _ in range(3)]

    assert len({(a.status_code, a["Location"]) for a in answers}) == 1
    assert OutboundEmail.objects.filter(to=UNKNOWN).count() == 2
    assert len(mail.outbox) == 2
    # No link is kept for the e-mail the cap stopped: it would hold the address for nothing.
    assert AccessLink.objects.filter(email=UNKNOWN).count() == 2


def test_a_bot_filling_the_honeypot_is_thanked_and_gets_nothing(client):
    response = client.post("/privacy/", {"email": KNOWN, "website": "http://spam.example"})

    assert response["Location"] == "/privacy/sent/"
    assert not AccessLink.objects.exists() and not OutboundEmail.objects.exists()


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter your e-mail address."),
        ("not an address", "Enter an e-mail address in the correct format, like name@example.org."),
        (f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 57}.org", None),  # 254 characters: fine
        (f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 58}.org", "254 characters or fewer"),
    ],
)
def test_bad_addresses_are_answered_the_gov_uk_way_and_change_nothing(client, email, message):
    response = client.post("/privacy/", {"email": email, "website": ""})

    if message is None:
        assert len(email) == 254
        assert response.status_code == 302
        assert AccessLink.objects.get().email == email
        return
    if "254" in message:
        assertContains(response, message)
    else:
        assert_gov_uk_errors(response, {"email": message}, ())
        assertContains(response, f'value="{email}"' if email else 'name="email"')
    assert not AccessLink.objects.exists()


def test_a_post_too_many_is_a_429_that_keeps_the_address(client, settings):
    settings.RATELIMIT_FORM_RATE = "1/m"
    with time_machine.travel(timezone.now(), tick=False):
        client.post("/privacy/", {"email": "", "website": ""})
        response = client.post("/privacy/", {"email": UNKNOWN, "website": ""})

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assertContains(response, "sent too many times", status_code=429)
    assertContains(response, f'value="{UNKNOWN}"', status_code=429)
    assert not AccessLink.objects.exists()
