"""Structured logs: one JSON line per event, with the request's id, and no secrets in them.

- RequestLogMiddleware gives every request an id (X-Request-ID, also on the response) and logs
  one `request` line: method, URL pattern (never the path, which may hold a secret token),
  status, duration, client address.
- RequestIdFilter puts that id on every record logged while the request runs.
- RedactSecretsFilter takes link tokens out of messages other code logs (Django's own
  "Not Found: /help/status/<token>/" and the like).
- security_event() is the one way to log what a defender looks for: failed sign-ins, rate-limit
  hits, honeypot hits. JSON encoding escapes what people typed, so nobody forges a log line.
"""

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

from .http import client_ip

request_id: ContextVar[str] = ContextVar("request_id", default="")
security = logging.getLogger("security")

# A proxy may hand us its request id; anything else gets a fresh one.
_INCOMING_ID = re.compile(r"[A-Za-z0-9-]{8,64}")
# Path segments that are secrets: status-page, pool and privacy link tokens, allauth's e-mail
# and reset keys.
_SECRET_PATHS = re.compile(
    r"(/help/status/|/pool/confirm/|/pool/unsubscribe/|/accounts/confirm-email/"
    r"|/accounts/password/reset/key/|/privacy/link/)[^/\s\"']+"
)


def redact(text: str) -> str:
    return _SECRET_PATHS.sub(r"\1[redacted]", text)


class PlainFormatter(logging.Formatter):
    """For a person at a terminal (LOG_FORMAT=plain): the line, then the event's fields."""

    STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request"}

    def format(self, record: logging.LogRecord) -> str:
        fields = {k: v for k, v in vars(record).items() if k not in self.STANDARD}
        fields.pop("request_id", None)
        return super().format(record) + "".join(f" {k}={v}" for k, v in fields.items())


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def security_event(event: str, request: HttpRequest | None = None, **fields: Any) -> None:
    """Log one security event: its name, the client address and user id, and `fields`."""
    details: dict[str, Any] = {"event": event, **fields}
    if request is not None:
        details["ip"] = client_ip(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            details["user_id"] = user.pk
        match = getattr(request, "resolver_match", None)
        details["route"] = match.route if match else ""
    security.warning(event, extra=details)


class RequestLogMiddleware:
    """First in MIDDLEWARE: a request id for every log line, and one line per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.logger = logging.getLogger("request")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            match = request.resolver_match
            self.logger.info(
                "request",
                extra={
                    "method": request.method,
                    "route": match.route if match else "(no route)",
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "ip": client_ip(request),
                },
            )
            response["X-Request-ID"] = rid
            return response
        finally:
            request_id.reset(token)
