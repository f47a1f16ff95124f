"""What funding requests hold about a person, and removing it (composed by privacy.services).

A funding request hangs off its help request, so this runs before help_requests.privacy (which
changes the address and name it is found by). The budget keeps its categories, amounts and
currency, and the decision its outcome and amounts, for the PSF's accounts and the board; what
the person wrote (other funding, how it will sustain itself, each line's description) goes, and
the decision's message to them loses their name.
"""

from collections.abc import Collection, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from accounts.models import User
from common.db import iexact_any
from common.privacy import FORGOTTEN, REMOVED, Erased, name_parts, own_rows, redact_names

from .models import BudgetLine, Decision, FundingRequest


def _of_person(emails: Collection[str], user: User | None) -> QuerySet[FundingRequest]:
    match = iexact_any("help_request__email", emails)
    if user is not None and user.is_authenticated:
        match |= Q(help_request__user_id=user.pk)
    return FundingRequest.objects.filter(match)


def person_export(*, emails: Collection[str], user: User | None) -> dict[str, Any]:
    """The person's funding requests: budget lines, context and the decision. Two queries."""
    requests = (
        _of_person(emails, user)
        .select_related("help_request", "event_kind", "decision")
        .prefetch_related("lines__category")
        .order_by("help_request__submitted_at")
    )
    rows = []
    for funding in requests:
        decision: Decision | None = getattr(funding, "decision", None)
        rows.append(
            {
                "reference": funding.help_request.reference,
                "kind_of_event": str(funding.event_kind or ""),
                "expected_reach": funding.expected_reach,
                "other_funding": funding.other_funding,
                "sustainability": funding.sustainability,
                "budget": [
                    {
                        "description": line.description,
                        "category": str(line.category or ""),
                        "amount": line.amount,
                        "currency": line.currency,
                    }
                    for line in funding.lines.all()
                ],
                "decision": None
                if decision is None
                else {
                    "outcome": decision.public_outcome,
                    "amount": decision.amount,
                    "currency": decision.currency,
                    "message": decision.message,
                    "decided_at": decision.decided_at,
                },
            }
        )
    return {"funding_requests": rows}


def _anonymise(ids: Iterable[Any], *, text: str, who: str) -> Erased:
    """Take the person's words out of these (locked) funding requests, their budgets and the
    decisions' messages; their name (read from the help request, still intact) too."""
    erased = Erased(counts={"funding_requests": 0})
    locked = FundingRequest.objects.select_for_update(of=("self",)).filter(pk__in=list(ids))
    for funding in locked.select_related("help_request").order_by("pk"):
        names = [*name_parts(funding.help_request.name), funding.help_request.email]
        erased.values |= {funding.other_funding, funding.sustainability}
        funding.other_funding = text if funding.other_funding else ""
        funding.sustainability = text if funding.sustainability else ""
        funding.save(update_fields=["other_funding", "sustainability"])
        lines = list(BudgetLine.objects.filter(request=funding))
        for line in lines:
            erased.values.add(line.description)
            line.description = text
        BudgetLine.objects.bulk_update(lines, ["description"])
        for decision in Decision.objects.filter(request=funding):
            decision.message = redact_names(decision.message, names, who)
            decision.save(update_fields=["message"])
        erased.counts["funding_requests"] += 1
    erased.values.discard("")
    return erased


def person_erase(*, emails: Collection[str], user: User | None, by: User | None) -> Erased:
    """Erase the person's words from their funding requests (inside the erasure's transaction;
    a second run changes nothing more)."""
    with transaction.atomic():
        # Lock with the match read again: another erasure that just finished leaves nothing.
        # Only the person's own: a request their account sent for another address keeps it all.
        own = FundingRequest.objects.filter(
            own_rows(emails, user, email="help_request__email", by="help_request__user")
        )
        ids = list(own.select_for_update(of=("self",)).values_list("pk", flat=True))
        return _anonymise(ids, text=REMOVED, who=FORGOTTEN)


def funding_requests_anonymise(*, help_request_ids: Iterable[Any], text: str, who: str) -> int:
    """Retention: the funding requests of these help requests lose the person's words (call it
    before the help requests themselves are anonymised). Returns how many."""
    with transaction.atomic():
        return _anonymise(help_request_ids, text=text, who=who).counts["funding_requests"]
