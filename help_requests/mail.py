"""Mail to psf@ that intake hands to help requests: the `Conversations` of mail_in/extensions.py,
registered in apps.py (docs/mail-in.md, "Threads"; docs/architecture.md, "Extension points").

A message that starts a conversation becomes a request with the source "e-mail", acknowledged
with the same receipt as the web form's (our words and the status link only). A reply lands as
the submitter's reply, exactly as from the status page; it also reopens a request closed a short
while ago (`help_request_reopenable`). Files go through the same checks as an upload; what is
refused is listed for staff in an internal note, never in the mail to the submitter.

Intake calls these inside its own transaction and records what they return.
"""

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from attachments.checks import MB, CheckedFile, check_files, display_name
from common.date_filters import long_date
from mail_in.classify import visible_reply
from mail_in.extensions import ReplyRefused, Routed
from mail_in.models import InboundMessage
from mail_in.parsing import MailFile, ParsedMail

from .models import Comment, HelpRequest
from .services import (
    RequestClosed,
    help_request_staff_note,
    help_request_submit,
    help_request_submitter_reply,
)

NO_SUBJECT = "(no subject)"
NO_TEXT = "(no text)"
# A note lists at most this many refused files by name; the rest are counted.
REFUSED_LISTED = 20


def mail_files(files: Sequence[MailFile]) -> tuple[list[CheckedFile], list[str]]:
    """The files of a message that pass attachments' checks, as an upload's would, within the
    limits (ATTACHMENT_MAX_FILES, ATTACHMENT_MAX_FILE_MB, ATTACHMENT_MAX_TOTAL_MB); and one line
    per refused file saying why. Only the first ATTACHMENT_MAX_FILES files are looked at."""
    accepted: list[CheckedFile] = []
    refused: list[str] = []
    total = 0
    for position, file in enumerate(files):
        name = display_name(file.name)
        if position >= settings.ATTACHMENT_MAX_FILES:
            refused.append(
                f"{name}: more than {settings.ATTACHMENT_MAX_FILES} files came with the message."
            )
            continue
        upload = SimpleUploadedFile(name, file.data, content_type=file.content_type)
        try:
            (checked,) = check_files([upload])
        except ValidationError as error:
            refused.append(" ".join(error.messages))  # each message begins with the name
            continue
        if total + checked.size > settings.ATTACHMENT_MAX_TOTAL_MB * MB:
            refused.append(
                f"{name}: the files together come to more than "
                f"{settings.ATTACHMENT_MAX_TOTAL_MB} MB."
            )
            continue
        total += checked.size
        accepted.append(checked)
    return accepted, refused


def refused_text(refused: Sequence[str]) -> str:
    """The refused files, one a line, for staff ("" for none)."""
    if not refused:
        return ""
    lines = [f"- {line}" for line in refused[:REFUSED_LISTED]]
    if len(refused) > REFUSED_LISTED:
        lines.append(f"- and {len(refused) - REFUSED_LISTED} more")
    return "Files not kept from the e-mail (the sender was not told):\n" + "\n".join(lines)


def _title(subject: str) -> str:
    limit = HelpRequest._meta.get_field("title").max_length or 200
    return (" ".join(subject.split()) or NO_SUBJECT)[:limit]


def _name(sender_name: str) -> str:
    limit = HelpRequest._meta.get_field("name").max_length or 150
    return " ".join(sender_name.split())[:limit]


def _closed_detail(help_request: HelpRequest) -> str:
    """Why an e-mailed reply does not reopen a closed request, for staff."""
    if help_request.status == HelpRequest.Status.SPAM:
        return f"{help_request.reference} was marked as spam: a reply does not reopen it."
    closed = long_date(help_request.closed_at.date()) if help_request.closed_at else "earlier"
    return (
        f"{help_request.reference} was closed ({help_request.get_status_display().lower()}) "
        f"on {closed}: a reply by e-mail reopens a request only within "
        f"{settings.HELPDESK_REOPEN_DAYS} days of closing."
    )


class HelpRequestConversations:
    """Requests as mail conversations: references HR-2026-0042."""

    prefix = "HR"

    def owner_email(self, reference: str) -> str | None:
        found = HelpRequest.objects.filter(reference=reference.upper()).values_list("email")
        row = found.first()
        return None if row is None else row[0]

    def start(self, *, mail: ParsedMail, message: InboundMessage) -> Routed:
        files, refused = mail_files(mail.files)
        help_request = help_request_submit(
            source=HelpRequest.Source.EMAIL,
            name=_name(mail.sender_name),
            email=mail.sender_email,
            title=_title(mail.subject),
            description=mail.text.strip() or NO_TEXT,
            files=files,
            in_reply_to=mail.message_id,
        )
        detail = refused_text(refused)
        if detail:
            help_request_staff_note(help_request=help_request, body=detail)
        return Routed(target=help_request, reference=help_request.reference, detail=detail)

    def reply(self, *, reference: str, mail: ParsedMail, message: InboundMessage) -> Routed:
        help_request = HelpRequest.objects.filter(reference=reference.upper()).first()
        if help_request is None:  # deleted since the mail it answers was sent
            raise ReplyRefused(
                InboundMessage.Reason.CLOSED, f"{reference} does not exist any more."
            )
        files, refused = mail_files(mail.files)
        try:
            help_request = help_request_submitter_reply(
                help_request=help_request,
                body=visible_reply(mail.text).strip() or NO_TEXT,
                files=files,
                source=HelpRequest.Source.EMAIL,
            )
        except RequestClosed:
            help_request.refresh_from_db()
            raise ReplyRefused(InboundMessage.Reason.CLOSED, _closed_detail(help_request)) from None
        reply = Comment.objects.filter(request=help_request, by_submitter=True).latest(
            "created_at", "pk"
        )
        detail = refused_text(refused)
        if detail:
            help_request_staff_note(help_request=help_request, body=detail)
        return Routed(target=reply, reference=help_request.reference, detail=detail)
