"""The rules staff start from: the notice the PSF asks for, budget categories (and what the PSF
does not fund), and kinds of event with a maximum each. All of it is edited in the admin."""

from decimal import Decimal

from django.db import migrations

# code, label, funded, explanation, keywords
CATEGORIES = [
    ("venue", "Venue and equipment hire", True, "", ""),
    ("food", "Food and drink", True, "", ""),
    ("accessibility", "Accessibility (captions, childcare, access)", True, "", ""),
    ("financial-aid", "Financial aid for attendees", True, "", ""),
    ("hosting", "Hosting and infrastructure", True, "", ""),
    ("materials", "Printing and materials", True, "", ""),
    ("other", "Something else", True, "", ""),
    (
        "prizes",
        "Prizes and giveaways",
        False,
        "The PSF does not fund prizes, raffles or gift cards. Take this line out: sponsors "
        "often give prizes.",
        "prize\nraffle\ngiveaway\ngift card\nlottery",
    ),
    (
        "swag",
        "Swag and merchandise",
        False,
        "The PSF does not fund swag such as T-shirts, stickers or mugs. Take this line out, or "
        "ask a sponsor to provide it.",
        "swag\nt-shirt\ntshirt\nsticker\nhoodie\nmug\nmerchandise",
    ),
    (
        "personal-travel",
        "Personal travel",
        False,
        "The PSF does not fund the organisers' own travel or accommodation. Take this line out; "
        "help for attendees who could not come otherwise is “Financial aid for attendees”.",
        "personal travel\nmy flight\nmy hotel\norganiser travel\norganizer travel",
    ),
]

# code, label, maximum in USD (None: no maximum)
EVENT_KINDS = [
    ("conference", "Conference", Decimal("10000")),
    ("sprint", "Sprint or hackathon", Decimal("2000")),
    ("user-group", "User group or meetup", Decimal("1500")),
    ("workshop", "Workshop or training", Decimal("3000")),
    ("infrastructure", "Infrastructure or hosting", Decimal("5000")),
    ("other", "Something else", None),
]


def add_rules(apps, schema_editor):
    FundingPolicy = apps.get_model("funding", "FundingPolicy")
    BudgetCategory = apps.get_model("funding", "BudgetCategory")
    EventKind = apps.get_model("funding", "EventKind")
    FundingPolicy.objects.get_or_create(
        id=1, defaults={"preferred_lead_weeks": 8, "minimum_lead_working_days": 15}
    )
    for position, (code, label, funded, explanation, keywords) in enumerate(CATEGORIES):
        BudgetCategory.objects.update_or_create(
            code=code,
            defaults={
                "label": label,
                "position": position,
                "funded": funded,
                "explanation": explanation,
                "keywords": keywords,
            },
        )
    for position, (code, label, maximum) in enumerate(EVENT_KINDS):
        EventKind.objects.update_or_create(
            code=code,
            defaults={
                "label": label,
                "position": position,
                "max_amount": maximum,
                "max_currency": "USD",
            },
        )


def remove_rules(apps, schema_editor):
    apps.get_model("funding", "EventKind").objects.filter(
        code__in=[code for code, *_ in EVENT_KINDS]
    ).delete()
    apps.get_model("funding", "BudgetCategory").objects.filter(
        code__in=[code for code, *_ in CATEGORIES]
    ).delete()
    apps.get_model("funding", "FundingPolicy").objects.filter(id=1).delete()


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]
    operations = [migrations.RunPython(add_rules, remove_rules)]
