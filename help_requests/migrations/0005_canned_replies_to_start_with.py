"""A few canned replies to start from; staff keep them in the admin (Help requests → Canned
replies)."""

from django.db import migrations

REPLIES = [
    (
        "Needs more information: the budget",
        "question",
        "Thank you for your request {reference}, {name}. Before we can decide, could you tell "
        "us more about your budget: which quotes you have for the larger lines, and who else is "
        "paying for the event?\n\nYou can answer, and correct your request, on this page.",
    ),
    (
        "Needs more information: sustainability",
        "question",
        "Thank you for your request {reference}, {name}. The PSF funds a start: how will this "
        "carry on after our grant (tickets, sponsors, membership, volunteers)?",
    ),
    (
        "Decline: the round's budget is spent",
        "decline",
        "Thank you for asking the PSF, {name}. This round's budget is spent, so we cannot fund "
        "{reference} this time. You are welcome to ask again in the next round.",
    ),
    (
        "Decline: outside what the PSF funds",
        "decline",
        "Thank you for asking the PSF, {name}. What {reference} asks for is outside what the "
        "PSF funds, so we cannot fund it. Advice or introductions may still help: tell us on "
        "your status page if so.",
    ),
    (
        "Approval: next steps",
        "approval",
        "The PSF approved {amount} for {reference}.\n\nNext steps: the PSF's accounts team "
        "will write to you about the payment (they never ask for bank details on this site). "
        "After the event, tell us on your status page how many people came and what the money "
        "paid for.",
    ),
]


def add_replies(apps, schema_editor):
    CannedReply = apps.get_model("help_requests", "CannedReply")
    for position, (title, purpose, body) in enumerate(REPLIES):
        CannedReply.objects.get_or_create(
            title=title, defaults={"purpose": purpose, "body": body, "position": position}
        )


def remove_replies(apps, schema_editor):
    apps.get_model("help_requests", "CannedReply").objects.filter(
        title__in=[title for title, *_ in REPLIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("help_requests", "0004_canned_replies_and_decisions")]
    operations = [migrations.RunPython(add_replies, remove_replies)]
