"""Staff triage a funding request from their "New help request" e-mail: it says the amount (and
in US dollars), what it is for, when, the review round, and how each rule of the PSF stood."""

import pytest

from funding.models import EventKind
from notifications.models import OutboundEmail
from notifications.rendering import email_render

from .factories import line, open_round, rate, submit_funding

pytestmark = pytest.mark.django_db


def staff_email() -> OutboundEmail:
    return OutboundEmail.objects.get(template="help_requests/new_staff")


def test_the_staff_e_mail_names_amount_currency_round_and_rules(help_kinds):
    rate("EUR", "1.08")
    autumn = open_round(public_name="PSF grants")
    submit_funding(currency="EUR", kind="sprint", lines=[line("Room", "venue", "1500")])

    message = email_render(email=staff_email())

    text = message.body
    assert "Amount asked: 1,500.00 EUR (about 1,620.00 USD)" in text
    assert f"What the money is for: {EventKind.objects.get(code='sprint').label}" in text
    assert f"Review round: {autumn.name}" in text
    assert "Within the most the PSF gives for this kind of event: Met" in text
    html = message.alternatives[0][0]
    assert "<strong>Amount asked:</strong> 1,500.00 EUR (about 1,620.00 USD)" in html


def test_without_an_open_round_the_staff_e_mail_says_so(help_kinds):
    submit_funding()

    assert "Review round: None open today" in email_render(email=staff_email()).body


def test_the_submitter_s_receipt_carries_none_of_it(help_kinds):
    submit_funding(lines=[line("Room", "venue", "1234")])

    receipt = OutboundEmail.objects.get(template="help_requests/receipt")
    assert "facts" not in receipt.context
    assert "1,234" not in email_render(email=receipt).body
