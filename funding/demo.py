"""Demo funding for `make run`: rates, an open round with a budget, and funding requests in
different states (just sent, sent with too little notice for comfort, approved, declined)."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from help_requests.models import CannedReply, HelpKind, HelpRequest
from help_requests.replies import canned_reply_fill

from .models import BudgetCategory, Decision, EventKind, ExchangeRate, FundingRequest, ReviewRound
from .policy import LineInput
from .services import funding_decision_record, funding_request_submit, review_round_save

# US dollars for one unit, as a treasurer would copy them from a bank's reference rates.
DEMO_RATES = {
    "EUR": "1.08",
    "GBP": "1.27",
    "BRL": "0.18",
    "KES": "0.0077",
    "NGN": "0.00065",
    "INR": "0.012",
    "JPY": "0.0067",
}
DEMO_ROUND = "Community grants, demo round"

DEMO_FUNDING: list[dict[str, Any]] = [
    {
        "submit": {
            "name": "Amara Okafor",
            "email": "amara@example.org",
            "organisation": "PyCon Lagos",
            "area": HelpRequest.Area.EVENTS,
            "title": "Seed funding for the first PyCon Lagos",
            "description": "We are 12 volunteers planning a first 300-person PyCon in Lagos. "
            "Ticket sales and sponsors should cover later editions; we need help with the "
            "venue deposit and advice on a code of conduct team.",
            "links": "https://example.org/pycon-lagos",
            "currency": "USD",
            "event_kind": "conference",
            "weeks": 14,
            "expected_reach": 300,
            "other_funding": "Two local sponsors: 1,500 USD together. Tickets at 10 USD.",
            "sustainability": "Tickets and sponsors pay for the next editions; the venue "
            "deposit is the one cost we cannot raise before tickets go on sale.",
            "lines": [
                ("Venue deposit (two days, 300 people)", "venue", "2500"),
                ("Lunch and coffee for volunteers and speakers", "food", "1000"),
                ("Live captions for the talks", "accessibility", "500"),
            ],
        },
    },
    {
        "submit": {
            "name": "Lena Fischer",
            "email": "lena@example.org",
            "organisation": "EuroPython sprints",
            "area": HelpRequest.Area.CODE,
            "title": "Food and a room for the EuroPython sprint weekend",
            "description": "Two days of sprints after the conference for about 80 people.",
            "currency": "EUR",
            "event_kind": "sprint",
            "weeks": 10,
            "expected_reach": 80,
            "sustainability": "The conference covers the sprints from next year on.",
            "lines": [
                ("Room for two days", "venue", "600"),
                ("Lunches and coffee", "food", "900"),
            ],
        },
        "decision": {"outcome": Decision.Outcome.APPROVED, "reply": "Approval: next steps"},
    },
    {
        "submit": {
            "name": "Wanjiru Kamau",
            "email": "wanjiru@example.org",
            "organisation": "Nairobi Python meetup",
            "area": HelpRequest.Area.COMMUNITY,
            "title": "A year of venue hire for the Nairobi Python meetup",
            "description": "We meet monthly and would like a steady venue for a year.",
            "currency": "KES",
            "event_kind": "user-group",
            "weeks": 9,
            "expected_reach": 60,
            "sustainability": "We hope to find a host company during the year.",
            "lines": [("Venue hire, twelve evenings", "venue", "150000")],
        },
        "decision": {
            "outcome": Decision.Outcome.DECLINED,
            "reply": "Decline: the round's budget is spent",
        },
    },
    {
        "submit": {
            "name": "Rafael Souza",
            "email": "rafael@example.org",
            "organisation": "Python Brasil infra team",
            "area": HelpRequest.Area.INFRASTRUCTURE,
            "title": "Servers for a PyPI mirror in Brazil",
            "description": "A mirror close to Brazilian universities, for a year.",
            "currency": "BRL",
            "event_kind": "infrastructure",
            "weeks": 5,
            "expected_reach": 5000,
            "other_funding": "A university gives the network connection.",
            "sustainability": "The university takes over the hosting after the first year.",
            "lines": [("Two servers for a year", "hosting", "12000")],
        },
    },
]


def seed_rates() -> int:
    """A rate for each demo currency, unless it has one already."""
    since = timezone.localdate() - timedelta(days=30)
    added = 0
    for currency, rate in DEMO_RATES.items():
        if not ExchangeRate.objects.filter(currency=currency).exists():
            ExchangeRate.objects.create(
                currency=currency,
                usd_per_unit=Decimal(rate),
                valid_from=since,
                source="Demo data: not real rates",
            )
            added += 1
    return added


def seed_round(*, staff: User) -> ReviewRound | None:
    """An open round with a budget, unless one is open today already."""
    today = timezone.localdate()
    existing = ReviewRound.objects.filter(opens_on__lte=today, closes_on__gte=today).first()
    if existing is not None or ReviewRound.objects.filter(name=DEMO_ROUND).exists():
        return existing
    return review_round_save(
        name=DEMO_ROUND,
        public_name="PSF community grants",
        opens_on=today - timedelta(days=14),
        closes_on=today + timedelta(days=60),
        budget=Decimal("20000"),
        currency="USD",
        by=staff,
    )


def _submit(data: dict[str, Any]) -> HelpRequest:
    data = dict(data)
    lines = [
        LineInput(description, BudgetCategory.objects.get(code=code), Decimal(amount), index)
        for index, (description, code, amount) in enumerate(data.pop("lines"))
    ]
    weeks = data.pop("weeks")
    event_kind = EventKind.objects.get(code=data.pop("event_kind"))
    return funding_request_submit(
        **data,
        lines=lines,
        event_kind=event_kind,
        needed_by=timezone.localdate() + timedelta(weeks=weeks),
        kinds=list(HelpKind.objects.filter(code__in=["funding"])),
    )


def seed_funding(*, staff: User) -> int:
    """Rates, a round and the demo funding requests that are missing (by title)."""
    seed_rates()
    seed_round(staff=staff)
    created = 0
    for demo in DEMO_FUNDING:
        if HelpRequest.objects.filter(title=demo["submit"]["title"]).exists():
            continue
        with transaction.atomic():
            help_request = _submit(demo["submit"])
            decision = demo.get("decision")
            if decision:
                reply = CannedReply.objects.filter(title=decision["reply"]).first()
                message = canned_reply_fill(reply=reply, help_request=help_request) if reply else ""
                funding_decision_record(
                    funding_request=FundingRequest.objects.get(pk=help_request.pk),
                    by=staff,
                    outcome=decision["outcome"],
                    message=message or "The round's budget is spent.",
                )
        created += 1
    return created
