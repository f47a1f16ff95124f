"""Erasing an account takes only what is the person's own: a request (or a hand raised) their
account sent for someone else's address keeps that other person's data and status link, and
only loses its link to the erased account."""

import pytest
from django.test import Client

from funding.models import FundingRequest
from help_requests.models import HelpRequest, HelpRequestEvent
from help_requests.services import help_request_submit
from privacy.models import Erasure
from privacy.services import person_erase, person_of_user, person_open_requests
from volunteers.models import RoleInterest
from volunteers.services import role_interest_register

from ..factories import RoleFactory, UserFactory
from ..funding.factories import submit_funding
from .people import ZOE, ZOE_EMAIL

pytestmark = pytest.mark.django_db

OTHER, OTHER_EMAIL = "Olu Other-Person", "olu.other@example.org"


@pytest.fixture
def sent(help_kinds, areas):
    """Zoë, signed in, asks for help for herself, and sends a request, a funding request and
    a hand for a role on behalf of Olu, with Olu's name and address."""
    user = UserFactory(email=ZOE_EMAIL, name=ZOE)
    common = {"area": HelpRequest.Area.COMMUNITY, "kinds": [help_kinds["advice"]], "user": user}
    role = RoleFactory(area=areas["infrastructure"])
    return {
        "user": user,
        "own": help_request_submit(
            title="Zoë's own request", description="Hers.", name=ZOE, email=ZOE_EMAIL, **common
        ),
        "for_olu": help_request_submit(
            title="Olu's meetup needs a room",
            description="Olu runs it; I am helping them ask.",
            name=OTHER,
            email=OTHER_EMAIL,
            organisation="Lagos Python",
            **common,
        ),
        "funding_for_olu": submit_funding(
            name=OTHER, email=OTHER_EMAIL, other_funding="Olu's sponsor gives the room.", user=user
        ),
        "hand_for_olu": role_interest_register(
            role=role,
            name=OTHER,
            email=OTHER_EMAIL,
            availability="Weekends",
            message="Olu knows Postfix.",
            user=user,
        ),
    }


def test_erasing_an_account_keeps_the_requests_it_sent_for_another_address(client, sent):
    status_page = sent["for_olu"].get_absolute_url()
    # Erasure warns only about what it erases: her own open request, not Olu's.
    person = person_of_user(user=sent["user"])
    assert person_open_requests(person=person) == [sent["own"].reference]

    erasure = person_erase(person=person, via=Erasure.Via.ACCOUNT)

    for_olu = HelpRequest.objects.get(pk=sent["for_olu"].pk)
    assert (for_olu.name, for_olu.email, for_olu.organisation) == (
        OTHER,
        OTHER_EMAIL,
        "Lagos Python",
    )
    assert for_olu.title == "Olu's meetup needs a room"
    assert for_olu.user is None  # no longer linked to the erased account
    assert Client().get(status_page).status_code == 200  # Olu's link still works
    assert HelpRequestEvent.objects.filter(request=for_olu, new="account removed").exists()
    funding = FundingRequest.objects.get(help_request=sent["funding_for_olu"])
    assert funding.other_funding == "Olu's sponsor gives the room."
    assert funding.help_request.email == OTHER_EMAIL and funding.help_request.user is None
    hand = RoleInterest.objects.get(pk=sent["hand_for_olu"].pk)
    assert (hand.name, hand.email, hand.message, hand.user) == (
        OTHER,
        OTHER_EMAIL,
        "Olu knows Postfix.",
        None,
    )
    # Her own request is erased as before.
    own = HelpRequest.objects.get(pk=sent["own"].pk)
    assert ZOE not in own.name and own.email != ZOE_EMAIL and own.user is None
    assert erasure is not None
    assert erasure.counts["help_requests"] == 1
    assert erasure.counts["help_requests_sent_for_others"] == 2
    assert erasure.counts["role_interests_sent_for_others"] == 1
    # A second erasure finds nothing more.
    assert person_erase(person=person, via=Erasure.Via.ACCOUNT) is None
