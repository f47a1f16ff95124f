"""Staff see the pool in the admin, filter it, and export the people they may e-mail as CSV."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from volunteers.admin.pool import CSV_COLUMNS

from ..factories import PoolMemberFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:volunteers_poolmember_changelist")
EXPORT = reverse("admin:volunteers_poolmember_export")


@pytest.fixture
def pool(areas):
    """One member in each state, keyed by state."""
    return {
        "subscribed": PoolMemberFactory(
            email="ada@example.org", name="Ada Lovelace", interests=["web", "events"]
        ),
        "pending": PoolMemberFactory(
            email="grace@example.org", confirmed_at=None, interests=["events"]
        ),
        "unsubscribed": PoolMemberFactory(
            email="alan@example.org", unsubscribed_at=timezone.now(), interests=["web"]
        ),
    }


def listed(response) -> set[str]:
    return {member.email for member in response.context["cl"].result_list}


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("state", ["subscribed", "pending", "unsubscribed"])
def test_the_state_filter_shows_only_members_in_that_state(staff_client, pool, state):
    response = staff_client.get(CHANGELIST, {"state": state})

    assert listed(response) == {pool[state].email}


def test_the_interests_filter_shows_members_who_ticked_that_area(staff_client, pool):
    response = staff_client.get(CHANGELIST, {"interests__code__exact": "web"})

    assert listed(response) == {"ada@example.org", "alan@example.org"}


def test_staff_find_a_member_by_email(staff_client, pool):
    response = staff_client.get(CHANGELIST, {"q": "grace@"})

    assert listed(response) == {"grace@example.org"}


def test_staff_cannot_add_members_by_hand(staff_client, pool):
    response = staff_client.get(CHANGELIST)

    assert reverse("admin:volunteers_poolmember_add") not in response.content.decode()
    assert staff_client.get(reverse("admin:volunteers_poolmember_add")).status_code == 403


def test_the_export_lists_only_confirmed_subscribed_members_with_interest_labels(
    staff_client, pool
):
    response = staff_client.get(EXPORT)

    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="volunteer-pool-')
    header, *members = rows(response)
    assert header == list(CSV_COLUMNS)
    assert [row[:3] for row in members] == [
        ["ada@example.org", "Ada Lovelace", "Websites and content; Conferences and events"]
    ]


def test_the_export_action_exports_the_selected_subscribed_members(staff_client, pool):
    PoolMemberFactory(email="barbara@example.org")  # subscribed, but not selected
    selected = [pool["subscribed"].pk, pool["pending"].pk, pool["unsubscribed"].pk]

    response = staff_client.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": selected, "index": 0}
    )

    assert response["Content-Disposition"].startswith("attachment;")
    emails = [row[0] for row in rows(response)[1:]]
    assert emails == ["ada@example.org"]


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil.example")', "+1+2", "@SUM(A1)"])
def test_a_name_that_looks_like_a_formula_is_exported_as_text(staff_client, name):
    PoolMemberFactory(email="formula@example.org", name=name)

    [_, row] = rows(staff_client.get(EXPORT))

    assert row[1] == f"'{name}"


@pytest.mark.parametrize("url", [CHANGELIST, EXPORT])
def test_people_who_are_not_staff_are_sent_to_the_login(client, user, pool, url):
    client.force_login(user)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_export_streams_members_a_chunk_at_a_time_and_misses_none(
    staff_client, areas, monkeypatch
):
    monkeypatch.setattr("volunteers.admin.pool.EXPORT_CHUNK", 2)
    for n in range(5):
        PoolMemberFactory(email=f"member{n}@example.org", interests=["web"] if n % 2 else [])

    response = staff_client.get(EXPORT)

    assert response.streaming  # row by row: the worker never holds the whole file
    exported = rows(response)[1:]
    assert [row[0] for row in exported] == [f"member{n}@example.org" for n in range(5)]
    assert [row[2] for row in exported] == [
        "",
        "Websites and content",
        "",
        "Websites and content",
        "",
    ]
