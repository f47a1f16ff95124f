"""Canned replies: the text staff insert, with {reference}, {name} and {amount} filled in.

The result is plain text, like anything staff type: the pages and e-mails that show it escape
it, so a name such as "<b>Ada</b>" reads as typed and is never markup.
"""

import re

from django.db.models import QuerySet

from common.money import format_money

from .models import CANNED_REPLY_PLACEHOLDERS, CannedReply, HelpRequest

_PLACEHOLDER = re.compile(r"\{(" + "|".join(CANNED_REPLY_PLACEHOLDERS) + r")\}")


def canned_reply_fill(*, reply: CannedReply, help_request: HelpRequest, amount: str = "") -> str:
    """The reply's text for this request. `amount` is what it names (an amount approved, say);
    without one, {amount} is the amount the request asks for, if any.

    Placeholders are replaced by a plain search, never str.format: a reply cannot reach
    attributes of what fills it.
    """
    if not amount and help_request.amount is not None:
        amount = format_money(help_request.amount, help_request.currency)
    values = {
        "reference": help_request.reference,
        "name": help_request.name or "there",
        "amount": amount,
    }
    return _PLACEHOLDER.sub(lambda match: values[match[1]], reply.body)


def canned_replies_for(help_request: HelpRequest) -> QuerySet[CannedReply]:
    """The active replies that fit the request: an approval's next steps only where money is
    asked for."""
    replies = CannedReply.objects.filter(active=True)
    if help_request.amount is None:
        replies = replies.exclude(purpose=CannedReply.Purpose.APPROVAL)
    return replies


def canned_reply_choices(help_request: HelpRequest) -> list[tuple[str, object]]:
    """The replies that fit the request, for a <select>, grouped by what they are for (one
    query)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    labels = dict(CannedReply.Purpose.choices)
    for reply in canned_replies_for(help_request):
        groups.setdefault(labels[reply.purpose], []).append((str(reply.pk), reply.title))
    return [("", "No canned reply"), *groups.items()]
