"""The single amount of the requests sent before budgets were itemised becomes a budget of one
line, so every funding request has a budget whose total is its amount.

A request with an amount but no currency (only a script could make one) gets its funding row and
no line: the admin shows it with no budget, and nothing is invented.
"""

from django.db import migrations
from django.db.models import Q

LEGACY_LINE = "Amount asked for (before budgets were itemised)"


def itemise(apps, schema_editor):
    HelpRequest = apps.get_model("help_requests", "HelpRequest")
    FundingRequest = apps.get_model("funding", "FundingRequest")
    BudgetLine = apps.get_model("funding", "BudgetLine")
    legacy = HelpRequest.objects.filter(amount__isnull=False, funding__isnull=True)
    for help_request in legacy.iterator():
        funding = FundingRequest.objects.create(help_request=help_request)
        if help_request.currency:
            BudgetLine.objects.create(
                request=funding,
                position=1,
                description=LEGACY_LINE,
                amount=help_request.amount,
                currency=help_request.currency.upper(),
            )


def undo(apps, schema_editor):
    """The amounts stay on the requests; only the one-line budgets made here go."""
    FundingRequest = apps.get_model("funding", "FundingRequest")
    made_here = Q(lines__description=LEGACY_LINE) | Q(lines__isnull=True)
    FundingRequest.objects.filter(made_here, event_kind__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0002_rules"),
        ("help_requests", "0004_canned_replies_and_decisions"),
    ]
    operations = [migrations.RunPython(itemise, undo)]
