"""The public help-request form: clear errors that write nothing, and a saved request otherwise."""

import logging
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertTemplateUsed

from help_requests.forms import CorrectionForm
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
        "needed_by": f"31 March {timezone.localdate().year + 1}",
        "links": "https://pyladies.com/lagos",
        "currency": "USD",
        "event_kind": "user-group",
        "lines": "3",
        "line-0-description": "Room hire for the meetup",
        "line-0-category": "venue",
        "line-0-amount": "500",
        "expected_reach": "40",
        "other_funding": "",
        "sustainability": "Members pay a small fee from the second year on.",
        "website": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def assert_nothing_written():
    assert HelpRequest.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


YESTERDAY = (timezone.localdate() - timedelta(days=1)).isoformat()
NEXT_YEAR = timezone.localdate().year + 1
BAD_EMAIL = "Enter an e-mail address in the correct format, like name@example.org."
BAD_DATE = f"Enter the date as a day, month and year, like 31 March {NEXT_YEAR}."

BAD_INPUT = [
    ("name", {"name": ""}, "Tell us your name, so we know who to answer."),
    ("email", {"email": ""}, "We need your e-mail address to answer you."),
    ("area", {"area": ""}, "Choose the area your request is about."),
    ("kinds", {"kinds": None}, "Tick at least one kind of help."),
    ("line-0-amount", {"line-0-amount": ""}, "Line 1: enter the amount, like 500."),
    ("currency", {"currency": ""}, "Choose the currency of your budget."),
    ("line-0-amount", {"line-0-amount": "-5"}, "Line 1: the amount must be more than zero."),
    ("line-0-amount", {"line-0-amount": "0"}, "Line 1: the amount must be more than zero."),
    ("needed_by", {"needed_by": YESTERDAY}, "This date is in the past."),
    (
        "links",
        {"links": "https://pyladies.com/lagos\nnot a web address"},
        "These are not web addresses (they should start with https://): not a web address",
    ),
    ("title", {"title": "Title\r\nBcc: victim@example.org"}, "The title must fit on one line."),
    ("name", {"name": "Grace\r\nBcc: victim@example.org"}, "Your name must fit on one line."),
    ("email", {"email": "not-an-address"}, BAD_EMAIL),
    ("email", {"email": "grace@example.org\r\nBcc: victim@example.org"}, BAD_EMAIL),
    ("needed_by", {"needed_by": "next Tuesday"}, BAD_DATE),
    (
        "line-0-amount",
        {"line-0-amount": "five hundred"},
        "Line 1: enter the amount in numbers, like 500 or 1250.50.",
    ),
    (
        "line-0-amount",
        {"line-0-amount": "12.345"},
        "Line 1: enter the amount with at most two decimals, like 1250.50.",
    ),
    ("title", {"title": "x" * 201}, "The title must be 200 characters or fewer."),
    ("type", {"type": "complaint"}, "Choose whether you need help or have a suggestion."),
    ("area", {"area": "cooking"}, "Choose an area from the list."),
    ("currency", {"currency": "XXX"}, "Choose a currency from the list."),
]


@pytest.mark.parametrize(
    ("field", "changes", "message"),
    BAD_INPUT,
    ids=[
        "missing-name",
        "missing-email",
        "missing-area",
        "missing-kinds",
        "funding-line-without-amount",
        "funding-without-currency",
        "negative-amount",
        "zero-amount",
        "needed-by-in-the-past",
        "bad-link-line",
        "header-injection-in-title",
        "header-injection-in-name",
        "invalid-email",
        "header-injection-in-email",
        "needed-by-unreadable",
        "amount-in-words",
        "amount-with-three-decimals",
        "title-too-long",
        "type-not-offered",
        "area-not-offered",
        "currency-not-offered",
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
    assert sorted(HelpRequest.objects.values_list("title", flat=True)) == ["First", "Second"]
    # The third comes back as it was sent, with the reason at the top, and nothing more saved.
    assert third.status_code == 429
    assertTemplateUsed(third, "help_requests/new.html")
    assertContains(third, 'value="Third"', status_code=429)
    assertContains(third, 'value="grace@example.org"', status_code=429)
    assertContains(third, "has been sent too many times from your connection", status_code=429)
    assertContains(third, "Wait a minute, then send it again", status_code=429)


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


# "Needed by": a date typed as people write it --------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        f"31 March {NEXT_YEAR}",
        f"31 march {NEXT_YEAR}",
        f"31 Mar {NEXT_YEAR}",
        f"31 Mar. {NEXT_YEAR}",
        f"31st March, {NEXT_YEAR}",
        f"March 31, {NEXT_YEAR}",
        f"31/03/{NEXT_YEAR}",
        f"31/3/{NEXT_YEAR}",
        f"31-03-{NEXT_YEAR}",
        f"31.03.{NEXT_YEAR}",
        f"31 3 {NEXT_YEAR}",
        f"{NEXT_YEAR}-03-31",
        f"  31   March   {NEXT_YEAR}  ",
    ],
)
def test_needed_by_accepts_a_date_written_in_the_usual_ways(client, help_kinds, typed):
    response = client.post(NEW_URL, form_data(needed_by=typed))

    assert response.status_code == 302, response.context["form"].errors
    assert HelpRequest.objects.get().needed_by == date(NEXT_YEAR, 3, 31)


def test_needed_by_forgives_sept(client, help_kinds):
    client.post(NEW_URL, form_data(needed_by=f"30 Sept {NEXT_YEAR}"))

    assert HelpRequest.objects.get().needed_by == date(NEXT_YEAR, 9, 30)


@pytest.mark.parametrize(
    "typed",
    [
        "soon",
        "next Tuesday",
        f"31 February {NEXT_YEAR}",
        f"31/13/{NEXT_YEAR}",
        f"03/31/{NEXT_YEAR}",  # month first: not how the hint writes it
        "31 March",
        f"31 Marchember {NEXT_YEAR}",
        f"31 March {NEXT_YEAR}\x00",
        "9" * 300,
    ],
)
def test_needed_by_says_clearly_when_it_cannot_read_a_date(client, help_kinds, typed):
    response = client.post(NEW_URL, form_data(needed_by=typed))

    assert response.status_code == 200
    assert response.context["form"].errors["needed_by"] == [BAD_DATE]
    assertContains(response, BAD_DATE)
    assert_nothing_written()


def test_needed_by_shows_the_example_and_stays_a_text_box(client, help_kinds):
    response = client.get(NEW_URL)

    assertContains(response, f"For example, 31 March {NEXT_YEAR}.")
    html = response.content.decode()
    [needed_by] = re.findall(r'<input[^>]*id="id_needed_by"[^>]*>', html)
    assert 'type="text"' in needed_by
    assert 'aria-describedby="id_needed_by_helptext"' in needed_by


def test_a_date_already_given_is_written_out_in_the_correction_form(help_request):
    help_request.needed_by = date(NEXT_YEAR, 3, 5)

    form = CorrectionForm(instance=help_request)

    assert f'value="5 March {NEXT_YEAR}"' in str(form["needed_by"])


def test_an_amount_may_be_written_with_thousands_separators(client, help_kinds):
    client.post(NEW_URL, form_data(**{"line-0-amount": "1,250.50"}))

    assert HelpRequest.objects.get().amount == Decimal("1250.50")
