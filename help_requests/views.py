"""Thin views: parse the form, call a service, render or redirect."""

import copy
import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.audit import audit_record
from accounts.models import AuditEvent
from attachments.models import Attachment
from attachments.serving import attachment_response
from attachments.uploads import refused_uploads
from common.forms import form_ratelimit, log_honeypot, render_form, sent_too_often

from .extensions import status_parts
from .forms import CorrectionForm, ReplyForm, help_request_form_class
from .models import HelpRequest
from .selectors import (
    attachment_for_staff,
    attachment_for_token,
    help_request_for_token,
    help_request_open_question,
    help_request_timeline,
    help_request_with_files,
)
from .services import RequestClosed, help_request_submit, help_request_submitter_reply

logger = logging.getLogger(__name__)

CLOSED_MESSAGE = "This request is closed and takes no more replies."


def help_index(request: HttpRequest) -> HttpResponse:
    """What the PSF can help with, who may ask, and what happens next."""
    context = {"first_answer_days": settings.HELPDESK_FIRST_ANSWER_WORKING_DAYS}
    return render(request, "help_requests/index.html", context)


@require_http_methods(["GET", "POST"])
@form_ratelimit
def help_request_new(request: HttpRequest) -> HttpResponse:
    """Show the form; on a valid POST save the request and go to its private status page.

    One POST too many from an address shows the form again as it was sent (429, nothing saved).
    A section's redraw button (the budget's "Add another line", without JavaScript) draws the
    form again as typed. A section that applies (funding) saves the request through its own
    service; a funding request the PSF's rules refuse comes back with its readiness checklist.
    """
    user = request.user if request.user.is_authenticated else None
    form_class = help_request_form_class()
    if request.method == "POST":
        buttons = [s.fields.redraw_button for s in form_class.sections if s.fields.redraw_button]
        redraw = any(button in request.POST for button in buttons)
        form = form_class(
            request.POST, request.FILES, redraw=redraw, upload_refusals=refused_uploads(request)
        )
        limited = sent_too_often(request, form)
        if not limited and form.is_bot:
            log_honeypot(request, "help_request_new")
            return render(request, "help_requests/thanks.html")
        if redraw and not limited:
            form.redraw_only()
            form.files_came_back()
        elif not limited and form.is_valid():
            fields = form.help_request_submission()
            section = form.applying_section
            try:
                if section is not None:
                    submission = form.section_submission(section)
                    help_request = section.submit(user=user, **fields, **submission)
                else:
                    help_request = help_request_submit(user=user, **fields)
            except ValidationError as error:  # the rules changed since the form checked
                form.add_error(None, error)
                form.files_came_back()
            else:
                messages.success(
                    request,
                    f"Thank you! Your request {help_request.reference} has reached the PSF. "
                    "Bookmark this page: it is your private link to follow it.",
                )
                return redirect(help_request)
    else:
        initial = {"name": user.get_full_name(), "email": user.email} if user else {}
        if request.GET.get("type") in HelpRequest.Type.values:
            initial["type"] = request.GET["type"]
        form = form_class(initial=initial)
    return render_form(request, "help_requests/new.html", {"form": form})


@require_http_methods(["GET", "POST"])
@form_ratelimit
def help_request_status(request: HttpRequest, token: str) -> HttpResponse:
    """The submitter's private page: state, timeline, public replies, and a reply box."""
    help_request = help_request_for_token(token=token)
    question = help_request_open_question(help_request=help_request)
    form: ReplyForm | CorrectionForm | None = None
    if not help_request.is_closed:
        form_class = CorrectionForm if question else ReplyForm
        if request.method == "POST":
            refusals = refused_uploads(request)
            form = (
                CorrectionForm(
                    request.POST,
                    request.FILES,
                    instance=copy.copy(help_request),
                    upload_refusals=refusals,
                )
                if question
                else ReplyForm(request.POST, request.FILES, upload_refusals=refusals)
            )
            if not sent_too_often(request, form) and form.is_valid():
                data = form.cleaned_data
                changes = {k: data[k] for k in HelpRequest.SUBMITTER_EDITABLE if k in data}
                try:
                    help_request_submitter_reply(
                        help_request=help_request,
                        body=data["body"],
                        changes=changes,
                        files=data["files"],
                    )
                except RequestClosed:  # staff closed it after this page was drawn
                    messages.error(request, f"{CLOSED_MESSAGE} Your reply was not sent.")
                else:
                    messages.success(request, "Thank you, your reply has been sent to the PSF.")
                return redirect(help_request)
        else:
            form = form_class(instance=help_request) if question else form_class()
    elif request.method == "POST":
        messages.error(request, CLOSED_MESSAGE)
        return redirect(help_request)
    context = {
        "help_request": help_request,
        "timeline": help_request_timeline(help_request=help_request),
        "question": question,
        "replies": help_request.public,  # type: ignore[attr-defined]
        # The request's own files; each public reply gets its own as reply.files.
        "files": help_request_with_files(
            help_request=help_request,
            comments=help_request.public,  # type: ignore[attr-defined]
        ),
        "form": form,
    }
    # What other apps show on the page (funding's decision, checklist and budget).
    parts = status_parts(help_request=help_request)
    context["status_parts"] = parts
    context.update({part.name: part.data for part in parts})
    return render_form(request, "help_requests/status.html", context)


def _not_downloadable(request: HttpRequest, attachment: Attachment) -> HttpResponse | None:
    """A file being checked, or quarantined, is not served: a page says why (409: the file is
    there, its state is what stops it)."""
    if attachment.downloadable:
        return None
    context = {"attachment": attachment, "staff": request.user.is_staff}
    return render(request, "help_requests/file_unavailable.html", context, status=409)


@require_http_methods(["GET"])
def attachment_download(request: HttpRequest, pk: int, token: str) -> HttpResponseBase:
    """The submitter's download: a file of the request behind the status link, or of one of its
    public replies; any other file (an internal note's, another request's) is a 404."""
    attachment = attachment_for_token(pk=pk, token=token)
    return _not_downloadable(request, attachment) or attachment_response(attachment)


@require_http_methods(["GET"])
def attachment_download_staff(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Staff's download (their second factor is enforced by accounts.middleware), written to
    the audit record. Not staff: 404, as for a file that does not exist; staff who may not view
    requests: 403."""
    user = request.user
    if not (user.is_authenticated and user.is_staff):
        raise Http404("No such file.")
    if not user.has_perm("help_requests.view_helprequest"):
        raise PermissionDenied("You may not view help requests.")
    attachment, help_request = attachment_for_staff(pk=pk)
    refused = _not_downloadable(request, attachment)
    if refused is not None:
        return refused
    response = attachment_response(attachment)
    audit_record(
        action=AuditEvent.Action.FILE_DOWNLOADED,
        actor=user,
        target=attachment,
        detail=f"A file of {help_request.reference}",
        request=request,
    )
    return response
