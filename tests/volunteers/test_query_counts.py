"""Pages cost the same number of queries with a few rows or many, so the site stays fast."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from volunteers.models import Role

from ..factories import PoolMemberFactory, RoleFactory, RoleInterestFactory

pytestmark = pytest.mark.django_db

AREAS = ["infrastructure", "web", "support", "events"]


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def make_roles(count: int, areas) -> None:
    for n in range(count):
        RoleFactory(area=areas[AREAS[n % len(AREAS)]], is_vetted=bool(n % 2))


def make_interests(count: int, areas, staff) -> None:
    for n in range(count):
        role = RoleFactory(area=areas[AREAS[n % len(AREAS)]], is_vetted=True)
        status = ["new", "contacted", "onboarded"][n % 3]
        vetted = status == "onboarded" or n % 2
        RoleInterestFactory(
            role=role,
            status=status,
            vetted_at=timezone.now() if vetted else None,
            vetted_by=staff if vetted else None,
        )


def make_members(count: int, areas) -> None:
    for n in range(count):
        PoolMemberFactory(
            interests=AREAS[: n % 3 + 1], confirmed_at=None if n % 4 else timezone.now()
        )


@pytest.mark.parametrize("url", ["/roles/", "/roles/?q=volunteer", "/roles/?area=web", "/"])
def test_the_role_list_and_home_page_cost_the_same_with_3_or_10_roles(client, areas, url):
    # Drawn afresh each time (their role lists are cached; see the next test).
    make_roles(3, areas)
    cache.clear()
    with_3 = queries(client, url)

    make_roles(7, areas)
    cache.clear()
    with_10 = queries(client, url)

    assert with_10 == with_3
    # Drawn once, then read from the cache; an area in the address is still looked up.
    assert queries(client, url) == (1 if "area=" in url else 0)


@pytest.mark.parametrize("url", ["/roles/", "/"])
def test_a_role_saved_shows_at_once_on_the_cached_lists(
    client, areas, url, django_capture_on_commit_callbacks
):
    role = RoleFactory(title="Postmaster", area=areas["infrastructure"])
    assert "Postmaster" in client.get(url).content.decode()
    assert queries(client, url) == 0

    with django_capture_on_commit_callbacks(execute=True):
        role.title = "Mail list keeper"
        role.save()
    assert "Mail list keeper" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        role.status = Role.Status.CLOSED
        role.save()
        RoleFactory(title="Website maintainer", area=areas["web"])
    page = client.get(url).content.decode()
    assert "Mail list keeper" not in page
    assert "Website maintainer" in page


def test_an_area_renamed_shows_at_once_in_the_role_filter(
    client, areas, django_capture_on_commit_callbacks
):
    RoleFactory(area=areas["web"])
    client.get("/roles/")
    with django_capture_on_commit_callbacks(execute=True):
        areas["web"].label = "Websites and documentation"
        areas["web"].save()
    assert "Websites and documentation (1)" in client.get("/roles/").content.decode()


def test_a_role_page_costs_the_same_however_many_people_raised_a_hand(
    client, areas, django_capture_on_commit_callbacks
):
    role = RoleFactory(slug="postmaster")
    with django_capture_on_commit_callbacks(execute=True):
        RoleInterestFactory(role=role, status="onboarded")
    with_1 = queries(client, "/roles/postmaster/")

    with django_capture_on_commit_callbacks(execute=True):  # each a new version of the roles
        for status in ["new", "contacted", "onboarded", "declined"] * 5:
            RoleInterestFactory(role=role, status=status)
    with_21 = queries(client, "/roles/postmaster/")

    assert with_21 == with_1 == 1
    assert "6 volunteers" in client.get("/roles/postmaster/").content.decode()


def test_a_role_page_seen_again_is_read_from_the_cache_until_the_roles_change(
    client, areas, django_capture_on_commit_callbacks
):
    role = RoleFactory(slug="postmaster", title="Postmaster")
    client.get("/roles/postmaster/")

    assert queries(client, "/roles/postmaster/") == 0

    with django_capture_on_commit_callbacks(execute=True):
        role.title = "Postmaster and list keeper"
        role.save()
    assert "Postmaster and list keeper" in client.get("/roles/postmaster/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        RoleInterestFactory(role=role, status="onboarded")
    assert "1 volunteer<" in client.get("/roles/postmaster/").content.decode()


@pytest.mark.parametrize(
    ("url", "make"),
    [
        # Each role with a raised hand, so the per-status counts are exercised too.
        (
            "/admin/volunteers/role/",
            lambda areas, staff, count: make_interests(count, areas, staff),
        ),
        (
            "/admin/volunteers/roleinterest/",
            lambda areas, staff, count: make_interests(count, areas, staff),
        ),
        ("/admin/volunteers/poolmember/", lambda areas, staff, count: make_members(count, areas)),
    ],
    ids=["roles", "interests", "pool-members"],
)
def test_the_admin_changelists_cost_the_same_with_3_or_30_rows(
    staff_client, areas, staff, url, make
):
    make(areas, staff, 3)
    with_3 = queries(staff_client, url)

    make(areas, staff, 27)
    with_30 = queries(staff_client, url)

    assert with_30 == with_3
