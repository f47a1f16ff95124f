"""What help requests hold about a person, and removing it: the one place that knows which of a
request's fields are personal (composed by privacy.services).

A request keeps its reference, status, priority, assignee, amounts and history; it loses the
name, address, organisation, links and the words its submitter wrote (title, description,
replies). Staff replies and notes stay, with the person's name taken out of them.

Files (attachments, owned by the request or by one of its comments) follow the words: the
person's export lists them, and its ZIP holds each one that may be handed out; anonymising a
request deletes, from storage too, the files sent with it, with the submitter's replies and with
staff's public replies. A file cannot be redacted as a reply's text is, and a public reply's file
was sent to the person, about them (a signed agreement, a grant letter): it goes with their
name. Internal notes' files stay, as the notes' text does: staff's records of what they did,
never shown to the person (README.md, "Privacy: export, erasure, retention").
"""

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.template.defaultfilters import pluralize

from accounts.models import User
from attachments.models import Attachment
from attachments.selectors import attachments_of
from attachments.services import attachments_delete
from common.db import iexact_any
from common.privacy import (
    ANONYMISED,
    EXPIRED,
    FORGOTTEN,
    REMOVED,
    Erased,
    erased_address,
    name_parts,
    own_rows,
    redact_names,
    rows_for_others,
)

from .models import Comment, HelpRequest, HelpRequestEvent, new_token
from .privacy_files import ExportedFile, export_files
from .selectors import help_request_timeline

LABEL = HelpRequest._meta.label_lower
FILE_LABEL = Attachment._meta.label_lower


def _of_person(emails: Collection[str], user: User | None) -> QuerySet[HelpRequest]:
    """Requests sent from one of `emails` (any case) or by `user`; none for neither."""
    match = iexact_any("email", emails)
    if user is not None and user.is_authenticated:
        match |= Q(user_id=user.pk)
    return HelpRequest.objects.filter(match)


def help_requests_open_of_person(*, emails: Collection[str], user: User | None) -> list[str]:
    """References of the person's requests still open: erasure must say what it means for them
    (a request their account sent for another address is not erased: not listed)."""
    open_ = HelpRequest.objects.filter(own_rows(emails, user)).exclude(
        status__in=HelpRequest.CLOSED
    )
    return list(open_.order_by("submitted_at").values_list("reference", flat=True))


def person_export(*, emails: Collection[str], user: User | None) -> dict[str, Any]:
    """Every request of the person as the submitter sees it (person_export_with_files)."""
    return person_export_with_files(emails=emails, user=user)[0]


def person_export_with_files(
    *, emails: Collection[str], user: User | None
) -> tuple[dict[str, Any], list[ExportedFile]]:
    """Every request of the person as the submitter sees it: their words, our public replies,
    the files sent with both, the status history as their status page shows it (from
    "Submitted" on, in their words); and the files that go in the export's ZIP. Never an
    internal note, nor its files. Five queries, whatever the rows."""
    requests = list(
        _of_person(emails, user)
        .order_by("submitted_at")
        .prefetch_related(
            "kinds",
            Prefetch("comments", queryset=Comment.objects.filter(is_public=True), to_attr="public"),
            Prefetch(
                "events",
                queryset=HelpRequestEvent.objects.filter(field=HelpRequestEvent.Field.STATUS),
                to_attr="status_events",
            ),
        )
    )
    public = [c for r in requests for c in r.public]  # type: ignore[attr-defined]
    listed, files = export_files(requests, public)
    rows = [
        {
            "reference": r.reference,
            "type": r.get_type_display(),
            "status": r.public_status,
            "submitted_at": r.submitted_at,
            "closed_at": r.closed_at,
            "status_page": f"{settings.SITE_URL}{r.get_absolute_url()}",
            "name": r.name,
            "email": r.email,
            "organisation": r.organisation,
            "area": r.get_area_display(),
            "kinds": [kind.label for kind in r.kinds.all()],
            "title": r.title,
            "description": r.description,
            "amount": r.amount,
            "currency": r.currency,
            "needed_by": r.needed_by,
            "links": r.links.splitlines(),
            "files": listed.get(("helprequest", r.pk), []),
            "replies": [
                {
                    "from": "you" if c.by_submitter else "PSF staff",
                    "at": c.created_at,
                    "text": c.body,
                    "files": listed.get(("comment", c.pk), []),
                }
                for c in r.public  # type: ignore[attr-defined]
            ],
            "status_history": [
                {"at": step.at, "status": step.label}
                for step in help_request_timeline(help_request=r)
            ],
        }
        for r in requests
    ]
    return {"help_requests": rows}, files


def _files_to_erase(help_request: HelpRequest, comments: Iterable[Comment]) -> list[Attachment]:
    """The files that go with the person: the request's own, and those of its public replies
    (the submitter's and staff's); an internal note's stay (the module's docstring). One query."""
    owners = [help_request, *(c for c in comments if c.is_public)]
    return [a for found in attachments_of(owners).values() for a in found]


def _anonymise(help_request: HelpRequest, *, text: str, who: str, by: User | None) -> Erased:
    """Take the person out of one (locked) request and its replies; record it in its history."""
    r = help_request
    names = [*name_parts(r.name), r.email]
    erased = Erased(references=[r.reference], markers={r.reference})
    erased.values |= {r.name, r.email, r.organisation, r.title, r.description, r.links}
    erased.values |= set(r.links.splitlines())
    r.name = who[:1].upper() + who[1:]
    r.email = "" if r.type == HelpRequest.Type.SUGGESTION else erased_address("request", r.pk)
    r.organisation, r.links, r.title, r.description = "", "", text, text
    r.user = None
    r.token = new_token()  # the old private link shows nothing any more
    r.save(
        update_fields=[
            "name", "email", "organisation", "links", "title", "description", "user", "token",
            "updated_at",
        ]
    )  # fmt: skip
    comments = list(Comment.objects.filter(request=r).order_by("pk"))
    for comment in comments:
        if comment.by_submitter:
            erased.values.add(comment.body)
            comment.body = text
        else:
            comment.body = redact_names(comment.body, names, who)
    Comment.objects.bulk_update(comments, ["body"])
    # The rows now; the stored files once the transaction around this commits. Their names are
    # the person's words too: the audit record of staff downloads stops showing them.
    going = _files_to_erase(r, comments)
    erased.values |= {attachment.name for attachment in going}
    file_targets = [(FILE_LABEL, a.pk, f"A file of {r.reference}, erased") for a in going]
    files = attachments_delete(attachments=going)
    events = list(HelpRequestEvent.objects.filter(request=r).exclude(note=""))
    for event in events:
        event.note = redact_names(event.note, names, who)
    HelpRequestEvent.objects.bulk_update(events, ["note"])
    HelpRequestEvent.objects.create(
        request=r,
        actor=by,
        field=HelpRequestEvent.Field.DETAILS,
        new="personal data removed",
        note=(
            "Name, e-mail address, organisation, links and their own words removed"
            + (f", and {files} file{pluralize(files)} sent with it or its replies" if files else "")
            + f": {who}."
        ),
    )
    erased.counts = {
        "help_requests": 1,
        "replies": sum(c.by_submitter for c in comments),
        "files": files,
    }
    erased.targets = [(LABEL, r.pk, str(r)), *file_targets]
    erased.values.discard("")
    return erased


def _detach(help_request: HelpRequest, *, by: User | None) -> Erased:
    """A (locked) request the person's account sent for another address: it is that other
    person's, and keeps their name, address, words and status link; only the account goes."""
    help_request.user = None
    help_request.save(update_fields=["user", "updated_at"])
    HelpRequestEvent.objects.create(
        request=help_request,
        actor=by,
        field=HelpRequestEvent.Field.DETAILS,
        new="account removed",
        note="The account that sent it was erased; what it holds is the addressee's and stays.",
    )
    return Erased(counts={"help_requests_sent_for_others": 1})


def person_erase(*, emails: Collection[str], user: User | None, by: User | None) -> Erased:
    """Erase the person from every request that is their own: sent from their addresses, or
    from their account with no address (run inside the erasure's transaction). A request their
    account sent for someone else's address only loses its link to the account. A second run
    finds nothing: the rows no longer match."""
    erased = Erased()
    with transaction.atomic():
        # The lock re-reads the match: a request another erasure just finished no longer has
        # the address, so a race erases (and records) each request once.
        own = HelpRequest.objects.filter(own_rows(emails, user))
        for locked in own.select_for_update().order_by("pk"):
            erased.add(_anonymise(locked, text=REMOVED, who=FORGOTTEN, by=by))
        others = HelpRequest.objects.filter(rows_for_others(emails, user))
        for locked in others.select_for_update().order_by("pk"):
            erased.add(_detach(locked, by=by))
    return erased


def help_requests_due_for_anonymising(*, closed_before: datetime) -> list[int]:
    """Ids of requests closed before `closed_before` whose personal data is still there (spam
    is deleted instead), oldest first."""
    due = (
        HelpRequest.objects.filter(closed_at__lt=closed_before)
        .exclude(status=HelpRequest.Status.SPAM)
        .exclude(description__in=[REMOVED, EXPIRED])
    )
    return list(due.order_by("pk").values_list("pk", flat=True))


def help_requests_anonymise_closed(*, closed_before: datetime) -> Erased:
    """Retention: requests closed before `closed_before` lose their personal data. Spam is
    deleted instead (help_requests_delete_spam). Idempotent: done rows no longer match."""
    erased = Erased()
    for pk in help_requests_due_for_anonymising(closed_before=closed_before):
        with transaction.atomic():
            locked = (
                HelpRequest.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, closed_at__lt=closed_before)
                .exclude(description__in=[REMOVED, EXPIRED])
                .first()
            )
            if locked is not None:
                erased.add(_anonymise(locked, text=EXPIRED, who=ANONYMISED, by=None))
    return erased


def help_requests_delete_spam(*, closed_before: datetime) -> dict[str, int]:
    """Retention: requests marked spam before `closed_before` are deleted, replies, notes,
    files and all. Counts: {"help_requests": n, "files": m}."""
    spam = HelpRequest.objects.filter(status=HelpRequest.Status.SPAM).filter(
        Q(closed_at__lt=closed_before) | Q(closed_at=None, updated_at__lt=closed_before)
    )
    return help_requests_delete(help_requests=spam)


def help_requests_delete(*, help_requests: QuerySet[HelpRequest]) -> dict[str, int]:
    """Delete requests with their replies, notes and every file of theirs: the rows now, the
    stored files once the deletion commits. An Attachment's owner is generic, so deleting the
    request would not delete its files: every deletion of a request goes through here."""
    with transaction.atomic():
        pks = list(help_requests.values_list("pk", flat=True))  # any list's joins left behind
        doomed = list(HelpRequest.objects.filter(pk__in=pks).select_for_update().order_by("pk"))
        if not doomed:
            return {"help_requests": 0, "files": 0}
        comments = list(Comment.objects.filter(request__in=doomed))
        found = attachments_of([*doomed, *comments])
        files = attachments_delete(attachments=[a for each in found.values() for a in each])
        _, per_model = HelpRequest.objects.filter(pk__in=[r.pk for r in doomed]).delete()
    return {"help_requests": per_model.get(HelpRequest._meta.label, 0), "files": files}
