"""When a file sent with a request is quarantined, staff and the submitter are told.

Attachments call this from their quarantine extension point (attachments/extensions.py,
registered in apps.py), inside the transaction that quarantines the file, so the e-mails are
queued through the outbox with the verdict (docs/architecture.md, "Extension points").
"""

from django.conf import settings

from attachments.models import Attachment
from notifications.services import email_queue

from .models import Comment, HelpRequest
from .services import _email_context, _submitter_context, submitter_thread


def _sent_with(attachment: Attachment) -> tuple[HelpRequest, str, bool] | None:
    """The request a file belongs to, what it came with, and whether the submitter sent it."""
    owner = attachment.owner
    if isinstance(owner, HelpRequest):
        return owner, "the request form", True
    if isinstance(owner, Comment):
        if owner.by_submitter:
            return owner.request, "a reply from the submitter", True
        kind = "a public reply" if owner.is_public else "an internal note"
        return owner.request, f"{kind} by {owner.author or 'staff'}", False
    return None


def help_request_attachment_quarantined(*, attachment: Attachment) -> None:
    """Tell staff which file was quarantined and why; tell the submitter, in our words only,
    that one of the files they sent was set aside (its name is their text: not even that)."""
    sent_with = _sent_with(attachment)
    if sent_with is None:
        return  # not a help request's file
    help_request, where, from_submitter = sent_with
    tell_submitter = from_submitter and bool(help_request.email)
    key = f"attachment:{attachment.pk}:quarantined"
    email_queue(
        to=[settings.PSF_STAFF_EMAIL],
        template="help_requests/attachment_quarantined_staff",
        context=_email_context(
            help_request,
            file_name=attachment.name,
            found=attachment.scan_detail,
            sent_with=where,
            submitter_told=tell_submitter,
        ),
        key=f"{key}:staff",
        thread=help_request.reference,
    )
    if tell_submitter:
        email_queue(
            to=[help_request.email],
            template="help_requests/attachment_quarantined",
            context=_submitter_context(help_request),
            key=f"{key}:submitter",
            unverified=True,
            **submitter_thread(help_request),
        )
