"""Review rounds and decisions: opening a round with its budget, recording what staff decide."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from common.money import fits_currency, format_money
from help_requests.models import HelpRequest, HelpRequestEvent
from help_requests.services import submitter_thread
from notifications.services import AUTO_GENERATED, NOT_AUTOMATIC, email_queue

from ..models import Decision, FundingRequest, ReviewRound
from ..rates import RateTable


def review_round_check(
    *,
    review_round: ReviewRound | None,
    name: str,
    opens_on: date,
    closes_on: date,
    budget: Decimal,
    currency: str,
) -> None:
    """The rules for a round's name, dates and budget; raises ValidationError keyed by field."""
    same_name = ReviewRound.objects.filter(name=name)
    if review_round is not None:
        same_name = same_name.exclude(pk=review_round.pk)
    if same_name.exists():
        raise ValidationError({"name": f"There is a round called “{name}” already."})
    if closes_on < opens_on:
        raise ValidationError({"closes_on": "A round closes on or after the day it opens."})
    if not fits_currency(budget, currency):
        raise ValidationError({"budget": f"Amounts in {currency} are whole numbers."})
    others = ReviewRound.objects.filter(opens_on__lte=closes_on, closes_on__gte=opens_on)
    if review_round is not None:
        others = others.exclude(pk=review_round.pk)
    clash = others.first()
    if clash is not None:
        raise ValidationError(
            {
                "opens_on": f"These dates overlap “{clash}” ({clash.opens_on:%d %b %Y} to "
                f"{clash.closes_on:%d %b %Y}): requests would not know which round to join."
            }
        )
    if review_round is None:
        return
    decisions = review_round.decisions.all()
    if currency != review_round.currency and decisions.exists():
        raise ValidationError(
            {"currency": "Decisions were recorded in this round's currency: it cannot change."}
        )
    approved = decisions.aggregate(total=Sum("round_amount"))["total"] or Decimal(0)
    if budget < approved:
        raise ValidationError(
            {
                "budget": f"{format_money(approved, review_round.currency)} is approved in this "
                "round already: the budget cannot be less."
            }
        )


def review_round_save(
    *,
    review_round: ReviewRound | None = None,
    name: str,
    public_name: str = "",
    opens_on: date,
    closes_on: date,
    budget: Decimal,
    currency: str,
    by: User,
) -> ReviewRound:
    """Open a round (or change one). Funding requests submitted within its dates that are in no
    round and have no decision join it."""
    with transaction.atomic():
        if review_round is not None:
            review_round = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
        review_round_check(
            review_round=review_round,
            name=name,
            opens_on=opens_on,
            closes_on=closes_on,
            budget=budget,
            currency=currency,
        )
        if review_round is None:
            review_round = ReviewRound(created_by=by)
        review_round.name, review_round.public_name = name, public_name.strip()
        review_round.opens_on, review_round.closes_on = opens_on, closes_on
        review_round.budget, review_round.currency = budget, currency
        review_round.save()
        FundingRequest.objects.filter(
            round__isnull=True,
            decision__isnull=True,
            help_request__submitted_at__date__gte=opens_on,
            help_request__submitted_at__date__lte=closes_on,
        ).update(round=review_round)
    return review_round


def _decision_amount(
    funding: FundingRequest, outcome: str, amount: Decimal | None, message: str
) -> Decimal | None:
    """What is approved, in the request's currency, by the outcome's rules."""
    help_request = funding.help_request
    asked = help_request.amount
    if outcome == Decision.Outcome.DECLINED:
        if not message.strip():
            raise ValidationError(
                {"message": "Give the reason for declining: the submitter reads it."}
            )
        return None
    if asked is None:
        raise ValidationError({"outcome": "This request has no budget to approve."})
    if outcome == Decision.Outcome.APPROVED:
        return asked
    if amount is None:
        raise ValidationError({"amount": "Enter the amount you approve, like 1500."})
    currency = help_request.currency
    if amount <= 0:
        raise ValidationError({"amount": "The amount approved must be more than zero."})
    if not fits_currency(amount, currency):
        raise ValidationError({"amount": f"Amounts in {currency} are whole numbers."})
    if amount >= asked:
        raise ValidationError(
            {
                "amount": f"Part of the {format_money(asked, currency)} asked must be less than "
                "it: to approve all of it, choose “Approve in full”."
            }
        )
    return amount


def review_round_approved(review_round: ReviewRound) -> Decimal:
    """What the round has approved so far, in its currency (call it under the round's lock)."""
    total = review_round.decisions.aggregate(total=Sum("round_amount"))["total"]
    return total or Decimal(0)


def funding_decision_record(
    *,
    funding_request: FundingRequest,
    by: User,
    outcome: str,
    amount: Decimal | None = None,
    message: str = "",
    review_round: ReviewRound | None = None,
) -> Decision:
    """Record a reviewer's decision, once, and tell the submitter.

    An approval counts against its round's budget in the round's currency, at the US dollar
    rates of the day. The round row, then the request row, are locked before anything is read,
    so two reviewers deciding at the same moment are taken one after the other: the second sees
    the first's decision (on the same request: refused) and what is left of the budget (more
    than is left: refused). Raises ValidationError keyed by the decision form's fields.
    """
    if outcome not in Decision.Outcome.values:
        raise ValidationError({"outcome": "Choose a decision."})
    approving = outcome in Decision.APPROVALS
    today = timezone.localdate()
    with transaction.atomic():
        # Rounds are always locked before requests (review_round_save does the same).
        round_id = review_round.pk if review_round is not None else None
        if round_id is None:
            round_id = (
                FundingRequest.objects.filter(pk=funding_request.pk)
                .values_list("round_id", flat=True)
                .first()
            )
        round_ = None
        if approving and round_id is not None:
            round_ = ReviewRound.objects.select_for_update().get(pk=round_id)
        funding = (
            FundingRequest.objects.select_for_update(of=("self",))
            .select_related("help_request")
            .get(pk=funding_request.pk)
        )
        earlier = Decision.objects.filter(request=funding).select_related("decided_by").first()
        if earlier is not None:
            who = earlier.decided_by.email if earlier.decided_by else "a reviewer"
            raise ValidationError(
                f"{who} recorded a decision on {date_format(earlier.decided_at, 'j F Y')} "
                f"already: {earlier}."
            )
        if review_round is None and funding.round_id != round_id:
            raise ValidationError("The request moved to another round meanwhile: try again.")
        help_request = funding.help_request
        if help_request.status == HelpRequest.Status.SPAM:
            raise ValidationError("This request is marked as spam: there is nothing to decide.")
        approved = _decision_amount(funding, outcome, amount, message)
        decision = Decision(
            request=funding,
            outcome=outcome,
            currency=help_request.currency,
            message=message.strip(),
            decided_by=by,
            round_id=round_id,
        )
        if approved is not None:
            if round_ is None:
                raise ValidationError(
                    {"review_round": "Choose the review round whose budget pays for it."}
                )
            rates = RateTable.load()
            in_round = rates.convert(approved, help_request.currency, round_.currency, today)
            rate = rates.rate(help_request.currency, today)
            if in_round is None or rate is None:
                missing = help_request.currency if rate is None else round_.currency
                raise ValidationError(
                    {
                        "review_round": f"There is no exchange rate for {missing}: add one "
                        "under Funding → Exchange rates first."
                    }
                )
            remaining = round_.budget - review_round_approved(round_)
            if in_round > remaining:
                left = format_money(max(remaining, Decimal(0)), round_.currency)
                asking = format_money(in_round, round_.currency)
                field = "amount" if outcome == Decision.Outcome.PARTIAL else "outcome"
                raise ValidationError(
                    {
                        field: f"Only {left} is left in {round_}: approving {asking} would go "
                        "over its budget. Approve less, or decide in another round."
                    }
                )
            decision.amount, decision.round_amount = approved, in_round
            decision.usd_per_unit, decision.rate_date = rate.usd_per_unit, rate.valid_from
        decision.save()
        if round_id is not None and funding.round_id != round_id:
            funding.round_id = round_id
            funding.save(update_fields=["round"])
        _record_decision(help_request, decision, by)
    return decision


def _record_decision(help_request: HelpRequest, decision: Decision, by: User) -> None:
    """The decision in the request's history, the request's status, and the submitter's e-mail."""
    locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
    HelpRequestEvent.objects.create(
        request=locked,
        actor=by,
        field=HelpRequestEvent.Field.DECISION,
        new=str(decision),
        note=decision.message,
    )
    status = (
        HelpRequest.Status.DECLINED if not decision.is_approval else HelpRequest.Status.IN_PROGRESS
    )
    changed = ["answer_due", "nudge_level"]
    if status != locked.status and not locked.is_closed:
        HelpRequestEvent.objects.create(
            request=locked,
            actor=by,
            field=HelpRequestEvent.Field.STATUS,
            old=locked.status,
            new=status,
        )
        locked.status = status
        locked.closed_at = timezone.now() if status in HelpRequest.CLOSED else None
        changed += ["status", "closed_at"]
    locked.answer_due, locked.nudge_level = None, 0
    locked.save(update_fields=[*changed, "updated_at"])
    if not locked.email:
        return
    asked = format_money(locked.amount, locked.currency)
    email_queue(
        to=[locked.email],
        template="funding/decision",
        context={
            # To an address nobody proved: our words and the status link, never their name
            # or title.
            "reference": locked.reference,
            "outcome": decision.outcome,
            "public_outcome": decision.public_outcome,
            "approved": format_money(decision.amount, decision.currency),
            "asked": asked,
            "message": decision.message,
            "status_url": f"{settings.SITE_URL}{locked.get_absolute_url()}",
        },
        # One decision per request, ever: the key names the transition, not a time.
        key=f"help-request:{locked.pk}:funding-decision",
        # Staff's message is a person's words (RFC 3834); a decision without one is a notice.
        auto_submitted=NOT_AUTOMATIC if decision.message else AUTO_GENERATED,
        **submitter_thread(locked),  # in the request's thread; a reply by e-mail reaches it
    )
