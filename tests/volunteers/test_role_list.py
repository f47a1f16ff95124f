"""/roles/: the open roles, newest first, found by area or by words, ten to a page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from volunteers.models import Role

from ..conftest import ON_POSTGRES
from ..factories import RoleFactory

pytestmark = pytest.mark.django_db

ROLES = "/roles/"


def titles(response) -> list[str]:
    assert response.status_code == 200
    return [role.title for role in response.context["page"]]


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


@pytest.mark.parametrize("url", [ROLES, "/roles/feed/", "/"])
def test_closed_filled_and_draft_roles_are_never_listed(client, areas, url):
    RoleFactory(title="Open postmaster")
    RoleFactory(title="Draft mirror admin", status=Role.Status.DRAFT, opened_at=None)
    RoleFactory(title="Filled web maintainer", status=Role.Status.FILLED)
    RoleFactory(title="Closed grants reviewer", status=Role.Status.CLOSED)

    response = client.get(url)

    assertContains(response, "Open postmaster")
    for hidden in ("Draft mirror admin", "Filled web maintainer", "Closed grants reviewer"):
        assertNotContains(response, hidden)


def test_the_newest_roles_come_first(client, areas):
    RoleFactory(title="Last month", opened_at=days_ago(30))
    RoleFactory(title="Today", opened_at=days_ago(0))
    RoleFactory(title="Last week", opened_at=days_ago(7))

    assert titles(client.get(ROLES)) == ["Today", "Last week", "Last month"]


def test_the_area_filter_shows_only_roles_in_that_area(client, areas):
    RoleFactory(title="Postmaster", area=areas["infrastructure"])
    RoleFactory(title="Website maintainer", area=areas["web"])
    RoleFactory(title="Job-board updater", area=areas["web"])

    response = client.get(ROLES, {"area": "web"})

    assert sorted(titles(response)) == ["Job-board updater", "Website maintainer"]
    assertContains(response, "2 open roles in Websites and content.")
    assertContains(response, '<option value="web" selected>Websites and content (2)</option>')


def test_an_unknown_area_is_explained_and_every_role_is_shown(client, areas):
    RoleFactory(title="Postmaster", area=areas["infrastructure"])
    RoleFactory(title="Website maintainer", area=areas["web"])

    response = client.get(ROLES, {"area": "no-such-area"})

    assertContains(response, "There is no such area; showing every area instead.")
    assert sorted(titles(response)) == ["Postmaster", "Website maintainer"]


def test_a_search_needs_every_word_somewhere_in_the_role(client, areas):
    RoleFactory(title="Postmaster", summary="Keep the mail flowing.", description="Fight spam.")
    RoleFactory(title="List moderator", summary="Read the mail held for review.")
    RoleFactory(title="Website maintainer", summary="Fix the spam filter on the site.")

    response = client.get(ROLES, {"q": "mail spam"})

    assert titles(response) == ["Postmaster"]
    assertContains(response, "1 open role matching “mail spam”.")


def test_a_search_also_looks_at_skills_and_the_area(client, areas):
    RoleFactory(title="Help-list responder", skills="Patience\nKind writing", area=areas["support"])
    RoleFactory(title="Conference mentor", skills="Budgets", area=areas["events"])

    assert titles(client.get(ROLES, {"q": "patience"})) == ["Help-list responder"]
    assert titles(client.get(ROLES, {"q": "conferences"})) == ["Conference mentor"]


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="full-text search needs DATABASE_URL=postgres://...")
def test_on_postgres_a_search_finds_other_forms_of_the_word(client, areas):
    RoleFactory(title="Postmaster", summary="Look after the mail lists of python.org.")
    RoleFactory(title="Website maintainer", summary="Review pull requests.")

    assert titles(client.get(ROLES, {"q": "mailing"})) == ["Postmaster"]


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="full-text search needs DATABASE_URL=postgres://...")
def test_on_postgres_a_match_in_the_title_ranks_above_a_newer_match_in_the_text(client, areas):
    RoleFactory(title="Mail administrator", opened_at=days_ago(30))
    RoleFactory(title="Website maintainer", description="Some mail too.", opened_at=days_ago(1))

    assert titles(client.get(ROLES, {"q": "mail"})) == ["Mail administrator", "Website maintainer"]


def make_roles(count: int, area) -> list[Role]:
    """`count` open roles in `area`, the first one the newest."""
    return [
        RoleFactory(title=f"Role number {n}", area=area, opened_at=days_ago(n))
        for n in range(1, count + 1)
    ]


def test_ten_roles_fit_on_a_page_and_page_two_shows_the_eleventh(client, areas):
    make_roles(11, areas["web"])

    first = client.get(ROLES)
    second = client.get(ROLES, {"page": "2"})

    assert titles(first) == [f"Role number {n}" for n in range(1, 11)]
    assert titles(second) == ["Role number 11"]
    assertContains(first, "11 open roles.")
    assertContains(first, 'href="?page=2" rel="next"')


def test_page_links_keep_the_search_and_the_area(client, areas):
    make_roles(11, areas["web"])

    response = client.get(ROLES, {"q": "role", "area": "web"})

    assert len(titles(response)) == 10
    assertContains(response, 'href="?q=role&amp;area=web&amp;page=2" rel="next"')
    second = client.get(ROLES, {"q": "role", "area": "web", "page": "2"})
    assertContains(second, 'href="?q=role&amp;area=web&amp;page=1" rel="prev"')


def test_a_page_past_the_end_shows_the_last_page(client, areas):
    make_roles(11, areas["web"])

    response = client.get(ROLES, {"page": "999"})

    assert response.context["page"].number == 2
    assert titles(response) == ["Role number 11"]


def test_with_no_open_roles_the_page_invites_people_to_join_the_pool(client, areas):
    RoleFactory(title="Closed grants reviewer", status=Role.Status.CLOSED)

    response = client.get(ROLES)

    assert titles(response) == []
    assertContains(response, "No open roles right now")
    assertContains(response, 'class="btn btn-primary" href="/pool/join/">Join the volunteer pool')


def test_an_area_without_roles_offers_the_pool_for_that_area(client, areas):
    RoleFactory(title="Postmaster", area=areas["infrastructure"])

    response = client.get(ROLES, {"area": "grants"})

    assert titles(response) == []
    assertContains(response, "No open role matches")
    assertContains(response, 'href="/pool/join/?area=grants">Join the volunteer pool')
