"""Structured logs: one JSON line per event, with the request's id, and no secrets in them.

- RequestLogMiddleware gives every request an id (X-Request-ID, also on the response) and logs
  one `request` line: method, URL pattern (never the path, which may hold a secret token),
  status, duration, client address.
- RequestIdFilter puts that id on every record logged while the request runs.
- RedactSecretsFilter takes link tokens out of messages other code logs (Django's own
  "Not Found: /help/status/<token>/" and the like): the secret segment of every route whose
  URL pattern has a <token:...> converter (or a group named token or key, as allauth's).
- security_event() is the one way to log what a defender looks for: failed sign-ins, rate-limit
  hits, honeypot hits. JSON encoding escapes what people typed, so nobody forges a log line.
"""

import functools
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.urls import URLResolver, get_resolver

from .converters import TokenConverter
from .http import client_ip

request_id: ContextVar[str] = ContextVar("request_id", default="")
security = logging.getLogger("security")

# A proxy may hand us its request id; anything else gets a fresh one.
_INCOMING_ID = re.compile(r"[A-Za-z0-9-]{8,64}")
# URL groups that hold a link secret besides <token:...>: allauth's e-mail and reset keys.
_SECRET_GROUPS = frozenset({"token", "key"})
_GROUP = re.compile(r"\(\?P<(\w+)>")
# What a secret looks like in a logged path: the rest of its segment.
_SEGMENT = r"[^/\s\"'?#&]+"
# Until the URL patterns can be read (a record logged while Django starts): any long run of
# the characters tokens are made of, after a slash.
_FALLBACK = re.compile(r"(?P<keep>/)[A-Za-z0-9_:-]{16,}")


def _is_secret(pattern: Any, name: str) -> bool:
    converter = getattr(pattern, "converters", {}).get(name)
    return isinstance(converter, TokenConverter) or name in _SECRET_GROUPS


def _secret_prefixes(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    """For each route with a secret segment: a regex of the path before it (its other groups
    made non-capturing, so that any number of them can be joined)."""
    for entry in patterns:
        regex = entry.pattern.regex.pattern.removeprefix("^")
        if isinstance(entry, URLResolver):
            yield from _secret_prefixes(entry.url_patterns, prefix + regex)
            continue
        for group in _GROUP.finditer(regex):
            if _is_secret(entry.pattern, group[1]):
                yield _GROUP.sub("(?:", prefix + regex[: group.start()])
                break


@functools.lru_cache(maxsize=4)
def _secret_paths(resolver: URLResolver) -> re.Pattern[str]:
    """Every route whose path holds a link secret, read from the URL patterns themselves, so a
    new route with a <token:...> segment is covered the day it is added."""
    prefixes = sorted(set(_secret_prefixes(resolver.url_patterns)))
    return re.compile(f"(?P<keep>{'|'.join(prefixes) or '(?!)'}){_SEGMENT}")


def redact(text: str) -> str:
    """`text` with the secret of every link path in it replaced by "[redacted]"."""
    try:
        secret_paths = _secret_paths(get_resolver()) if apps.ready else _FALLBACK
    except Exception:  # a URLconf that does not import yet: never lose the log line for it
        secret_paths = _FALLBACK
    return secret_paths.sub(r"\g<keep>[redacted]", text)


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
    """Takes link secrets out of the message and out of its traceback: an exception's text
    (a Resolver404, a failed query) can quote the path it was raised for."""

    _traceback = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info:
            # Formatters print exc_text when exc_info is gone (both the JSON and plain ones).
            record.exc_text = redact(self._traceback.formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
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
