"""When the database is away: a calm 503 page, not a stack trace or a generic 500 (T8)."""

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("database.unavailable")

RETRY_AFTER_SECONDS = 30


class DatabaseDownMiddleware:
    """Answer 503 (Retry-After) when a request fails because the database cannot be reached.

    The page is rendered without the request: its context processors (the signed-in user, the
    messages) would ask the database again.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database.unavailable error=%s", type(exception).__name__)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
