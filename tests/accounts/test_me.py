"""/me/: a person sees what they sent the PSF, by account or confirmed address, and nothing else."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from volunteers.models import PoolMember

from ..factories import HelpRequestFactory, PoolMemberFactory, RoleInterestFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


def test_me_lists_my_requests_with_their_private_links(client, user):
    mine = HelpRequestFactory(user=user, title="Our sprint needs a room")
    before = HelpRequestFactory(email="ADA@example.org", title="Sent before I had an account")
    HelpRequestFactory(user=UserFactory(), title="Somebody else's request")
    HelpRequestFactory(email="grace@example.org", title="Sent by someone else")
    client.force_login(user)

    page = client.get("/me/").content.decode()

    assert "Our sprint needs a room" in page
    assert mine.get_absolute_url() in page
    assert "Sent before I had an account" in page
    assert before.get_absolute_url() in page
    assert "Somebody else" not in page
    assert "Sent by someone else" not in page


def test_an_address_i_have_not_confirmed_shows_nothing(client, user):
    EmailAddress.objects.create(user=user, email="second@example.org", verified=False)
    HelpRequestFactory(email="second@example.org", title="Maybe not mine")
    RoleInterestFactory(email="second@example.org", role__title="Maybe not my role")
    PoolMemberFactory(email="second@example.org")
    client.force_login(user)

    page = client.get("/me/").content.decode()

    assert "Maybe not mine" not in page
    assert "Maybe not my role" not in page
    assert "You are not in the volunteer pool." in page


def test_a_second_confirmed_address_counts_too(client, user):
    EmailAddress.objects.create(user=user, email="work@example.org", verified=True)
    HelpRequestFactory(email="work@example.org", title="From my work address")
    client.force_login(user)
    assert "From my work address" in client.get("/me/").content.decode()


def test_another_persons_request_is_not_reachable_by_its_id(client, user):
    theirs = HelpRequestFactory(user=UserFactory(), title="Not yours")
    client.force_login(user)
    for url in [
        f"/help/status/{theirs.pk}/",
        f"/me/?id={theirs.pk}",
        f"/help/status/{theirs.reference}/",
    ]:
        response = client.get(url)
        assert "Not yours" not in response.content.decode(), url


def test_me_asks_anonymous_visitors_to_sign_in(client):
    response = client.get("/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/me/")


def test_joining_the_pool_with_my_confirmed_address_needs_no_second_email(
    client, user, areas, django_capture_on_commit_callbacks
):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/pool/join/", {"email": user.email, "name": user.name, "consent": "on"}
        )

    assert response["Location"] == "/me/"
    member = PoolMember.objects.get(email=user.email)
    assert member.is_subscribed
    [welcome] = mail.outbox
    assert "Welcome" in welcome.subject
    assert "You are in the volunteer pool since" in client.get("/me/").content.decode()


def test_joining_with_another_address_while_signed_in_still_asks_that_address(
    client, user, django_capture_on_commit_callbacks
):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/pool/join/", {"email": "friend@example.org", "name": "A friend", "consent": "on"}
        )
    assert response["Location"] == "/pool/join/sent/"
    assert not PoolMember.objects.get(email="friend@example.org").is_subscribed


def test_leaving_the_pool_from_me(client, user):
    member = PoolMemberFactory(email=user.email)
    client.force_login(user)
    client.post(member.unsubscribe_url())
    member.refresh_from_db()
    assert not member.is_subscribed
    assert "You are not in the volunteer pool." in client.get("/me/").content.decode()
