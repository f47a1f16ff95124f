"""What the change page of a request shows of its conversation and files (read-only fields).

Both read one `Conversation`, loaded once per page (two queries whatever the number of
replies, notes and files: tests/test_query_budgets.py).
"""

from dataclasses import dataclass

from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from common.date_filters import long_datetime

from .models import Comment, HelpRequest
from .selectors import FileShown, help_request_with_files


@dataclass(frozen=True)
class Conversation:
    comments: list[Comment]  # each with its files as .files
    files: list[FileShown]  # the request's own


def conversation_of(help_request: HelpRequest) -> Conversation:
    """Every reply and note of the request, oldest first, and every file; kept on the
    instance, so the page's fields read it once."""
    cached = getattr(help_request, "_admin_conversation", None)
    if cached is None:
        comments = list(Comment.objects.filter(request=help_request).select_related("author"))
        files = help_request_with_files(help_request=help_request, comments=comments)
        cached = Conversation(comments, files)
        help_request._admin_conversation = cached  # type: ignore[attr-defined]
    return cached


def _files(files: list[FileShown], label: str) -> SafeString:
    if not files:
        return SafeString("")
    html = render_to_string(
        "help_requests/_files.html", {"files": files, "staff": True, "label": label}
    )
    return SafeString(html)  # the template escapes what it shows


def _describe(comment: Comment) -> tuple[str, str, str]:
    """(css kind, who, what) of a reply or note."""
    if comment.by_submitter:
        # A reply by e-mail (help_requests/mail.py) says so: staff see how it reached us.
        return "reply", "The submitter", "reply by e-mail" if comment.by_email else "reply"
    kind = "public reply" if comment.is_public else "internal note (staff only)"
    return kind.split(" ")[0], str(comment.author or "Staff"), kind


def conversation_html(help_request: HelpRequest) -> SafeString:
    """Every reply and internal note, oldest first, in full, each with its files: what staff
    read before they write."""
    rows = []
    for comment in conversation_of(help_request).comments:
        css, who, kind = _describe(comment)
        files = getattr(comment, "files", [])
        rows.append(
            (
                css,
                who,
                kind,
                long_datetime(comment.created_at),
                linebreaksbr(comment.body),
                _files(files, f"Files with this {kind.split(' (')[0]}"),
            )
        )
    if not rows:
        return format_html("<p>{}</p>", "No replies or notes yet.")
    return format_html(
        '<ol class="conversation">{}</ol>',
        format_html_join(
            "",
            '<li class="conversation-{}"><p><strong>{}</strong>, {} · {}</p><div>{}</div>{}</li>',
            rows,
        ),
    )


def files_html(help_request: HelpRequest) -> SafeString:
    """Every file of the request, where it came from: the request itself, each reply, each
    note; a quarantined one with what the scanner found."""
    conversation = conversation_of(help_request)
    groups = []
    if conversation.files:
        groups.append(("Sent with the request", _files(conversation.files, "")))
    for comment in conversation.comments:
        files = getattr(comment, "files", [])
        if files:
            _, who, kind = _describe(comment)
            when = long_datetime(comment.created_at)
            groups.append((f"With the {kind} of {who}, {when}", _files(files, "")))
    if not groups:
        return format_html("<p>{}</p>", "No files.")
    return format_html(
        '<dl class="request-files">{}</dl>',
        format_html_join("", "<dt>{}</dt><dd>{}</dd>", groups),
    )
