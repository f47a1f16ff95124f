"""Thin views: parse the form, call a service, render or redirect."""

import copy
import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from common.forms import form_ratelimit, log_honeypot, render_form, sent_too_often

from .extensions import status_parts
from .forms import CorrectionForm, ReplyForm, help_request_form_class
from .models import HelpRequest
from .selectors import help_request_for_token, help_request_open_question, help_request_timeline
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
        form = form_class(request.POST, redraw=redraw)
        limited = sent_too_often(request, form)
        if not limited and form.is_bot:
            log_honeypot(request, "help_request_new")
            return render(request, "help_requests/thanks.html")
        if redraw and not limited:
            form.redraw_only()
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
            form = (
                CorrectionForm(request.POST, instance=copy.copy(help_request))
                if question
                else ReplyForm(request.POST)
            )
            if not sent_too_often(request, form) and form.is_valid():
                data = form.cleaned_data
                changes = {k: data[k] for k in HelpRequest.SUBMITTER_EDITABLE if k in data}
                try:
                    help_request_submitter_reply(
                        help_request=help_request, body=form.cleaned_data["body"], changes=changes
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
        "form": form,
    }
    # What other apps show on the page (funding's decision, checklist and budget).
    parts = status_parts(help_request=help_request)
    context["status_parts"] = parts
    context.update({part.name: part.data for part in parts})
    return render_form(request, "help_requests/status.html", context)
