"""Canned replies: staff keep them, insert one into a reply (without JavaScript, the server fills
the box), and {reference}, {name} and {amount} are filled in as plain text, escaped wherever
they are shown."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from funding.models import Decision
from help_requests.models import CannedReply, Comment, HelpRequest, validate_placeholders
from help_requests.replies import canned_reply_fill
from notifications.models import OutboundEmail

from ..funding.factories import open_round, submit_funding

pytestmark = pytest.mark.django_db

HTML_NAME = '<script>alert("x")</script> Ada'


@pytest.fixture
def reply(db) -> CannedReply:
    return CannedReply.objects.create(
        title="Approved, test",
        purpose=CannedReply.Purpose.APPROVAL,
        body="Dear {name}, {reference} gets {amount}.",
    )


def test_placeholders_are_filled_from_the_request(help_request, reply):
    text = canned_reply_fill(reply=reply, help_request=help_request)

    assert text == f"Dear Grace Hopper, {help_request.reference} gets 500.00 USD."
    assert canned_reply_fill(reply=reply, help_request=help_request, amount="300.00 USD") == (
        f"Dear Grace Hopper, {help_request.reference} gets 300.00 USD."
    )


@pytest.mark.parametrize(
    "body", ["Hello {nmae}", "{name.__class__.__init__.__globals__}", "{0}", "{reference!r}"]
)
def test_anything_but_the_three_placeholders_is_refused_when_staff_save_it(body):
    with pytest.raises(ValidationError) as refused:
        validate_placeholders(body)

    assert "use {reference}, {name} or {amount}" in refused.value.messages[0]


def test_a_value_is_never_read_as_a_format_string(help_request):
    """str.format would reach attributes; the plain search leaves other braces as typed."""
    evil = CannedReply(title="x", body="{name} {name.__class__} {{name}}")

    text = canned_reply_fill(reply=evil, help_request=help_request)

    assert text == "Grace Hopper {name.__class__} {Grace Hopper}"


def triage_data(help_request: HelpRequest, **changes) -> dict:
    data = {
        "status": help_request.status,
        "initial-status": help_request.status,
        "priority": str(help_request.priority),
        "initial-priority": str(help_request.priority),
        "assignee": "",
        "initial-assignee": "",
        "canned_reply": "",
        "public_reply": "",
        "internal_note": "",
        "events-TOTAL_FORMS": "1",
        "events-INITIAL_FORMS": "1",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
        "events-0-id": str(help_request.events.get().pk),
        "events-0-request": str(help_request.pk),
    }
    data.update(changes)
    return data


def test_insert_fills_the_reply_box_on_the_server_and_saves_nothing(
    staff_client, help_request, reply
):
    help_request.name = HTML_NAME
    help_request.save()
    url = reverse("admin:help_requests_helprequest_change", args=[help_request.pk])

    response = staff_client.post(
        url,
        triage_data(
            help_request,
            status="triaged",  # changed on the page before "Insert": kept as chosen
            canned_reply=str(reply.pk),
            public_reply="First line I typed.",
            _insert_canned_reply="1",
        ),
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.data["public_reply"] == (
        f"First line I typed.\n\nDear {HTML_NAME}, {help_request.reference} gets 500.00 USD."
    )
    # Escaped in the box: the name is text, never markup.
    assertContains(response, "Dear &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Ada")
    assertNotContains(response, '<script>alert("x")</script>')
    assertContains(response, '<option value="triaged" selected>')
    assertNotContains(response, "Please correct the error")
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.NEW
    assert not Comment.objects.exists()


def test_the_inserted_reply_reaches_the_submitter_escaped(
    staff_client,
    client,
    help_request,
    reply,
    mailoutbox,
    django_capture_on_commit_callbacks,
    eager_celery,
):
    help_request.name = HTML_NAME
    help_request.save()
    url = reverse("admin:help_requests_helprequest_change", args=[help_request.pk])
    text = canned_reply_fill(reply=reply, help_request=help_request)

    with django_capture_on_commit_callbacks(execute=True):
        saved = staff_client.post(url, triage_data(help_request, public_reply=text, _save="1"))

    assert saved.status_code == 302
    page = client.get(help_request.get_absolute_url())
    assertContains(page, "Dear &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Ada")
    assertNotContains(page, '<script>alert("x")</script>')
    (email,) = [m for m in mailoutbox if m.to == ["grace@example.org"]]
    html = email.alternatives[0][0]
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '<script>alert("x")</script>' not in html


def test_a_chosen_reply_not_inserted_is_not_sent_by_mistake(staff_client, help_request, reply):
    url = reverse("admin:help_requests_helprequest_change", args=[help_request.pk])

    response = staff_client.post(
        url, triage_data(help_request, canned_reply=str(reply.pk), _save="1")
    )

    assert response.status_code == 200
    assert "Press “Insert”" in response.context["adminform"].form.errors["canned_reply"][0]
    assert not Comment.objects.exists()


def test_insert_without_a_choice_says_so(staff_client, help_request):
    url = reverse("admin:help_requests_helprequest_change", args=[help_request.pk])

    response = staff_client.post(url, triage_data(help_request, _insert_canned_reply="1"))

    assert response.context["adminform"].form.errors["canned_reply"] == [
        "Choose a canned reply to insert."
    ]


def test_the_decision_page_inserts_a_reply_with_the_amount_approved(
    staff_client, help_kinds, reply
):
    autumn = open_round()
    help_request = submit_funding(name=HTML_NAME)
    url = reverse("admin:funding_fundingrequest_decision", args=[help_request.pk])

    response = staff_client.post(
        url,
        {
            "outcome": "partial",
            "amount": "750",
            "review_round": str(autumn.pk),
            "canned_reply": str(reply.pk),
            "message": "",
            "_insert_canned_reply": "1",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].data["message"] == (
        f"Dear {HTML_NAME}, {help_request.reference} gets 750.00 USD."
    )
    assertContains(response, "Dear &lt;script&gt;")
    assert not Decision.objects.exists()
    assert not OutboundEmail.objects.filter(template="funding/decision").exists()

    # Read, then recorded as it stands in the box.
    filled = response.context["form"].data.dict()
    filled.pop("_insert_canned_reply")
    recorded = staff_client.post(url, filled)
    assert recorded.status_code == 302
    assert Decision.objects.get().message == filled["message"]


def test_staff_keep_canned_replies_in_the_admin(staff_client):
    response = staff_client.post(
        reverse("admin:help_requests_cannedreply_add"),
        {
            "title": "Ask for quotes",
            "purpose": "question",
            "body": "Could you send quotes for {reference}, {nmae}?",
            "position": "0",
            "active": "on",
        },
    )

    assert response.status_code == 200
    assert "Unknown placeholder {nmae}" in response.context["adminform"].form.errors["body"][0]
    assert not CannedReply.objects.filter(title="Ask for quotes").exists()


def test_the_approved_amount_fills_the_reply_in_decimal(help_kinds, staff, reply):
    open_round()
    help_request = submit_funding()

    text = canned_reply_fill(reply=reply, help_request=help_request, amount="")

    assert text.endswith("gets 1,000.00 USD.")
    assert Decimal("1000.00") == help_request.amount
