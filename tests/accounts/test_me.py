"""A signed-in person sees their own requests on /me/, and nobody else's."""

import pytest

from ..factories import HelpRequestFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_me_lists_my_requests_with_their_private_links(client, user):
    mine = HelpRequestFactory(user=user, title="Our sprint needs a room")
    HelpRequestFactory(user=UserFactory(), title="Somebody else's request")
    HelpRequestFactory(title="Sent without signing in")
    client.force_login(user)

    page = client.get("/me/").content.decode()

    assert "Our sprint needs a room" in page
    assert mine.get_absolute_url() in page
    assert "Somebody else" not in page
    assert "Sent without signing in" not in page


def test_me_asks_anonymous_visitors_to_sign_in(client):
    response = client.get("/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/me/")
