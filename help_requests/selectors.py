"""Reads for help-request pages, each a fixed number of queries whatever the rows."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from attachments.checks import ALLOWED_TYPES
from attachments.models import Attachment
from attachments.selectors import attachments_of
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


@dataclass(frozen=True)
class FileShown:
    """One file as a page lists it: name, type, size, scan state, and whether it downloads."""

    attachment: Attachment

    @property
    def pk(self) -> int:
        return self.attachment.pk

    @property
    def name(self) -> str:
        return self.attachment.name

    @property
    def type_label(self) -> str:
        return ALLOWED_TYPES.get(self.attachment.mime_type, self.attachment.mime_type)

    @property
    def size(self) -> int:
        return self.attachment.size

    @property
    def state(self) -> str:
        return self.attachment.scan_state

    @property
    def state_label(self) -> str:
        return self.attachment.get_scan_state_display()

    @property
    def detail(self) -> str:
        return self.attachment.scan_detail

    @property
    def downloadable(self) -> bool:
        return self.attachment.downloadable


Owner = HelpRequest | Comment


def files_of(owners: Sequence[Owner]) -> dict[Owner, list[FileShown]]:
    """Each owner's files (a request's own, a reply's or a note's), in one query."""
    found = attachments_of(owners)
    shown: dict[Owner, list[FileShown]] = {}
    for owner in owners:
        key = (ContentType.objects.get_for_model(owner).pk, owner.pk)
        shown[owner] = [FileShown(attachment) for attachment in found.get(key, [])]
    return shown


def help_request_with_files(
    *, help_request: HelpRequest, comments: Sequence[Comment]
) -> list[FileShown]:
    """The request's own files; each of `comments` gets its own as `.files` (as a Prefetch's
    to_attr would). One query, whatever the number of comments and files."""
    shown = files_of([help_request, *comments])
    for comment in comments:
        comment.files = shown[comment]  # type: ignore[attr-defined]
    return shown[help_request]


def _owned_by(token: str) -> Q:
    """The files a status link opens: the request's own and those of its public replies. An
    internal note's files never (docs/architecture.md, "Where each rule lives")."""
    requests = HelpRequest.objects.filter(token=token).values("pk")
    public = Comment.objects.filter(request__token=token, is_public=True).values("pk")
    return Q(owner_type=ContentType.objects.get_for_model(HelpRequest), owner_id__in=requests) | Q(
        owner_type=ContentType.objects.get_for_model(Comment), owner_id__in=public
    )


def attachment_for_token(*, pk: int, token: str) -> Attachment:
    """A file the holder of a status link may download; 404 for any file not theirs."""
    attachment = Attachment.objects.filter(_owned_by(token), pk=pk).first()
    if attachment is None:
        raise Http404("No such file.")
    return attachment


def attachment_for_staff(*, pk: int) -> tuple[Attachment, HelpRequest]:
    """A file of any request (its own, a reply's or a note's) with that request; 404 if none."""
    attachment = Attachment.objects.filter(pk=pk).first()
    owner = attachment.owner if attachment is not None else None
    help_request = owner if isinstance(owner, HelpRequest) else getattr(owner, "request", None)
    if attachment is None or not isinstance(help_request, HelpRequest):
        raise Http404("No such file.")
    return attachment, help_request
