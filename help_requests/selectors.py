"""Reads for help-request pages, each a fixed number of queries whatever the rows."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from common.db import iexact_any

from .models import Comment, HelpRequest, HelpRequestEvent


@dataclass(frozen=True)
class TimelineStep:
    label: str
    at: datetime
    note: str = ""


def help_request_for_token(*, token: str) -> HelpRequest:
    """The request behind a status link, with its public replies; 404 for any other token."""
    try:
        return HelpRequest.objects.prefetch_related(
            "kinds",
            Prefetch("comments", queryset=Comment.objects.filter(is_public=True), to_attr="public"),
            Prefetch(
                "events",
                queryset=HelpRequestEvent.objects.filter(
                    field__in=[HelpRequestEvent.Field.CREATED, HelpRequestEvent.Field.STATUS]
                ),
                to_attr="status_events",
            ),
        ).get(token=token)
    except (HelpRequest.DoesNotExist, ValueError):
        raise Http404("No such request.") from None


def help_request_timeline(*, help_request: HelpRequest) -> list[TimelineStep]:
    """Submitted, then each status it went through, with dates (needs help_request_for_token)."""
    labels = HelpRequest.PUBLIC_STATUS  # the submitter's words, not staff's
    steps = [TimelineStep("Submitted", help_request.submitted_at)]
    for event in getattr(help_request, "status_events", []):
        if event.field == HelpRequestEvent.Field.STATUS:
            steps.append(TimelineStep(labels.get(event.new, event.new), event.created_at))
    return steps


def help_request_open_question(*, help_request: HelpRequest) -> Comment | None:
    """The staff reply the submitter still has to answer, while the request waits on them."""
    if help_request.status != HelpRequest.Status.WAITING:
        return None
    staff_replies = [c for c in getattr(help_request, "public", []) if not c.by_submitter]
    return staff_replies[-1] if staff_replies else None


def help_request_admin_list() -> QuerySet[HelpRequest]:
    """The admin changelist's rows with everything a column shows, in constant queries."""
    return HelpRequest.objects.select_related("assignee").prefetch_related("kinds")


def help_requests_awaiting_triage() -> QuerySet[HelpRequest]:
    """Open requests nobody is assigned to, oldest first: what the staff digest lists."""
    return (
        HelpRequest.objects.filter(assignee__isnull=True)
        .exclude(status__in=HelpRequest.CLOSED)
        .order_by("submitted_at")
    )


def help_requests_of_person(*, user: Any, emails: Iterable[str]) -> QuerySet[HelpRequest]:
    """A signed-in person's requests, newest first: sent while signed in, or from an address they
    have verified (so also those sent before they had an account)."""
    match = Q(user=user) | iexact_any("email", emails)
    return HelpRequest.objects.filter(match).order_by("-submitted_at")
