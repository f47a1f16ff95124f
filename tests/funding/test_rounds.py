"""Review rounds with a budget: requests join the round open when they are sent, the admin shows
what is requested, approved and left, and reviewers decide once, within the budget; the
submitter hears of it once, by e-mail, on the status page and in the request's history."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from funding.models import Decision, FundingRequest, ReviewRound
from funding.selectors import review_round_figures
from funding.services import funding_decision_record, review_round_save
from help_requests.models import HelpRequest, HelpRequestEvent
from notifications.models import OutboundEmail

from ..factories import StaffFactory
from ..signin import force_sign_in
from .factories import line, open_round, rate, rate_removed, submit_funding

pytestmark = pytest.mark.django_db


def funding_of(help_request: HelpRequest) -> FundingRequest:
    return FundingRequest.objects.get(pk=help_request.pk)


def decide(help_request: HelpRequest, by, outcome: str, **kwargs) -> Decision:
    return funding_decision_record(
        funding_request=funding_of(help_request), by=by, outcome=outcome, **kwargs
    )


def test_a_request_sent_while_a_round_is_open_joins_it(help_kinds):
    autumn = open_round()
    ReviewRound.objects.create(
        name="Last spring",
        opens_on=timezone.localdate() - timedelta(days=200),
        closes_on=timezone.localdate() - timedelta(days=100),
        budget=Decimal(1),
    )

    help_request = submit_funding()

    assert funding_of(help_request).round == autumn


def test_opening_a_round_takes_in_the_requests_sent_within_its_dates(help_kinds, staff):
    earlier = submit_funding(title="Sent before the round was opened")
    today = timezone.localdate()

    autumn = review_round_save(
        name="Autumn",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=30),
        budget=Decimal("5000"),
        currency="USD",
        by=staff,
    )

    assert funding_of(earlier).round == autumn
    assert autumn.created_by == staff


def test_rounds_may_not_overlap_and_a_budget_not_shrink_below_what_is_approved(help_kinds, staff):
    autumn = open_round(budget="1000")
    decide(submit_funding(), staff, Decision.Outcome.PARTIAL, amount=Decimal("600"))

    with pytest.raises(ValidationError) as overlap:
        review_round_save(
            name="Overlapping",
            opens_on=autumn.closes_on,
            closes_on=autumn.closes_on + timedelta(days=10),
            budget=Decimal(1),
            currency="USD",
            by=staff,
        )
    assert "overlap “Grants, autumn”" in overlap.value.message_dict["opens_on"][0]
    with pytest.raises(ValidationError) as shrink:
        review_round_save(
            review_round=autumn,
            name=autumn.name,
            opens_on=autumn.opens_on,
            closes_on=autumn.closes_on,
            budget=Decimal("599.99"),
            currency="USD",
            by=staff,
        )
    assert "600.00 USD is approved in this round already" in shrink.value.messages[0]
    with pytest.raises(ValidationError) as same_name:
        review_round_save(
            name=autumn.name,
            opens_on=autumn.closes_on + timedelta(days=1),
            closes_on=autumn.closes_on + timedelta(days=9),
            budget=Decimal(1),
            currency="USD",
            by=staff,
        )
    assert same_name.value.message_dict["name"] == [
        "There is a round called “Grants, autumn” already."
    ]


def test_round_arithmetic_in_the_round_s_currency(help_kinds, staff):
    rate("EUR", "1.10")
    autumn = open_round(budget="3000")
    in_dollars = submit_funding(lines=[line("Room", "venue", "1000")])
    in_euros = submit_funding(lines=[line("Room", "venue", "1000")], currency="EUR")
    rate("NGN", "0.00065")
    submit_funding(lines=[line("Room", "venue", "250000")], currency="NGN", kind="other")
    rate_removed("NGN")

    decide(in_dollars, staff, Decision.Outcome.PARTIAL, amount=Decimal("400.50"))
    decide(in_euros, staff, Decision.Outcome.APPROVED)

    figures = review_round_figures(rounds=[autumn])[autumn.pk]
    assert figures.requests == 3
    assert figures.requested == Decimal("2100.00")  # 1000 USD + 1000 EUR at 1.10
    assert figures.unconverted == 1  # no rate for NGN: said, not guessed
    assert figures.approved == Decimal("1500.50")  # 400.50 + 1100.00
    assert figures.remaining == Decimal("1499.50")
    approval = Decision.objects.get(request_id=in_euros.pk)
    assert (approval.amount, approval.currency, approval.round_amount) == (
        Decimal("1000.00"),
        "EUR",
        Decimal("1100.00"),
    )
    assert approval.usd_per_unit == Decimal("1.10")


def test_approving_beyond_what_is_left_is_refused_and_writes_nothing(help_kinds, staff):
    open_round(budget="1500")
    first, second = submit_funding(), submit_funding(email="ada@example.org")
    decide(first, staff, Decision.Outcome.APPROVED)  # 1000 of 1500

    with pytest.raises(ValidationError) as refused:
        decide(second, staff, Decision.Outcome.APPROVED)

    assert refused.value.message_dict["outcome"] == [
        "Only 500.00 USD is left in Grants, autumn: approving 1,000.00 USD would go over its "
        "budget. Approve less, or decide in another round."
    ]
    assert not Decision.objects.filter(request_id=second.pk).exists()
    assert not OutboundEmail.objects.filter(template="funding/decision", to=second.email).exists()
    # Exactly what is left can be approved.
    decide(second, staff, Decision.Outcome.PARTIAL, amount=Decimal("500"))


@pytest.mark.parametrize(
    ("outcome", "kwargs", "field", "message"),
    [
        (Decision.Outcome.DECLINED, {"message": "  "}, "message", "Give the reason for declining"),
        (Decision.Outcome.PARTIAL, {}, "amount", "Enter the amount you approve"),
        (
            Decision.Outcome.PARTIAL,
            {"amount": Decimal("1000")},
            "amount",
            "choose “Approve in full”",
        ),
        (Decision.Outcome.PARTIAL, {"amount": Decimal("0")}, "amount", "more than zero"),
        ("maybe", {}, "outcome", "Choose a decision."),
    ],
)
def test_each_outcome_s_rules(help_kinds, staff, outcome, kwargs, field, message):
    open_round()
    help_request = submit_funding()

    with pytest.raises(ValidationError) as refused:
        decide(help_request, staff, outcome, **kwargs)

    assert message in refused.value.message_dict[field][0]


def test_an_approval_needs_a_round_and_a_rate(help_kinds, staff):
    rate("EUR", "1.08")
    outside = submit_funding(currency="EUR")  # no round open: in none
    rate_removed("EUR")
    autumn = open_round()

    with pytest.raises(ValidationError) as no_round:
        decide(outside, staff, Decision.Outcome.APPROVED)
    assert "Choose the review round" in no_round.value.message_dict["review_round"][0]
    with pytest.raises(ValidationError) as no_rate:
        decide(outside, staff, Decision.Outcome.APPROVED, review_round=autumn)
    assert "no exchange rate for EUR" in no_rate.value.message_dict["review_round"][0]

    rate("EUR", "1.08")
    decide(outside, staff, Decision.Outcome.APPROVED, review_round=autumn)
    assert funding_of(outside).round == autumn


def test_a_request_marked_as_spam_gets_no_decision_and_no_mail(help_kinds, staff):
    open_round()
    help_request = submit_funding()
    HelpRequest.objects.filter(pk=help_request.pk).update(status=HelpRequest.Status.SPAM)

    with pytest.raises(ValidationError):
        decide(help_request, staff, Decision.Outcome.DECLINED, message="No.")

    assert not OutboundEmail.objects.filter(template="funding/decision").exists()


def test_a_decision_is_recorded_once(help_kinds, staff, other_staff):
    open_round()
    help_request = submit_funding()
    decide(help_request, staff, Decision.Outcome.DECLINED, message="Outside our remit.")

    with pytest.raises(ValidationError) as again:
        decide(help_request, other_staff, Decision.Outcome.APPROVED)

    assert "triager@python.org recorded a decision" in again.value.messages[0]
    assert Decision.objects.count() == 1


def test_the_submitter_is_told_once_by_e_mail_on_the_status_page_and_in_the_history(
    client, help_kinds, staff, mailoutbox, django_capture_on_commit_callbacks, eager_celery
):
    open_round()
    help_request = submit_funding(lines=[line("Room", "venue", "1000")])
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        decide(
            help_request,
            staff,
            Decision.Outcome.PARTIAL,
            amount=Decimal("600"),
            message="We fund the room for one day.\nThe second day is yours.",
        )

    (email,) = [m for m in mailoutbox if m.to == ["grace@example.org"]]
    assert email.subject == f"[{help_request.reference}] Funding approved in part: 600.00 USD"
    assert "The PSF approved 600.00 USD of the 1,000.00 USD you asked for" in email.body
    assert "We fund the room for one day." in email.body
    assert help_request.get_absolute_url() in email.body
    html = email.alternatives[0][0]
    assert "We fund the room for one day.<br>The second day is yours." in html

    page = client.get(help_request.get_absolute_url())
    assertContains(page, "The PSF's decision: Approved in part")
    assertContains(page, "The PSF approved <strong>600.00 USD</strong> of the 1,000.00 USD")
    assertContains(page, "The second day is yours.")

    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.IN_PROGRESS
    decision_event = HelpRequestEvent.objects.get(
        request=help_request, field=HelpRequestEvent.Field.DECISION
    )
    assert (decision_event.new, decision_event.actor) == ("Approved in part: 600.00 USD", staff)

    # Recorded once: a second attempt sends nothing more.
    with pytest.raises(ValidationError):
        decide(help_request, staff, Decision.Outcome.APPROVED)
    assert OutboundEmail.objects.filter(template="funding/decision").count() == 1


def test_a_decline_closes_the_request_with_its_reason(client, help_kinds, staff):
    help_request = submit_funding()

    decide(help_request, staff, Decision.Outcome.DECLINED, message="Outside our remit.")

    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.DECLINED
    assert help_request.closed_at is not None
    page = client.get(help_request.get_absolute_url())
    assertContains(page, "The PSF cannot fund this request.")
    assertContains(page, "Outside our remit.")
    email = OutboundEmail.objects.get(template="funding/decision")
    assert email.context["outcome"] == "declined"


# The admin ----------------------------------------------------------------------------------


def test_staff_open_a_round_in_the_admin_and_see_its_figures(staff_client, help_kinds, staff):
    today = timezone.localdate()
    response = staff_client.post(
        reverse("admin:funding_reviewround_add"),
        {
            "name": "Winter grants",
            "opens_on": (today - timedelta(days=1)).isoformat(),
            "closes_on": (today + timedelta(days=40)).isoformat(),
            "budget": "8000",
            "currency": "USD",
        },
    )
    assert response.status_code == 302
    winter = ReviewRound.objects.get(name="Winter grants")
    decide(submit_funding(), staff, Decision.Outcome.PARTIAL, amount=Decimal("750"))

    listing = staff_client.get(reverse("admin:funding_reviewround_changelist"))
    assertContains(listing, "1,000.00 USD (1 request)")
    assertContains(listing, "750.00 USD (1 decided)")
    assertContains(listing, "7,250.00 USD")
    page = staff_client.get(reverse("admin:funding_reviewround_change", args=[winter.pk]))
    assertContains(page, "Venue for PyCon Somewhere")
    assertContains(page, "Approved in part: 750.00 USD")


def test_the_admin_refuses_an_overlapping_round_on_its_field(staff_client, help_kinds):
    autumn = open_round()

    response = staff_client.post(
        reverse("admin:funding_reviewround_add"),
        {
            "name": "Clash",
            "opens_on": autumn.opens_on.isoformat(),
            "closes_on": autumn.closes_on.isoformat(),
            "budget": "10",
            "currency": "USD",
        },
    )

    assert response.status_code == 200
    assert "overlap" in response.context["adminform"].form.errors["opens_on"][0]
    assert ReviewRound.objects.count() == 1


def test_a_reviewer_approves_part_in_the_admin(staff_client, help_kinds, staff):
    autumn = open_round(budget="5000")
    help_request = submit_funding()
    url = reverse("admin:funding_fundingrequest_decision", args=[help_request.pk])

    page = staff_client.get(url)
    assertContains(page, "Record a decision on")
    assertContains(page, "5,000.00 USD")
    response = staff_client.post(
        url,
        {
            "outcome": "partial",
            "amount": "700",
            "review_round": str(autumn.pk),
            "canned_reply": "",
            "message": "The room, not the catering.",
        },
    )

    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.outcome, decision.amount, decision.decided_by) == ("partial", 700, staff)
    change = staff_client.get(response["Location"])
    assertContains(change, "Decision recorded: Approved in part: 700.00 USD.")
    assertContains(change, "4,300.00 USD left")


def test_the_admin_shows_a_refusal_on_the_amount_and_records_nothing(staff_client, help_kinds):
    autumn = open_round(budget="500")
    help_request = submit_funding()

    response = staff_client.post(
        reverse("admin:funding_fundingrequest_decision", args=[help_request.pk]),
        {"outcome": "partial", "amount": "501", "review_round": str(autumn.pk), "message": ""},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["amount"] == [
        "Only 500.00 USD is left in Grants, autumn: approving 501.00 USD would go over its "
        "budget. Approve less, or decide in another round."
    ]
    assertContains(response, 'value="501"')
    assert not Decision.objects.exists()


def test_the_funding_request_list_shows_us_dollar_equivalents(staff_client, help_kinds):
    rate("EUR", "1.08")
    submit_funding(currency="EUR", lines=[line("Room", "venue", "2500")])

    listing = staff_client.get(reverse("admin:funding_fundingrequest_changelist"))

    assertContains(listing, "2,500.00 EUR")
    assertContains(listing, "2,700.00 USD")


def test_recording_a_decision_needs_the_permission_to_change_funding_requests(client, help_kinds):
    viewer = StaffFactory(email="viewer@python.org", is_superuser=False)
    viewer.user_permissions.add(Permission.objects.get(codename="view_fundingrequest"))
    force_sign_in(client, viewer)
    open_round()
    help_request = submit_funding()
    url = reverse("admin:funding_fundingrequest_decision", args=[help_request.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, {"outcome": "approved"}).status_code == 403
    assert not Decision.objects.exists()


def test_a_us_dollar_equivalent_is_shown_only_for_other_currencies(staff_client, help_kinds):
    rate("EUR", "1.08")
    in_euros = submit_funding(currency="EUR", lines=[line("Room", "venue", "2500")])
    in_dollars = submit_funding(currency="USD", lines=[line("Room", "venue", "2500")])

    def pages(help_request):
        for name in (
            "admin:funding_fundingrequest_change",
            "admin:funding_fundingrequest_decision",
        ):
            yield staff_client.get(reverse(name, args=[help_request.pk])).content.decode()

    for page in pages(in_euros):
        assert "2,700.00 USD" in page
    for page in pages(in_dollars):
        assert "In US dollars" not in page
        assert "(about 2,500.00 USD)" not in page
