"""The public help-request form: clear errors that write nothing, and a saved request otherwise."""

import logging
import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertTemplateUsed

from help_requests.models import HelpRequest
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db

NEW_URL = reverse("help_requests:new")


def form_data(**changes):
    """A complete, valid funding request as a browser posts it; `None` leaves a field out."""
    data = {
        "type": "help",
        "name": "Grace Hopper",
        "email": "grace@example.org",
        "organisation": "PyLadies Lagos",
        "area": "community",
        "kinds": ["funding", "advice"],
        "title": "Venue money for our meetup",
        "description": "We need a room for the monthly meetup.",
        "amount": "500",
        "currency": "USD",
        "needed_by": "",
        "links": "https://pyladies.com/lagos",
        "website": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def assert_nothing_written():
    assert HelpRequest.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


YESTERDAY = (timezone.localdate() - timedelta(days=1)).isoformat()

BAD_INPUT = [
    ("name", {"name": ""}, "Tell us your name, so we know who to answer."),
    ("email", {"email": ""}, "We need your e-mail address to answer you."),
    ("area", {"area": ""}, "Choose the area your request is about."),
    ("kinds", {"kinds": None}, "Tick at least one kind of help."),
    ("amount", {"amount": ""}, "Tell us how much funding you need."),
    ("currency", {"currency": ""}, "Choose the currency of the amount."),
    ("amount", {"amount": "-5"}, "The amount must be more than zero."),
    ("amount", {"amount": "0"}, "The amount must be more than zero."),
    ("needed_by", {"needed_by": YESTERDAY}, "This date is in the past."),
    (
        "links",
        {"links": "https://pyladies.com/lagos\nnot a web address"},
        "These are not web addresses (they should start with https://): not a web address",
    ),
    ("title", {"title": "Title\r\nBcc: victim@example.org"}, "The title must fit on one line."),
    ("name", {"name": "Grace\r\nBcc: victim@example.org"}, "Your name must fit on one line."),
    ("email", {"email": "not-an-address"}, "Enter a valid e-mail address."),
    (
        "email",
        {"email": "grace@example.org\r\nBcc: victim@example.org"},
        "Enter a valid e-mail address.",
    ),
]


@pytest.mark.parametrize(
    ("field", "changes", "message"),
    BAD_INPUT,
    ids=[
        "missing-name",
        "missing-email",
        "missing-area",
        "missing-kinds",
        "funding-without-amount",
        "funding-without-currency",
        "negative-amount",
        "zero-amount",
        "needed-by-in-the-past",
        "bad-link-line",
        "header-injection-in-title",
        "header-injection-in-name",
        "invalid-email",
        "header-injection-in-email",
    ],
)
def test_bad_input_is_explained_next_to_its_field_and_nothing_is_saved(
    client, help_kinds, field, changes, message
):
    response = client.post(NEW_URL, form_data(**changes))

    assert response.status_code == 200
    form = response.context["form"]
    assert message in form.errors[field], form.errors
    assertContains(response, message)
    assert_nothing_written()


def test_a_bad_link_message_names_only_the_bad_line(client, help_kinds):
    response = client.post(
        NEW_URL, form_data(links="https://ok.example.org\nftp://files.example.org/x")
    )

    (error,) = response.context["form"].errors["links"]
    assert "ftp://files.example.org/x" in error
    assert "ok.example.org" not in error
    assert_nothing_written()


def test_the_form_keeps_what_the_user_typed_after_an_error(client, help_kinds):
    response = client.post(
        NEW_URL,
        form_data(
            name="",
            title="Travel grants for DjangoCon Africa",
            description="Twelve speakers need flights.",
            organisation="DjangoCon Africa",
        ),
    )

    assert response.status_code == 200
    assertContains(response, 'value="Travel grants for DjangoCon Africa"')
    assertContains(response, 'value="DjangoCon Africa"')
    assertContains(response, 'value="grace@example.org"')
    assertContains(response, "Twelve speakers need flights.")
    assert_nothing_written()


def test_a_suggestion_needs_only_a_title_and_text(client, help_kinds):
    response = client.post(
        NEW_URL,
        {
            "type": "suggestion",
            "title": "Publish the grants calendar",
            "description": "It would help us plan.",
        },
    )

    assert response.status_code == 302
    suggestion = HelpRequest.objects.get()
    assert suggestion.type == HelpRequest.Type.SUGGESTION
    assert suggestion.email == ""
    # Staff hear about it; nobody can be sent a receipt.
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == ["psf@python.org"]


def test_a_filled_honeypot_looks_like_success_and_saves_nothing(client, help_kinds, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.post(NEW_URL, form_data(website="https://cheap-pills.example"))

    assert response.status_code == 200
    assertTemplateUsed(response, "help_requests/thanks.html")
    assert_nothing_written()
    assert any("spam.honeypot" in record.getMessage() for record in caplog.records)


def test_too_many_posts_from_one_address_get_429_and_save_nothing_more(
    client, help_kinds, settings
):
    settings.RATELIMIT_FORM_RATE = "2/m"

    with time_machine.travel(timezone.now(), tick=False):
        first = client.post(NEW_URL, form_data(title="First"))
        second = client.post(NEW_URL, form_data(title="Second"))
        third = client.post(NEW_URL, form_data(title="Third"))

    assert (first.status_code, second.status_code) == (302, 302)
    assert third.status_code == 429
    assert sorted(HelpRequest.objects.values_list("title", flat=True)) == ["First", "Second"]


def test_a_valid_request_goes_to_its_private_status_page_and_reaches_the_psf(client, help_kinds):
    response = client.post(NEW_URL, form_data())

    help_request = HelpRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/help/status/{help_request.token}/"
    assert re.fullmatch(r"HR-\d{4}-\d{4}", help_request.reference)
    assert sorted(help_request.kinds.values_list("code", flat=True)) == ["advice", "funding"]
    assert help_request.amount == 500
    assert help_request.currency == "USD"
    assert help_request.user is None
    emails = {row.to: row.template for row in OutboundEmail.objects.all()}
    assert emails == {
        "psf@python.org": "help_requests/new_staff",
        "grace@example.org": "help_requests/receipt",
    }


def test_a_signed_in_user_finds_their_email_filled_in_and_the_request_linked_to_them(
    client, help_kinds, user
):
    client.force_login(user)

    page = client.get(NEW_URL)
    assertContains(page, f'value="{user.email}"')

    response = client.post(NEW_URL, form_data(email=user.email))
    assert response.status_code == 302
    assert HelpRequest.objects.get().user == user
