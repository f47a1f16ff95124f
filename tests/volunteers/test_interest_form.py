"""“I'm interested” on a role page: clear errors, one hand per person, e-mails to all concerned."""

import logging
import re
from unittest import mock

import pytest
import time_machine
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from notifications.models import OutboundEmail
from notifications.tasks import send_outbound_email
from volunteers.models import Role, RoleInterest
from volunteers.services import (
    InterestAlreadyRegistered,
    RoleNotOpen,
    role_interest_register,
    role_interest_set_status,
    role_set_status,
)

from ..concurrency import run_together
from ..conftest import ON_POSTGRES
from ..factories import RoleFactory

pytestmark = pytest.mark.django_db

URL = "/roles/postmaster/"
BAD_EMAIL = "Enter an e-mail address in the correct format, like name@example.org."


@pytest.fixture
def role(areas) -> Role:
    return RoleFactory(
        title="Postmaster",
        slug="postmaster",
        contact_name="PSF Infrastructure team",
        contact_email="infrastructure-staff@python.org",
        first_task="Review last month's bounce reports.",
    )


def form_data(**changes):
    """What a browser posts for a complete, valid form; `None` leaves a field out."""
    data = {
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "availability": "2 hours a week, evenings",
        "message": "I run Postfix at work.",
        "website": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def assert_nothing_written():
    assert RoleInterest.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def sent_to(mailoutbox, address):
    (message,) = [message for message in mailoutbox if message.to == [address]]
    return message


@pytest.mark.parametrize(
    ("field", "changes", "message"),
    [
        ("name", {"name": ""}, "Enter your name."),
        ("email", {"email": None}, "Enter your e-mail address."),
        ("availability", {"availability": "  "}, "Tell us when you could help."),
        ("email", {"email": "not-an-address"}, BAD_EMAIL),
        ("email", {"email": "ada@example.org\r\nBcc: x@example.org"}, BAD_EMAIL),
        ("name", {"name": "Ada\r\nBcc: x@example.org"}, "Your name must fit on one line."),
        ("availability", {"availability": "Weekends\nBcc: x"}, "Your availability must fit on"),
        ("name", {"name": "A" * 151}, "Your name must be 150 characters or fewer."),
        ("message", {"message": "m" * 5_001}, "Your message must be 5,000 characters or fewer."),
    ],
    ids=[
        "missing-name",
        "missing-email",
        "blank-availability",
        "invalid-email",
        "header-injection-in-email",
        "newline-in-name",
        "newline-in-availability",
        "name-too-long",
        "message-too-long",
    ],
)
def test_bad_input_is_explained_next_to_its_field_and_nothing_is_saved(
    client, role, field, changes, message
):
    response = client.post(URL, form_data(**changes))

    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assertContains(response, message)
    # One problem: one link in the error summary, to its field.
    assert re.findall(r'<li><a href="#([^"]+)">', response.content.decode()) == [f"id_{field}"]
    assert_nothing_written()


def test_a_valid_hand_is_saved_and_thanked_on_the_role_page(client, role):
    response = client.post(URL, form_data(), follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assertContains(
        response,
        "Thank you for raising your hand! PSF Infrastructure team or PSF staff will be in touch",
    )
    saved = RoleInterest.objects.values_list(
        "role", "name", "email", "availability", "message", "status", "user"
    )
    assert list(saved) == [
        (
            role.pk,
            "Ada Lovelace",
            "ada@example.org",
            "2 hours a week, evenings",
            "I run Postfix at work.",
            "new",
            None,
        )
    ]


def test_staff_and_the_contact_hear_of_it_and_the_person_gets_a_receipt(
    client, role, settings, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, form_data())

    assert sorted(message.to[0] for message in mailoutbox) == [
        "ada@example.org",
        "infrastructure-staff@python.org",
        "psf@python.org",
    ]
    for address in ("psf@python.org", "infrastructure-staff@python.org"):
        message = sent_to(mailoutbox, address)
        assert message.subject == "[Volunteer] Ada Lovelace is interested in Postmaster"
        # No Reply-To: each copy says how to write to Ada, and staff keep the record in the admin.
        assert message.reply_to == []
        assert "writing to them at ada@example.org" in message.body
        assert "I run Postfix at work." in message.body
        assert "/admin/volunteers/roleinterest/" in message.body
    # The contact, who may not be staff, is asked to tell staff how it goes.
    contact = sent_to(mailoutbox, "infrastructure-staff@python.org")
    assert "the role's contact person" in contact.body
    assert "psf@python.org" in contact.body
    receipt = sent_to(mailoutbox, "ada@example.org")
    assert receipt.subject == "Thank you for your interest in Postmaster"
    assert "Review last month's bounce reports." in receipt.body
    assert f"{settings.SITE_URL}/roles/postmaster/" in receipt.body


def test_a_signed_in_user_finds_their_details_filled_in_and_the_hand_linked_to_them(
    client, role, user
):
    client.force_login(user)

    page = client.get(URL)
    assertContains(page, 'value="Ada Lovelace"')
    assertContains(page, 'value="ada@example.org"')

    client.post(URL, form_data())
    assert RoleInterest.objects.get().user == user


def test_raising_a_hand_twice_is_answered_as_the_first_time_and_saved_once(
    client, role, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, form_data())
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data(email="ADA@Example.ORG"), follow=True)

    # The same words as the first time: the page tells nobody who applied, or when.
    assertContains(response, "Thank you for raising your hand!")
    assertNotContains(response, "already")
    assert RoleInterest.objects.count() == 1
    assert OutboundEmail.objects.count() == 3
    assert mailoutbox == []


def test_after_staff_decline_the_same_person_can_raise_a_hand_again(client, role, staff):
    client.post(URL, form_data())
    role_interest_set_status(
        interest=RoleInterest.objects.get(), status=RoleInterest.Status.DECLINED, by=staff
    )

    response = client.post(URL, form_data(availability="Now every weekend"), follow=True)

    assertContains(response, "Thank you for raising your hand!")
    assert sorted(RoleInterest.objects.values_list("status", "availability")) == [
        ("declined", "2 hours a week, evenings"),
        ("new", "Now every weekend"),
    ]


def test_the_same_person_may_raise_a_hand_for_two_different_roles(client, role, areas):
    RoleFactory(slug="website-maintainer")

    client.post(URL, form_data())
    client.post("/roles/website-maintainer/", form_data())

    assert RoleInterest.objects.filter(email="ada@example.org").count() == 2


def test_a_filled_honeypot_looks_like_success_and_saves_nothing(client, role, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.post(URL, form_data(website="https://cheap-pills.example"))

    assert response.status_code == 302
    assert response["Location"] == URL
    assert_nothing_written()
    assert any("spam.honeypot" in record.getMessage() for record in caplog.records)


def test_too_many_posts_from_one_address_get_429_and_save_nothing_more(client, role, settings):
    settings.RATELIMIT_FORM_RATE = "2/m"

    with time_machine.travel(timezone.now(), tick=False):
        responses = [client.post(URL, form_data(email=f"person{n}@example.org")) for n in range(3)]

    assert [response.status_code for response in responses] == [302, 302, 429]
    assert sorted(RoleInterest.objects.values_list("email", flat=True)) == [
        "person0@example.org",
        "person1@example.org",
    ]
    # The third is shown again on the role page as it was typed, with the reason at the top.
    assertTemplateUsed(responses[2], "volunteers/role_detail.html")
    assertContains(responses[2], 'value="person2@example.org"', status_code=429)
    assertContains(responses[2], "I run Postfix at work.", status_code=429)
    assertContains(responses[2], "sent too many times", status_code=429)


def test_a_role_closed_while_the_form_was_open_answers_410_and_saves_nothing(client, role):
    assert client.get(URL).status_code == 200
    role_set_status(role=role, status=Role.Status.CLOSED)

    response = client.post(URL, form_data())

    assert response.status_code == 410
    assertTemplateUsed(response, "volunteers/role_gone.html")
    assert_nothing_written()


def test_a_role_closed_between_reading_and_saving_answers_410_and_saves_nothing(client, role):
    stale = Role.objects.get(pk=role.pk)  # what the view read, still open
    role_set_status(role=role, status=Role.Status.CLOSED)

    with mock.patch("volunteers.views.role_for_page", return_value=stale):
        response = client.post(URL, form_data())

    assert response.status_code == 410
    assertContains(response, "it has been closed", status_code=410)
    assert_nothing_written()


def test_the_service_refuses_a_hand_for_a_role_that_is_not_open(role):
    stale = Role.objects.get(pk=role.pk)
    role_set_status(role=role, status=Role.Status.FILLED)

    with pytest.raises(RoleNotOpen):
        role_interest_register(
            role=stale, name="Ada", email="ada@example.org", availability="Weekends"
        )

    assert_nothing_written()


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://...")
@pytest.mark.django_db(transaction=True)
def test_the_same_person_clicking_several_times_at_once_raises_one_hand(areas):
    role = RoleFactory(slug="postmaster")

    def register(n: int) -> RoleInterest:
        return role_interest_register(
            role=role,
            name="Ada Lovelace",
            email="ada@example.org" if n % 2 else "ADA@example.org",
            availability="Weekends",
        )

    # Only the rows matter here; no e-mail needs to reach the broker.
    with mock.patch.object(send_outbound_email, "apply_async"):
        results = run_together(4, register)

    saved = [result for result in results if isinstance(result, RoleInterest)]
    refused = [result for result in results if isinstance(result, InterestAlreadyRegistered)]
    assert (len(saved), len(refused)) == (1, 3), results
    assert RoleInterest.objects.get().pk == saved[0].pk
    assert {error.interest.pk for error in refused} == {saved[0].pk}
    assert OutboundEmail.objects.count() == 3
