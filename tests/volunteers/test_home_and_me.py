"""The home page invites people to volunteer; /me/ shows their raised hands and the pool."""

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from volunteers.models import Role

from ..factories import PoolMemberFactory, RoleFactory, RoleInterestFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_the_four_newest_open_roles(client, areas):
    for n in range(1, 6):
        RoleFactory(title=f"Role {n} days old", opened_at=timezone.now() - timedelta(days=n))
    RoleFactory(title="A draft", status=Role.Status.DRAFT, opened_at=None)

    response = client.get("/")

    assert [role.title for role in response.context["roles"]] == [
        f"Role {n} days old" for n in range(1, 5)
    ]
    assertNotContains(response, "Role 5 days old")
    assertContains(response, 'href="/roles/">See all 5 open roles</a>')
    assertContains(response, 'href="/pool/join/">Join the volunteer pool</a>')


def test_the_home_page_without_open_roles_still_points_to_roles_and_the_pool(client, areas):
    response = client.get("/")

    assertNotContains(response, "Newest open roles")
    assertContains(response, 'href="/roles/">See the volunteer roles</a>')
    assertContains(response, 'href="/pool/join/">Join the volunteer pool</a>')


def me(client, user) -> str:
    client.force_login(user)
    response = client.get("/me/")
    assert response.status_code == 200
    return response.content.decode()


def test_me_lists_hands_raised_signed_in_or_with_my_address(client, user, areas):
    RoleInterestFactory(role=RoleFactory(title="Postmaster", slug="postmaster"), user=user)
    RoleInterestFactory(
        role=RoleFactory(title="Website maintainer", status=Role.Status.FILLED),
        email="ADA@example.org",
        status="declined",
    )
    RoleInterestFactory(role=RoleFactory(title="Grants reviewer"), email="someone@example.org")
    RoleInterestFactory(
        role=RoleFactory(title="Job-board updater"), user=UserFactory(), email="x@example.org"
    )

    page = me(client, user)

    assert '<a href="/roles/postmaster/">Postmaster</a>' in page
    assert "<td>Website maintainer</td>" in page  # filled: no longer linked
    assert "Declined" in page
    assert "Grants reviewer" not in page
    assert "Job-board updater" not in page


def test_me_without_hands_points_to_the_open_roles(client, user):
    page = me(client, user)

    assert "You have not raised your hand for a role yet." in page
    assert 'href="/roles/">See the open roles</a>' in page


def test_me_says_when_i_am_in_the_volunteer_pool(client, user):
    member = PoolMemberFactory(email="Ada@Example.org")

    page = me(client, user)

    assert "You are in the volunteer pool since" in page
    assert f'action="{member.unsubscribe_url()}"' in page  # "Leave the pool", a POST


def test_a_pending_sign_up_of_my_address_is_joined_with_my_own_details_not_confirmed_here(
    client, user
):
    # Anyone may have typed my address: /me/ confirms nothing they typed; I join as myself.
    PoolMemberFactory(email=user.email, confirmed_at=None, name="Evil Name visit evil.example")

    page = me(client, user)
    assert "You are not in the volunteer pool." in page
    assert 'href="/pool/join/">Join the pool</a>' in page
    assert "Confirm and join" not in page and "evil.example" not in page


@pytest.mark.parametrize("left", [True, False], ids=["left-the-pool", "never-joined"])
def test_me_offers_the_pool_to_someone_not_in_it(client, user, left):
    if left:
        PoolMemberFactory(email=user.email, unsubscribed_at=timezone.now())

    page = me(client, user)

    assert "You are not in the volunteer pool." in page
    assert 'href="/pool/join/">Join the pool</a>' in page
