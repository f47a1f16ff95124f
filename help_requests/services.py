"""Every write to help requests: submit, triage, the submitter's reply, overdue nudges."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from attachments.checks import CheckedFile
from attachments.services import attachments_add
from common.date_filters import long_date
from mail_in.addresses import reply_address
from notifications.services import AUTO_GENERATED, AUTO_REPLIED, NOT_AUTOMATIC, email_queue

from .models import (
    Comment,
    HelpKind,
    HelpRequest,
    HelpRequestEvent,
    ReferenceCounter,
    add_working_days,
)


class RequestClosed(Exception):
    """The request was closed (by staff, meanwhile): it takes no more replies (an e-mailed reply
    may reopen it: see `help_request_submitter_reply`)."""


def _next_reference(year: int) -> str:
    """Hand out HR-<year>-<n>. One statement bumps and reads the counter and locks its row until
    commit, so concurrent calls never clash; the year's first request creates the row."""
    with connection.cursor() as cursor:
        cursor.execute(
            'UPDATE "help_requests_referencecounter" SET "last" = "last" + 1 WHERE "year" = %s '
            'RETURNING "last"',
            [year],
        )
        row = cursor.fetchone()
    if row is not None:
        return f"HR-{year}-{row[0]:04d}"
    try:
        with transaction.atomic():
            ReferenceCounter.objects.create(year=year)
    except IntegrityError:
        pass  # another request created this year's row first
    return _next_reference(year)


def _status_url(help_request: HelpRequest) -> str:
    return f"{settings.SITE_URL}{help_request.get_absolute_url()}"


def _email_context(help_request: HelpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "reference": help_request.reference,
        "is_suggestion": help_request.type == HelpRequest.Type.SUGGESTION,
        "title": help_request.title,
        "name": help_request.name,
        "team": help_request.team,
        "status": help_request.get_status_display(),  # staff's word
        "public_status": help_request.public_status,  # the submitter's, as on their page
        "status_url": _status_url(help_request),
        "admin_path": reverse("admin:help_requests_helprequest_change", args=[help_request.pk]),
        "answer_due": long_date(help_request.answer_due),  # contexts are JSON
        "files": 0,  # how many files came with what the e-mail is about (never their names)
        **extra,
    }


# What mail to the submitter's address may carry: our words and their status link. Nobody has
# proved the address is theirs, so never their name, title or text (the forms are no relay).
SUBMITTER_CONTEXT = (
    "reference", "is_suggestion", "team", "status", "public_status", "status_url", "answer_due",
    "files",
)  # fmt: skip


def _submitter_context(help_request: HelpRequest, **extra: Any) -> dict[str, Any]:
    context = _email_context(help_request)
    return {**{name: context[name] for name in SUBMITTER_CONTEXT}, **extra}


class SubmitterThread(TypedDict):
    thread: str
    reply_to: str


def submitter_thread(help_request: HelpRequest) -> SubmitterThread:
    """What every e-mail to the submitter about a request carries besides its words: the thread
    (so their mail client shows one conversation) and a signed plus address as Reply-To, so that
    answering it reaches the request (docs/mail-in.md, "Threads")."""
    return {"thread": help_request.reference, "reply_to": reply_address(help_request.reference)}


def _answer_due(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return add_working_days(today, settings.HELPDESK_FIRST_ANSWER_WORKING_DAYS)


def help_request_submit(
    *,
    title: str,
    description: str,
    type: str = HelpRequest.Type.HELP,
    name: str = "",
    email: str = "",
    organisation: str = "",
    area: str = "",
    kinds: Iterable[HelpKind] = (),
    amount: Decimal | None = None,
    currency: str = "",
    needed_by: date | None = None,
    links: str = "",
    user: User | None = None,
    staff_facts: Sequence[tuple[str, str]] = (),
    files: Sequence[CheckedFile] = (),
    source: str = HelpRequest.Source.WEB,
    in_reply_to: str = "",
) -> HelpRequest:
    """Save a new request with its files, tell staff about it, and send the submitter a receipt.

    `staff_facts` are more (label, text) lines for staff's e-mail, from the app that adds to
    the request (a funding request's amount, round and checklist). The e-mails say how many
    files came, never their names. `source` is how it reached us: the web form, or an e-mail
    to psf@ (help_requests/mail.py), whose receipt is then an automatic answer to that mail;
    `in_reply_to` is that mail's Message-ID, so the receipt shows under it in their mail client
    (the outbox ignores one that is not sane: docs/mail-in.md, "Threads")."""
    kinds = list(kinds)
    with transaction.atomic():
        help_request = HelpRequest.objects.create(
            reference=_next_reference(timezone.now().year),
            type=type,
            source=source,
            name=name,
            email=email,
            organisation=organisation,
            area=area,
            title=title,
            description=description,
            amount=amount,
            currency=currency.upper(),
            needed_by=needed_by,
            links=links,
            user=user if user is not None and user.is_authenticated else None,
            answer_due=_answer_due(),
        )
        help_request.kinds.set(kinds)
        HelpRequestEvent.objects.create(
            request=help_request, field=HelpRequestEvent.Field.CREATED, new=HelpRequest.Status.NEW
        )
        attachments_add(owner=help_request, files=files, by=help_request.user)
        context = _email_context(
            help_request,
            files=len(files),
            email=email,
            organisation=organisation,
            area=help_request.get_area_display(),
            kinds=", ".join(kind.label for kind in kinds),
            type=help_request.get_type_display(),
            description=description,
            facts=[[label, text] for label, text in staff_facts],
            by_email=source == HelpRequest.Source.EMAIL,
        )
        key = f"help-request:{help_request.pk}:submitted"
        # Threaded, but no plus Reply-To: staff answer from the admin, where the answer is kept
        # with the request (only the submitter's mail carries one; docs/mail-in.md, "Threads").
        email_queue(
            to=[settings.PSF_STAFF_EMAIL],
            template="help_requests/new_staff",
            context=context,
            key=f"{key}:staff",
            thread=help_request.reference,
        )
        if email:
            email_queue(
                to=[email],
                template="help_requests/receipt",
                context=_submitter_context(help_request, files=len(files)),
                key=f"{key}:receipt",
                unverified=True,
                in_reply_to=in_reply_to,
                auto_submitted=(
                    AUTO_REPLIED if source == HelpRequest.Source.EMAIL else AUTO_GENERATED
                ),
                **submitter_thread(help_request),
            )
    return help_request


NEEDS_A_QUESTION = "Write the question the submitter should answer when you wait on them."
REPLY_FOR_FILES = "Write the public reply these files go with: files are sent with a reply."
NOTE_FOR_FILES = "Write the internal note these files go with: files are kept with a note."


def help_request_triage_check(
    *,
    help_request: HelpRequest,
    status: str | None,
    public_reply: str,
    internal_note: str = "",
    reply_files: Sequence[CheckedFile] = (),
    note_files: Sequence[CheckedFile] = (),
) -> None:
    """The rules for a triage change, against the request as it stands; raises ValidationError
    keyed by the triage form's fields.

    Waiting on the submitter means asking them something: moving a request to "waiting" needs
    the question, as a public reply, in the same change. Files belong to a reply or a note, so
    they need its text.
    """
    errors: dict[str, str] = {}
    waiting = HelpRequest.Status.WAITING
    if status == waiting and help_request.status != waiting and not public_reply.strip():
        errors["public_reply"] = NEEDS_A_QUESTION
    if reply_files and not public_reply.strip():
        errors["public_reply_files"] = REPLY_FOR_FILES
    if note_files and not internal_note.strip():
        errors["internal_note_files"] = NOTE_FOR_FILES
    if errors:
        raise ValidationError(errors, code="text_needed")


def help_request_triage(
    *,
    help_request: HelpRequest,
    by: User,
    status: str | None = None,
    priority: int | None = None,
    assignee: User | bool | None = False,
    public_reply: str = "",
    internal_note: str = "",
    reply_files: Sequence[CheckedFile] = (),
    note_files: Sequence[CheckedFile] = (),
) -> HelpRequest:
    """Apply a staff member's changes, record each in the history, and tell whom it concerns.

    `assignee=False` (the default) leaves the assignee alone; `None` unassigns. `reply_files`
    go with the public reply, `note_files` with the internal note. Raises ValidationError (see
    `help_request_triage_check`) and changes nothing when a rule refuses.
    """
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
        help_request_triage_check(
            help_request=locked,
            status=status,
            public_reply=public_reply,
            internal_note=internal_note,
            reply_files=reply_files,
            note_files=note_files,
        )
        events: list[tuple[str, object, object]] = []
        changed: list[str] = []
        if status is not None and status != locked.status:
            events.append((HelpRequestEvent.Field.STATUS, locked.status, status))
            locked.status = status
            locked.closed_at = timezone.now() if status in HelpRequest.CLOSED else None
            changed += ["status", "closed_at"]
        if priority is not None and int(priority) != locked.priority:
            events.append((HelpRequestEvent.Field.PRIORITY, locked.priority, int(priority)))
            locked.priority = int(priority)
            changed.append("priority")
        if assignee is not False and assignee != locked.assignee:
            events.append(
                (
                    HelpRequestEvent.Field.ASSIGNEE,
                    locked.assignee.email if locked.assignee else "",
                    assignee.email if isinstance(assignee, User) else "",
                )
            )
            locked.assignee = assignee if isinstance(assignee, User) else None
            changed.append("assignee")
        # After a public reply the ball is in the submitter's court (or nowhere): no answer owed.
        answered = public_reply or locked.is_closed or locked.status == HelpRequest.Status.WAITING
        if answered and locked.answer_due is not None:
            locked.answer_due = None
            locked.nudge_level = 0
            changed += ["answer_due", "nudge_level"]
        if changed:
            locked.save(update_fields=[*set(changed), "updated_at"])
        HelpRequestEvent.objects.bulk_create(
            HelpRequestEvent(request=locked, actor=by, field=field, old=str(old), new=str(new))
            for field, old, new in events
        )
        if internal_note:
            note = Comment.objects.create(
                request=locked, author=by, body=internal_note, is_public=False
            )
            attachments_add(owner=note, files=note_files, by=by)
        if public_reply:
            reply = Comment.objects.create(
                request=locked, author=by, body=public_reply, is_public=True
            )
            attachments_add(owner=reply, files=reply_files, by=by)
        _tell_submitter(
            locked,
            status_changed="status" in changed,
            public_reply=public_reply,
            files=len(reply_files) if public_reply else 0,
        )
    return locked


def _tell_submitter(
    help_request: HelpRequest, *, status_changed: bool, public_reply: str, files: int = 0
) -> None:
    """One e-mail for the submitter: the closing notice (with any reply) or the reply alone."""
    if not help_request.email or help_request.status == HelpRequest.Status.SPAM:
        return
    closed_now = status_changed and help_request.is_closed
    if not (closed_now or public_reply):
        return
    template = "help_requests/closed" if closed_now else "help_requests/reply"
    if help_request.status == HelpRequest.Status.WAITING and public_reply:
        template = "help_requests/question"
    email_queue(
        to=[help_request.email],
        template=template,
        # Staff's reply is ours; of its files, only how many (the page has them).
        context=_submitter_context(
            help_request,
            reply=public_reply,
            files=files,
            reopen_days=settings.HELPDESK_REOPEN_DAYS,
        ),
        # A staff member's own words are no automatic mail (RFC 3834); a bare closing notice is.
        auto_submitted=NOT_AUTOMATIC if public_reply else AUTO_GENERATED,
        **submitter_thread(help_request),
    )


# What an e-mailed reply may reopen: a request answered or declined, not one marked as spam.
REOPENABLE = frozenset({HelpRequest.Status.RESOLVED, HelpRequest.Status.DECLINED})


def help_request_reopenable(help_request: HelpRequest, *, now: datetime | None = None) -> bool:
    """Whether an e-mailed reply reopens this closed request: resolved or declined at most
    HELPDESK_REOPEN_DAYS ago. Older, or spam, it goes to staff to decide (mail_in)."""
    now = now or timezone.now()
    since = now - timedelta(days=settings.HELPDESK_REOPEN_DAYS)
    closed_at = help_request.closed_at
    return help_request.status in REOPENABLE and closed_at is not None and closed_at >= since


def help_request_submitter_reply(
    *,
    help_request: HelpRequest,
    body: str,
    changes: dict[str, Any] | None = None,
    files: Sequence[CheckedFile] = (),
    source: str = HelpRequest.Source.WEB,
) -> HelpRequest:
    """The submitter answers from their status page (or by e-mail, `source`), with any files,
    optionally correcting the request itself.

    A request that was waiting on them goes back to the status it had before staff asked.
    Raises RequestClosed, and writes nothing, if the request is closed by then; except that a
    reply by e-mail reopens a request closed recently (`help_request_reopenable`): back to
    triaged, recorded in its history as a status change (Insights counts it as reopened), and
    staff are told in the reply's e-mail. The status page offers no reply once a request is
    closed, so only mail, which people send whenever they like, reopens one.
    """
    changes = {k: v for k, v in (changes or {}).items() if k in HelpRequest.SUBMITTER_EDITABLE}
    by_email = source == HelpRequest.Source.EMAIL
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
        reopened = ""
        if locked.is_closed:
            if not (by_email and help_request_reopenable(locked)):
                raise RequestClosed(locked.reference)
            reopened = locked.get_status_display()
            HelpRequestEvent.objects.create(
                request=locked,
                field=HelpRequestEvent.Field.STATUS,
                old=locked.status,
                new=HelpRequest.Status.TRIAGED,
                note="Reopened by the submitter's reply by e-mail.",
            )
            locked.status = HelpRequest.Status.TRIAGED
            locked.closed_at = None
        edited = sorted(k for k, v in changes.items() if getattr(locked, k) != v)
        for field in edited:
            setattr(locked, field, changes[field])
        if edited:
            HelpRequestEvent.objects.create(
                request=locked, field=HelpRequestEvent.Field.DETAILS, new=", ".join(edited)
            )
        if locked.status == HelpRequest.Status.WAITING:
            before = (
                locked.events.filter(field=HelpRequestEvent.Field.STATUS, new=locked.status)
                .order_by("-created_at", "-pk")
                .values_list("old", flat=True)
                .first()
            )
            back_to = before or HelpRequest.Status.TRIAGED
            HelpRequestEvent.objects.create(
                request=locked, field=HelpRequestEvent.Field.STATUS, old=locked.status, new=back_to
            )
            locked.status = back_to
        locked.answer_due = _answer_due()
        locked.nudge_level = 0
        locked.save()
        reply = Comment.objects.create(
            request=locked, body=body, is_public=True, by_submitter=True, by_email=by_email
        )
        attachments_add(owner=reply, files=files, by=None)
        recipients = [settings.PSF_STAFF_EMAIL]
        if locked.assignee:
            recipients.append(locked.assignee.email)
        email_queue(
            to=recipients,
            template="help_requests/submitter_reply",
            context=_email_context(
                locked,
                reply=body,
                edited=", ".join(edited),
                files=len(files),
                by_email=by_email,
                reopened=reopened,
            ),
            thread=locked.reference,
        )
    return locked


def help_request_staff_note(*, help_request: HelpRequest, body: str) -> Comment:
    """An internal note written by the portal itself (no author), for staff only: what mail
    intake could not keep of a message, for instance. Nobody is e-mailed."""
    return Comment.objects.create(request=help_request, body=body, is_public=False)


def help_request_nudge_overdue(*, today: date | None = None) -> int:
    """Remind the assignee of each request whose promised answer date has passed, then staff.

    First nudge: the assignee (or staff, when nobody is assigned). A working day later, still no
    answer: staff. Returns how many nudges were queued.
    """
    today = today or timezone.localdate()
    sent = 0
    overdue = HelpRequest.objects.filter(answer_due__lt=today, nudge_level__lt=2).exclude(
        status__in=HelpRequest.CLOSED
    )
    for pk in overdue.values_list("pk", flat=True):
        with transaction.atomic():
            locked = (
                HelpRequest.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("assignee")
                .filter(pk=pk, answer_due__lt=today, nudge_level__lt=2)
                .first()
            )
            if locked is None or locked.answer_due is None:
                continue
            escalate = locked.nudge_level == 1 or locked.assignee is None
            if locked.nudge_level == 1 and add_working_days(locked.answer_due, 1) >= today:
                continue  # the assignee still has a working day before staff hear about it
            to = settings.PSF_STAFF_EMAIL if escalate else locked.assignee.email  # type: ignore[union-attr]
            email_queue(
                to=[to],
                template="help_requests/overdue",
                context=_email_context(locked, escalated=escalate),
                key=f"help-request:{locked.pk}:overdue:{locked.answer_due}:{int(escalate)}",
                thread=locked.reference,
            )
            locked.nudge_level = 2 if escalate else 1
            locked.save(update_fields=["nudge_level"])
            sent += 1
    return sent
