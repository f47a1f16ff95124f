"""The privacy pages: what is kept and for how long; a person's own data to see, download or
erase (signed in, or from an e-mailed link). Thin: parse, call a service, render."""

from typing import Any, cast

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from common.forms import form_ratelimit, log_honeypot, render_form, sent_too_often

from .archive import person_archive
from .forms import AccessLinkForm, EraseConfirmForm
from .links import LinkGone, access_link_check, access_link_request, access_link_session
from .links import access_link_use as _use
from .models import Erasure
from .services import (
    Person,
    PersonExport,
    person_check_can_erase,
    person_erase,
    person_export,
    person_export_record,
    person_export_with_files,
    person_of_address,
    person_of_user,
    person_open_requests,
)

SESSION_KEY = "privacy_link"


def retention_periods() -> dict[str, int]:
    """The periods the retention job applies, for the page that states them (one source)."""
    return {
        "spam_days": settings.RETENTION_SPAM_DAYS,
        "closed_request_months": settings.RETENTION_CLOSED_REQUEST_MONTHS,
        "pool_left_days": settings.RETENTION_POOL_LEFT_DAYS,
        "email_context_days": settings.RETENTION_EMAIL_CONTEXT_DAYS,
        "pool_confirm_days": settings.POOL_CONFIRM_DAYS,
        "link_minutes": settings.PRIVACY_LINK_MINUTES,
        "mail_days": settings.MAIL_RETENTION_DAYS,
    }


@require_http_methods(["GET", "POST"])
@form_ratelimit
def privacy_index(request: HttpRequest) -> HttpResponse:
    """What each form keeps, why, who sees it and for how long; and the way to one's data.

    The link form answers every address alike: "check your e-mail"."""
    if request.method == "POST":
        form = AccessLinkForm(request.POST)
        limited = sent_too_often(request, form)
        if not limited and form.is_bot:
            log_honeypot(request, "privacy_link")
            return redirect("privacy:link_sent")
        if not limited and form.is_valid():
            access_link_request(email=form.cleaned_data["email"])
            return redirect("privacy:link_sent")
    else:
        form = AccessLinkForm()
    context = {"form": form, "retention": retention_periods()}
    return render_form(request, "privacy/index.html", context)


@require_GET
def link_sent(request: HttpRequest) -> HttpResponse:
    context = {"retention": retention_periods()}
    return render(request, "privacy/link_sent.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def link_open(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners follow links); the POST spends the link and opens the
    person's data in this browser."""
    try:
        if request.method == "POST":
            link = _use(token=token)
            request.session.cycle_key()
            request.session[SESSION_KEY] = link.pk
            return redirect("privacy:data")
        access_link_check(token=token)
    except LinkGone:
        context = {"retention": retention_periods()}
        return render(request, "privacy/link_gone.html", context, status=410)
    return render(request, "privacy/link_open.html", {"retention": retention_periods()})


def _linked_person(request: HttpRequest) -> Person | None:
    link = access_link_session(link_id=request.session.get(SESSION_KEY))
    return person_of_address(email=link.email) if link is not None else None


def _link_ended(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    messages.info(request, "Your link has ended. Ask for a new one below.")
    return redirect("privacy:index")


def _download(export: PersonExport) -> FileResponse:
    """A ZIP of the JSON and the person's files (privacy/archive.py), streamed from a spool."""
    stamp = timezone.localdate().isoformat()
    return FileResponse(
        person_archive(export),
        as_attachment=True,
        filename=f"psf-helpdesk-my-data-{stamp}.zip",
        content_type="application/zip",
    )


@never_cache
@require_GET
def link_data(request: HttpRequest) -> HttpResponse:
    """What is held about the address the link went to, with download and erase."""
    person = _linked_person(request)
    if person is None:
        return _link_ended(request)
    context = {"data": person_export(person=person), "via_link": True}
    return render(request, "privacy/data.html", context)


@never_cache
@require_GET
def link_export(request: HttpRequest) -> HttpResponseBase:
    person = _linked_person(request)
    if person is None:
        return _link_ended(request)
    person_export_record(person=person, request=request, via="an e-mailed link")
    return _download(person_export_with_files(person=person))


def _erase_page(request: HttpRequest, person: Person, via: Erasure.Via, done: Any) -> HttpResponse:
    """Confirm (with what it means for open requests), then erase; GET and POST alike."""
    form = EraseConfirmForm(request.POST if request.method == "POST" else None)
    try:
        person_check_can_erase(person=person)
    except ValidationError as error:
        refused = " ".join(error.messages)  # shown instead of the form
    else:
        refused = ""
        if request.method == "POST" and form.is_valid():
            return done(person_erase(person=person, via=via))
    context = {
        "form": form,
        "refused": refused,
        "open_requests": person_open_requests(person=person),
        "via_link": via == Erasure.Via.LINK,
    }
    return render(request, "privacy/erase.html", context)


def _erased(request: HttpRequest, erasure: Erasure | None) -> HttpResponse:
    message = (
        "Your data has been erased."
        if erasure is not None
        else "There was nothing left to erase: we hold nothing about you."
    )
    messages.success(request, message)
    return redirect("privacy:erased")


@never_cache
@require_http_methods(["GET", "POST"])
def link_erase(request: HttpRequest) -> HttpResponse:
    person = _linked_person(request)
    if person is None:
        return _link_ended(request)

    def done(erasure: Erasure | None) -> HttpResponse:
        request.session.pop(SESSION_KEY, None)
        return _erased(request, erasure)

    return _erase_page(request, person, Erasure.Via.LINK, done)


@never_cache
@login_required
@require_GET
def account_export(request: HttpRequest) -> HttpResponseBase:
    """Everything held about a signed-in person: their verified addresses and their account."""
    person = person_of_user(user=cast(User, request.user))
    person_export_record(person=person, request=request, via="their account page")
    return _download(person_export_with_files(person=person))


@never_cache
@login_required
@reauthentication_required(allow_get=True)
@require_http_methods(["GET", "POST"])
def account_erase(request: HttpRequest) -> HttpResponse:
    """Erase a signed-in person's data and account (after they prove it is them again)."""
    person = person_of_user(user=cast(User, request.user))

    def done(erasure: Erasure | None) -> HttpResponse:
        logout(request)
        return _erased(request, erasure)

    return _erase_page(request, person, Erasure.Via.ACCOUNT, done)


@require_GET
def erased(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/erased.html")
