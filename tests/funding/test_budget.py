"""An itemised budget on the help form: lines that total themselves on the server, in Decimal,
in one ISO 4217 currency; without JavaScript, "Add another line" brings the form back as typed."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from common.money import format_money
from funding.models import BudgetLine, FundingRequest
from help_requests.models import HelpRequest
from notifications.models import OutboundEmail

from ..help_requests.test_form import form_data
from .factories import rate

pytestmark = pytest.mark.django_db

NEW_URL = reverse("help_requests:new")


@pytest.fixture(autouse=True)
def rates(db):
    """The form offers the currencies the PSF keeps a rate for: these tests use three."""
    for currency, usd_per_unit in (("EUR", "1.08"), ("JPY", "0.0067"), ("UGX", "0.00027")):
        rate(currency, usd_per_unit)


def budget(*lines: tuple[str, str, str], **changes: str) -> dict:
    data = form_data(**changes)
    for index in range(3):
        for part in ("description", "category", "amount"):
            data.pop(f"line-{index}-{part}", None)
    data["lines"] = str(max(3, len(lines)))
    for index, (description, category, amount) in enumerate(lines):
        data[f"line-{index}-description"] = description
        data[f"line-{index}-category"] = category
        data[f"line-{index}-amount"] = amount
    return data


def test_the_total_is_the_sum_of_the_lines_in_decimal_never_float(client, help_kinds):
    # As floats, 0.1 + 0.2 is 0.30000000000000004.
    response = client.post(
        NEW_URL,
        budget(("Stamps", "materials", "0.10"), ("Envelopes", "materials", "0.20"), currency="EUR"),
    )

    assert response.status_code == 302, response.context["form"].errors
    help_request = HelpRequest.objects.get()
    assert help_request.amount == Decimal("0.30")
    assert isinstance(help_request.amount, Decimal)
    assert help_request.currency == "EUR"
    lines = list(BudgetLine.objects.order_by("position"))
    assert [(row.position, row.description, row.amount, row.currency) for row in lines] == [
        (1, "Stamps", Decimal("0.10"), "EUR"),
        (2, "Envelopes", Decimal("0.20"), "EUR"),
    ]
    assert sum(row.amount for row in lines) == help_request.amount


def test_empty_rows_are_left_out_and_lines_keep_their_order(client, help_kinds):
    data = budget(
        ("Room", "venue", "400"), ("", "", ""), ("Lunch", "food", "1,100.50"), event_kind="workshop"
    )

    client.post(NEW_URL, data)

    funding = FundingRequest.objects.get()
    assert [row.description for row in funding.lines.all()] == ["Room", "Lunch"]
    assert funding.help_request.amount == Decimal("1500.50")
    assert funding.event_kind.code == "workshop"
    assert funding.expected_reach == 40


def test_a_row_filled_in_part_says_what_is_missing_and_nothing_is_saved(client, help_kinds):
    response = client.post(NEW_URL, budget(("Room", "venue", "400"), ("Lunch", "", "")))

    errors = response.context["form"].errors
    assert errors["line-1-category"] == ["Line 2: choose a category."]
    assert errors["line-1-amount"] == ["Line 2: enter the amount, like 500."]
    assertContains(response, '<a href="#id_line-1-category">Line 2: choose a category.</a>')
    assert HelpRequest.objects.count() == 0


def test_a_budget_needs_a_line(client, help_kinds):
    response = client.post(NEW_URL, budget())

    assert response.context["form"].errors["line-0-description"] == [
        "Add at least one line to your budget: what it is for and how much."
    ]


@pytest.mark.parametrize(
    ("currency", "amount", "saved"),
    [("JPY", "150000", "150000.00"), ("UGX", "3,000,000", "3000000.00"), ("EUR", "0.01", "0.01")],
)
def test_amounts_follow_their_currency_s_minor_units(client, help_kinds, currency, amount, saved):
    client.post(NEW_URL, budget(("Room", "venue", amount), currency=currency, event_kind="other"))

    assert HelpRequest.objects.get().amount == Decimal(saved)


def test_yen_have_no_decimals(client, help_kinds):
    response = client.post(NEW_URL, budget(("Room", "venue", "1500.50"), currency="JPY"))

    assert response.context["form"].errors["line-0-amount"] == [
        "Line 1: amounts in JPY are whole numbers, like 50000."
    ]


def test_a_currency_outside_iso_4217_is_refused(client, help_kinds):
    response = client.post(NEW_URL, budget(("Room", "venue", "10"), currency="XBT"))

    assert response.context["form"].errors["currency"] == ["Choose a currency from the list."]


def test_lines_at_their_limits_are_saved_and_a_total_past_the_column_is_refused(client, help_kinds):
    longest = "Ünïcödé ✓ " * 19 + "Ünïcödé ✓!"  # 200 characters
    most = "9999999999.99"
    saved = client.post(
        NEW_URL, budget((longest, "venue", most), currency="USD", event_kind="other")
    )
    assert saved.status_code == 302
    assert BudgetLine.objects.get().description == longest
    assert HelpRequest.objects.get().amount == Decimal(most)

    too_much = client.post(
        NEW_URL,
        budget(("Room", "venue", most), ("More", "venue", "0.01"), event_kind="other"),
    )
    assert too_much.status_code == 200
    (message,) = too_much.context["form"].errors["line-0-amount"]
    assert "more than the portal can take" in message
    assert HelpRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        (("x" * 201, "venue", "10"), "description", "Line 1's description must be 200 characters"),
        (("Room\x00", "venue", "10"), "description", "Null characters are not allowed."),
        (("Room\r\nBcc: x@example.org", "venue", "10"), "description", "must fit on one line"),
        (("Room", "no-such-category", "10"), "category", "Line 1: choose a category from the list"),
        (("Room", "venue", "10000000000"), "amount", "Line 1: enter an amount below"),
    ],
)
def test_bad_lines_get_a_message_on_their_field(client, help_kinds, line, field, message):
    response = client.post(NEW_URL, budget(line))

    errors = response.context["form"].errors[f"line-0-{field}"]
    assert message in errors[0]
    assert response.status_code == 200
    assert HelpRequest.objects.count() == 0


def test_add_another_line_without_javascript_keeps_what_was_typed_and_saves_nothing(
    client, help_kinds
):
    data = budget(("Room", "venue", "400"), ("Lunch", "food", "250.50"), title="Typed title")
    data["add_line"] = "1"

    response = client.post(NEW_URL, data)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.line_count == 4
    assertContains(response, 'id="id_line-3-description"')
    assertContains(response, 'value="Typed title"')
    assertContains(response, 'value="Lunch"')
    assertContains(response, '<input type="hidden" name="lines" value="4"')
    # Worked out by the server, for people without JavaScript.
    assertContains(response, "650.50 USD")
    # Nothing is checked yet, so nothing reads as a problem.
    assertNotContains(response, "There is a problem")
    assert not response.context["form"].errors
    assert (HelpRequest.objects.count(), OutboundEmail.objects.count()) == (0, 0)

    data.pop("add_line")
    data["lines"] = "4"
    data.update({"line-3-description": "Captions", "line-3-category": "accessibility"})
    data["line-3-amount"] = "99.50"
    client.post(NEW_URL, data)
    assert HelpRequest.objects.get().amount == Decimal("750.00")


def test_the_number_of_rows_is_capped(client, help_kinds):
    data = budget(("Room", "venue", "400"))
    data.update({"lines": "999", "add_line": "1"})

    response = client.post(NEW_URL, data)

    assert response.context["form"].line_count == 30


def test_enter_sends_the_form_not_add_another_line(client, help_kinds):
    """The first submit button is the one Enter presses: a copy of "Send to the PSF"."""
    html = client.get(NEW_URL).content.decode()

    buttons = re.findall(r"<button[^>]*type=\"submit\"[^>]*>", html)
    assert 'name="submit"' in buttons[0]
    assert any('name="add_line"' in b for b in buttons[1:])


def test_funding_fields_are_ignored_when_funding_is_not_asked_for(client, help_kinds):
    data = budget(("Prizes", "prizes", "abc"), kinds=["advice"], currency="")

    response = client.post(NEW_URL, data)

    assert response.status_code == 302
    help_request = HelpRequest.objects.get()
    assert (help_request.amount, help_request.currency) == (None, "")
    assert not FundingRequest.objects.exists()


def test_money_is_written_with_its_currency_and_minor_units():
    assert format_money(Decimal("2400"), "EUR") == "2,400.00 EUR"
    assert format_money(Decimal("150000"), "JPY") == "150,000 JPY"
    assert format_money(Decimal("0.005"), "USD") == "0.01 USD"  # half up, to the cent
