"""Logs a defender can use: JSON lines with a request id, security events, no secrets (T27)."""

import io
import json
import logging

import pytest
from django.conf import settings
from pythonjsonlogger.json import JsonFormatter

from common.logs import RedactSecretsFilter, RequestIdFilter

from .factories import HelpRequestFactory

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


def test_what_people_type_cannot_forge_a_log_line(client, json_log):
    client.post(
        "/accounts/login/",
        {"login": 'x@example.org\n{"level": "INFO", "message": "all fine"}', "password": "x"},
    )
    client.get('/roles/?q=\n{"event": "forged"}')
    for line in json_log():  # each physical line parses as one record of ours
        assert line.get("event") != "forged"
        assert line.get("message") != "all fine"
