"""Logs a defender can use: JSON lines with a request id, security events, no secrets (T27)."""

import hashlib
import io
import json
import logging
import secrets
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from pythonjsonlogger.json import JsonFormatter

from attachments.checks import check_files
from attachments.services import attachments_add
from common.converters import TokenConverter
from common.logs import RedactSecretsFilter, RequestIdFilter
from privacy.models import AccessLink

from .factories import HelpRequestFactory, PoolMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """The console handler of settings.LOGGING, writing to a buffer: returns the parsed lines."""
    options = dict(settings.LOGGING["formatters"]["json"])
    options.pop("()")
    handler = logging.StreamHandler(buffer := io.StringIO())
    handler.setFormatter(JsonFormatter(**options))
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactSecretsFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)

    def lines() -> list[dict]:
        text = buffer.getvalue()
        return [json.loads(line) for line in text.splitlines()]

    yield lines
    root.removeHandler(handler)
    root.setLevel(previous)


def events(lines, name):
    return [line for line in lines() if line.get("event") == name]


def test_each_request_is_one_line_with_its_route_not_its_secret_path(client, json_log):
    request = HelpRequestFactory()
    response = client.get(request.get_absolute_url())

    [line] = [entry for entry in json_log() if entry["message"] == "request"]
    assert line["route"] == "help/status/<token:token>/"
    assert line["status"] == 200
    assert line["request_id"] == response["X-Request-ID"]
    assert request.token not in json.dumps(json_log())
    assert {"time", "level", "logger", "duration_ms", "ip"} <= set(line)


def test_a_proxys_request_id_is_kept_and_a_forged_one_is_not(client, json_log):
    assert client.get("/", HTTP_X_REQUEST_ID="abcd-1234-efgh")["X-Request-ID"] == "abcd-1234-efgh"
    forged = client.get("/", HTTP_X_REQUEST_ID='x"\n{"level":"CRITICAL"}')["X-Request-ID"]
    assert len(forged) == 32 and "\n" not in forged


def test_a_failed_sign_in_is_a_security_event_without_the_password_or_address(
    client, user, json_log
):
    client.post("/accounts/login/", {"login": user.email, "password": "hunter2-secret"})

    [event] = events(json_log, "auth.sign_in_failed")
    assert event["level"] == "WARNING"
    assert event["ip"] == "127.0.0.1"
    assert event["user_id"] == user.pk
    everything = json.dumps(json_log())
    assert "hunter2-secret" not in everything
    assert user.email not in everything


def test_a_rate_limit_hit_and_a_honeypot_hit_are_security_events(client, settings, json_log):
    settings.RATELIMIT_FORM_RATE = "1/m"
    client.post("/pool/join/", {"website": "http://spam.example"})  # the honeypot
    client.post("/pool/join/", {})

    [honeypot] = events(json_log, "spam.honeypot")
    assert honeypot["form"] == "pool_join"
    [limited] = events(json_log, "ratelimit.hit")
    assert limited["route"] == "pool/join/"
    assert limited["ip"] == "127.0.0.1"


def test_a_secret_in_a_message_logged_by_django_is_redacted(client, settings, json_log):
    settings.RATELIMIT_FORM_RATE = "0/m"
    request = HelpRequestFactory()
    client.post(request.get_absolute_url(), {"body": "hi"})  # 429, which Django logs with path

    logged = json.dumps(json_log())
    assert request.token not in logged
    assert "/help/status/[redacted]" in logged


def test_a_secret_in_a_traceback_is_redacted_and_the_traceback_kept(json_log):
    token = secrets.token_urlsafe(32)
    try:
        raise LookupError(f"nothing at /help/status/{token}/")
    except LookupError:
        logging.getLogger("django.request").exception("Internal Server Error")

    (line,) = [line for line in json_log() if line["message"] == "Internal Server Error"]
    assert token not in json.dumps(line)
    assert "LookupError: nothing at /help/status/[redacted]/" in line["exc_info"]
    assert "Traceback (most recent call last)" in line["exc_info"]


def test_what_people_type_cannot_forge_a_log_line(client, json_log):
    client.post(
        "/accounts/login/",
        {"login": 'x@example.org\n{"level": "INFO", "message": "all fine"}', "password": "x"},
    )
    client.get('/roles/?q=\n{"event": "forged"}')
    for line in json_log():  # each physical line parses as one record of ours
        assert line.get("event") != "forged"
        assert line.get("message") != "all fine"


def _secret_routes(patterns, prefix="", namespace=""):
    """(route name, its group names) of every URL whose path holds a link secret: a <token:...>
    segment, or allauth's keys. Read from the URLconf, so a new token route is tested too."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _secret_routes(entry.url_patterns, prefix, inner)
            continue
        groups = list(entry.pattern.regex.groupindex)
        converters = getattr(entry.pattern, "converters", {})
        secret = {"token", "key"} | {
            name for name, conv in converters.items() if isinstance(conv, TokenConverter)
        }
        if entry.name and secret & set(groups):
            yield f"{namespace}{entry.name}", groups


def _live_links(user) -> dict[str, dict[str, str]]:
    """For the routes that have them: the kwargs of a link that works (a 200 or a 302)."""
    member = PoolMemberFactory()
    pending = PoolMemberFactory(confirmed_at=None)
    token = secrets.token_urlsafe(32)
    AccessLink.objects.create(
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        email=user.email,
        expires_at=timezone.now() + timedelta(minutes=30),
    )
    address = EmailAddress.objects.get(user=user)
    with_file = HelpRequestFactory()
    (attachment,) = attachments_add(
        owner=with_file,
        files=check_files([SimpleUploadedFile("notes.txt", b"Our notes.\n")]),
        by=None,
    )
    return {
        "help_requests:status": {"token": HelpRequestFactory().token},
        "files:submitter": {"pk": str(attachment.pk), "token": with_file.token},
        "volunteers:pool_confirm": {"token": pending.signups.get().token},
        "volunteers:pool_unsubscribe": {"token": member.unsubscribe_token},
        "volunteers:pool_preferences": {"token": member.preferences_token},
        "privacy:link": {"token": token},
        "account_confirm_email": {"key": EmailConfirmationHMAC(address).key},
        "account_reset_password_from_key": {
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    }


def test_no_link_token_of_any_route_reaches_a_log_line_whatever_the_answer(json_log, settings):
    """Every token route, with a link that works and one that does not, by GET, HEAD, PUT and
    POST, with and without a CSRF check: whatever was answered, the logs hold no token."""
    user = UserFactory(verified=False)
    live = _live_links(user)
    routes = dict(_secret_routes(get_resolver().url_patterns))
    assert set(live) <= set(routes)  # the live links above are for routes that exist
    statuses, tokens = set(), set()
    for csrf in (True, False):
        client = Client(enforce_csrf_checks=csrf)
        for name, groups in routes.items():
            dead = {group: secrets.token_urlsafe(32) for group in groups}
            dead["uidb36"] = "zz"
            dead["pk"] = "999999"  # a file's number (/files/<pk>/<token>/)
            for kwargs in (live.get(name), dead):
                if kwargs is None:
                    continue
                url = reverse(name, kwargs={group: kwargs[group] for group in groups})
                tokens |= {kwargs[g] for g in groups if g in ("token", "key")}
                for method in ("get", "head", "put", "post"):
                    statuses.add(getattr(client, method)(url).status_code)
    settings.RATELIMIT_FORM_RATE = "0/m"
    client = Client()
    for name, groups in routes.items():
        dead = {g: "999999" if g == "pk" else secrets.token_urlsafe(32) for g in groups}
        url = reverse(name, kwargs=live.get(name) or dead)
        statuses.add(client.post(url).status_code)

    assert {200, 302, 403, 404, 405, 429} <= statuses
    logged = json.dumps(json_log())
    assert "Method Not Allowed" in logged and "Forbidden" in logged and "Not Found" in logged
    assert [token for token in tokens if token in logged] == []
