"""A person's data: everything held about them (export) and removing it (erasure).

Each app knows its own fields (<app>/privacy.py); this module composes them. The domain apps
go first; the outbox and accounts then clean up what the domain rows left behind in e-mails,
the audit record and the admin's log, and the account itself goes last.
"""

import logging
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

import accounts.privacy
import funding.privacy
import help_requests.privacy
import mail_in.privacy
import notifications.privacy
import volunteers.privacy
from accounts.audit import audit_record
from accounts.models import AuditEvent, User
from accounts.selectors import verified_emails
from common.db import iexact_any
from common.privacy import Erased, is_erased_address
from help_requests.privacy_files import ExportedFile

from .models import AccessLink, Erasure

logger = logging.getLogger("privacy")

# The apps whose rows hold what people sent: each one's privacy module exports and erases its
# own fields (person_export(emails, user) -> sections, person_erase(emails, user, by) -> Erased).
# An app whose rows hang off another's (found through them) goes before it.
DOMAIN = (funding.privacy, help_requests.privacy, volunteers.privacy, mail_in.privacy)


@dataclass(frozen=True)
class Person:
    """Whose data: their addresses, and their account when it is theirs to export or erase."""

    emails: tuple[str, ...]
    user: User | None = None


def person_of_user(*, user: User) -> Person:
    """A signed-in person: every address they have verified, and their account."""
    return Person(emails=tuple(verified_emails(user=user)), user=user)


def person_of_address(*, email: str) -> Person:
    """Whoever proved they read mail at `email` (an e-mailed link): that address only."""
    return Person(emails=(email,))


def person_of_address_for_staff(*, email: str) -> Person:
    """The person staff erase from a row with this address: with the account that verified it
    (and that account's other verified addresses), unless it is a staff account."""
    address = (
        EmailAddress.objects.filter(email__iexact=email, verified=True)
        .select_related("user")
        .first()
    )
    user = address.user if address is not None else None
    if user is None or user.is_staff:
        return Person(emails=(email,))
    others = verified_emails(user=user)
    return Person(emails=tuple(dict.fromkeys([email, *others])), user=user)


@dataclass(frozen=True)
class PersonExport:
    """What the download holds: the data (JSON-ready) and the files of the person's requests,
    each listed in the data with its path in the ZIP (help_requests/privacy_files.py)."""

    data: dict[str, Any]
    files: list[ExportedFile]


def person_export(*, person: Person) -> dict[str, Any]:
    """Everything held about the person, as plain data (JSON-ready with DjangoJSONEncoder)."""
    return person_export_with_files(person=person).data


def person_export_with_files(*, person: Person) -> PersonExport:
    """Everything held about the person, and the files to hand out with it.

    A fixed number of queries, whatever the rows."""
    emails, user = person.emails, person.user
    data: dict[str, Any] = {
        "about": "What the PSF Helpdesk holds about you",
        "generated_at": timezone.now(),
        "addresses": list(emails),
        "account": accounts.privacy.person_export(user=user),
    }
    files: list[ExportedFile] = []
    for module in DOMAIN:
        if module is help_requests.privacy:  # the one app whose rows carry files
            sections, files = help_requests.privacy.person_export_with_files(
                emails=emails, user=user
            )
        else:
            sections = module.person_export(emails=emails, user=user)
        data.update(sections)
    data["emails_to_you"] = notifications.privacy.person_export(emails=emails)
    return PersonExport(data=data, files=files)


def person_export_record(*, person: Person, request: HttpRequest | None, via: str) -> None:
    """The audit record notes a download (so a stolen session's download shows up); an erasure
    later takes the address out of it."""
    audit_record(
        action=AuditEvent.Action.DATA_EXPORTED,
        actor=person.user,
        actor_email=person.emails[0] if person.emails and person.user is None else "",
        detail=f"Downloaded from {via}",
        request=request,
    )


def person_open_requests(*, person: Person) -> list[str]:
    """References of the person's open requests: erasure says what it means for each."""
    return help_requests.privacy.help_requests_open_of_person(
        emails=person.emails, user=person.user
    )


def person_check_can_erase(*, person: Person) -> None:
    """Raise ValidationError (a message for the person) when this erasure is not allowed here."""
    accounts.privacy.check_can_erase(user=person.user)


def person_erase(
    *,
    person: Person,
    via: Erasure.Via,
    by: User | None = None,
    request: HttpRequest | None = None,
) -> Erasure | None:
    """Erase everything held about the person, in one transaction; returns the record of it,
    or None when nothing was held (any more): a second erasure changes nothing.

    Requests keep their reference, status and history; the history and the audit record say an
    erasure happened, never what was erased. `by`: the member of staff (via STAFF); `request`
    gives the audit record staff's address, never the person's.
    """
    person_check_can_erase(person=person)
    emails = [e for e in person.emails if e and not is_erased_address(e)]
    with transaction.atomic():
        erased = Erased()
        for module in DOMAIN:
            erased.add(module.person_erase(emails=emails, user=person.user, by=by))
        erased.counts.update(
            notifications.privacy.person_erase(
                emails=emails, values=erased.values, markers=erased.markers
            )
        )
        erased.counts["access_links"] = AccessLink.objects.filter(
            iexact_any("email", emails)
        ).delete()[0]
        erased.counts.update(
            accounts.privacy.person_erase(emails=emails, user=person.user, targets=erased.targets)
        )
        counts = {kind: count for kind, count in erased.counts.items() if count}
        if not counts:
            return None
        erasure = Erasure.objects.create(
            via=via,
            by=by if via == Erasure.Via.STAFF else None,
            counts=counts,
            references=", ".join(sorted(erased.references)),
        )
        audit_record(
            action=AuditEvent.Action.DATA_ERASED,
            actor=by if via == Erasure.Via.STAFF else None,
            target=erasure,
            detail=erasure.summary,
            request=request if via == Erasure.Via.STAFF else None,
        )
    logger.info("privacy.erased", extra={"event": "privacy.erased", "via": via, **counts})
    return erasure
