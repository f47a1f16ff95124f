"""Staff triage in the admin: find requests, act on many at once, ask the submitter a question."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains

from help_requests.models import Comment, HelpRequest, HelpRequestEvent
from help_requests.services import help_request_triage
from notifications.models import OutboundEmail
from tests.factories import HelpRequestFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/help_requests/helprequest/"


def change_url(help_request: HelpRequest) -> str:
    return f"{CHANGELIST}{help_request.pk}/change/"


@pytest.fixture
def three_requests(staff, other_staff):
    """New funding (unassigned), triaged infrastructure advice (mine), resolved code (colleague)."""
    return {
        "new": HelpRequestFactory(
            title="Grant for PyCon Ghana",
            email="kwame@example.org",
            area=HelpRequest.Area.EVENTS,
            kinds=["funding"],
        ),
        "triaged": HelpRequestFactory(
            title="Mirror for the Debian packages",
            status=HelpRequest.Status.TRIAGED,
            area=HelpRequest.Area.INFRASTRUCTURE,
            kinds=["advice", "infrastructure"],
            assignee=staff,
        ),
        "resolved": HelpRequestFactory(
            title="Maintainers for a parser",
            status=HelpRequest.Status.RESOLVED,
            area=HelpRequest.Area.CODE,
            kinds=["people", "funding"],
            assignee=other_staff,
        ),
    }


def shown(response) -> set[str]:
    """References of the rows the changelist shows."""
    assert response.status_code == 200
    return {row.reference for row in response.context["cl"].result_list}


def refs(requests, *names) -> set[str]:
    return {requests[name].reference for name in names}


def test_the_changelist_lists_every_request(staff_client, three_requests):
    response = staff_client.get(CHANGELIST)

    assert shown(response) == refs(three_requests, "new", "triaged", "resolved")
    for help_request in three_requests.values():
        assertContains(response, help_request.title)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status__exact=new", {"new"}),
        ("status__exact=resolved", {"resolved"}),
        ("area__exact=infrastructure", {"triaged"}),
        ("kinds__code__exact=funding", {"new", "resolved"}),
        ("kinds__code__exact=advice", {"triaged"}),
        ("assignee=mine", {"triaged"}),
        ("assignee=none", {"new"}),
        ("q=kwame@example.org", {"new"}),
        ("q=Debian", {"triaged"}),
    ],
)
def test_filters_and_search_narrow_the_list(staff_client, three_requests, query, expected):
    response = staff_client.get(f"{CHANGELIST}?{query}")

    assert shown(response) == refs(three_requests, *expected)


def run_action(client, action: str, *help_requests: HelpRequest, query: str = "", **kwargs):
    return client.post(
        CHANGELIST + query,
        {"action": action, "_selected_action": [hr.pk for hr in help_requests], "index": "0"},
        **kwargs,
    )


def test_a_bulk_action_on_a_filtered_list_reports_the_rows_it_changed(staff_client, three_requests):
    response = run_action(
        staff_client,
        "set_status_resolved",
        three_requests["new"],
        query="?status__exact=new",
        follow=True,
    )

    assertContains(response, "1 request(s) set to Resolved.")


def test_assign_to_me_assigns_the_selected_rows_and_records_it(staff_client, staff, three_requests):
    chosen = three_requests["new"]

    response = run_action(staff_client, "assign_to_me", chosen)

    assert response.status_code == 302
    chosen.refresh_from_db()
    assert chosen.assignee == staff
    event = HelpRequestEvent.objects.get(request=chosen, field="assignee")
    assert (event.actor, event.old, event.new) == (staff, "", staff.email)
    three_requests["resolved"].refresh_from_db()
    assert three_requests["resolved"].assignee.email == "colleague@python.org"


def test_bulk_resolve_closes_the_rows_and_tells_each_submitter(staff_client, staff, three_requests):
    chosen = [three_requests["new"], three_requests["triaged"]]

    response = run_action(staff_client, "set_status_resolved", *chosen)

    assert response.status_code == 302
    for help_request in chosen:
        help_request.refresh_from_db()
        assert help_request.status == HelpRequest.Status.RESOLVED
        assert help_request.closed_at is not None
        event = HelpRequestEvent.objects.get(request=help_request, field="status")
        assert (event.actor, event.new) == (staff, "resolved")
        assert OutboundEmail.objects.filter(
            to=help_request.email, template="help_requests/closed"
        ).exists()


def test_bulk_priority_change_is_recorded(staff_client, staff, three_requests):
    chosen = three_requests["triaged"]

    run_action(staff_client, "set_priority_urgent", chosen)

    chosen.refresh_from_db()
    assert chosen.priority == HelpRequest.Priority.URGENT
    event = HelpRequestEvent.objects.get(request=chosen, field="priority")
    assert (event.actor, event.old, event.new) == (staff, "2", "4")


def change_form_data(response, **changes) -> dict:
    """What the browser would post back from an admin change page, with `changes` applied."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            data[form.add_prefix(name)] = "" if value is None else value
            if form.fields[name].show_hidden_initial:  # what the page showed, posted back
                data[form.add_initial_prefix(name)] = data[form.add_prefix(name)]
    data.update(changes)
    data["_save"] = "Save"
    return data


def test_waiting_on_the_submitter_needs_the_question_to_ask(staff_client, help_request):
    page = staff_client.get(change_url(help_request))

    response = staff_client.post(
        change_url(help_request), change_form_data(page, status="waiting", public_reply="")
    )

    assert response.status_code == 200
    assertContains(
        response, "Write the question the submitter should answer when you wait on them."
    )
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.NEW
    assert not OutboundEmail.objects.filter(template="help_requests/question").exists()


def test_asking_the_submitter_a_question_saves_it_and_emails_it(staff_client, staff, help_request):
    page = staff_client.get(change_url(help_request))

    response = staff_client.post(
        change_url(help_request),
        change_form_data(page, status="waiting", public_reply="Which dates is the meetup on?"),
    )

    assert response.status_code == 302
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.WAITING
    question = Comment.objects.get(request=help_request)
    assert (question.body, question.is_public, question.author) == (
        "Which dates is the meetup on?",
        True,
        staff,
    )
    row = OutboundEmail.objects.get(template="help_requests/question")
    assert row.to == "grace@example.org"
    assert row.context["reply"] == "Which dates is the meetup on?"
    event = HelpRequestEvent.objects.get(request=help_request, field="status")
    assert (event.actor, event.old, event.new) == (staff, "new", "waiting")


def test_an_internal_note_from_the_change_page_stays_internal(staff_client, help_request):
    page = staff_client.get(change_url(help_request))

    staff_client.post(
        change_url(help_request), change_form_data(page, internal_note="Call them Friday.")
    )

    note = Comment.objects.get(request=help_request)
    assert (note.body, note.is_public) == ("Call them Friday.", False)
    assert set(OutboundEmail.objects.values_list("template", flat=True)) == {
        "help_requests/new_staff",
        "help_requests/receipt",
    }


def test_saving_a_page_opened_earlier_keeps_a_colleagues_newer_triage(
    staff_client, other_staff, help_request
):
    page = staff_client.get(change_url(help_request))  # opened while the request was "new"
    help_request_triage(
        help_request=help_request,
        by=other_staff,
        status=HelpRequest.Status.IN_PROGRESS,
        assignee=other_staff,
    )

    response = staff_client.post(
        change_url(help_request), change_form_data(page, internal_note="Budget looks fine.")
    )

    assert response.status_code == 302
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.IN_PROGRESS
    assert help_request.assignee == other_staff
    assert Comment.objects.get(request=help_request).body == "Budget looks fine."


def make_rows(count: int, staff, other_staff) -> None:
    for n in range(count):
        HelpRequestFactory(
            assignee=staff if n % 2 else other_staff,
            user=staff if n % 3 == 0 else None,
            kinds=["funding", "advice"] if n % 2 else ["people"],
        )


def changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    return len(queries)


def test_the_changelist_query_count_does_not_grow_with_the_rows(staff_client, staff, other_staff):
    make_rows(3, staff, other_staff)
    with_3 = changelist_queries(staff_client)

    make_rows(27, staff, other_staff)
    with_30 = changelist_queries(staff_client)

    assert HelpRequest.objects.count() == 30
    assert with_30 == with_3


def test_titles_are_escaped_in_the_changelist_and_change_page(staff_client):
    help_request = HelpRequestFactory(title='<script>alert(1)</script>"><img src=x onerror=1>')

    for url in (CHANGELIST, change_url(help_request)):
        response = staff_client.get(url)
        assertNotContains(response, "<script>alert(1)</script>")
        assertNotContains(response, "<img src=x onerror=1>")
        assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")


def test_a_signed_in_non_staff_user_is_sent_to_the_admin_login(client, user, three_requests):
    client.force_login(user)

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assertNotContains(response, three_requests["new"].title, status_code=302)


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
