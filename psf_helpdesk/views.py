"""Pages that span both halves of the portal, and the health check."""

import logging
from typing import cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from kombu import Connection

from accounts.models import User
from accounts.selectors import verified_emails
from common.logs import security_event
from help_requests.selectors import help_requests_of_person
from volunteers.cache import roles_version
from volunteers.selectors import pool_membership_of_person, role_interests_of_person, roles_open

from .celery import app as celery_app

logger = logging.getLogger(__name__)


HOME_ROLES = 4


def home(request: HttpRequest) -> HttpResponse:
    """Both halves of the PSF's message: ask for help, and volunteer (with the newest roles)."""
    roles = roles_open()  # lazy: read only when the cached list is drawn again
    context = {"roles": roles[:HOME_ROLES], "all_roles": roles, "roles_version": roles_version()}
    return render(request, "home.html", context)


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """A signed-in person's requests, raised hands and pool membership: by account, or from an
    address they have verified (so also what they sent before they had an account)."""
    user = cast(User, request.user)  # login_required
    emails = verified_emails(user=user)
    context = {
        "help_requests": help_requests_of_person(user=user, emails=emails),
        "interests": role_interests_of_person(user=user, emails=emails),
        "pool_member": pool_membership_of_person(emails=emails),
        "emails": emails,
    }
    return render(request, "me.html", context)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every page, the admin's included."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def ratelimited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Too many POSTs from one address to a view that blocks them: a 429 page in the site's
    style. The public forms do not block: they show the form again, with what was typed and
    why it was not taken (common.forms.render_form)."""
    security_event("ratelimit.hit", request)
    return render(request, "429.html", status=429)


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_cache() -> str:
    cache.set("healthz", "ok", 5)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not keep a value")
    return "ok"


def _check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    # A connection from the app's pool (a new one per probe costs more than the rest of the
    # page), then a round trip on it, so a broker that went away since is reported down.
    with celery_app.pool.acquire(block=True, timeout=2) as acquired:
        conn = cast(Connection, acquired)  # the pool holds connections (its stubs say producers)
        conn.ensure_connection(max_retries=1, timeout=2)
        client = getattr(conn.default_channel, "client", None)  # the Redis transport's
        if client is not None:
            client.ping()
    return "ok"


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, cache and broker reachable? 200 when all are, 503 naming what is down."""
    checks = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            results[name] = check()
        except Exception as exc:
            logger.warning("healthz: %s is down: %s", name, exc)
            results[name] = "down"
    healthy = all(value in {"ok", "eager"} for value in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", **results}, status=200 if healthy else 503
    )
