"""Two erasures of the same person at the same moment (the person and staff, say): each row is
erased once, with one history entry, and one erasure is recorded. Postgres only: SQLite
serialises every write and would hide a bug."""

import pytest

from help_requests.models import HelpRequestEvent
from privacy.models import Erasure
from privacy.services import person_erase, person_of_address
from volunteers.models import PoolMember, RoleInterest

from ..concurrency import errors, run_together
from ..conftest import ON_POSTGRES
from ..factories import HelpRequestFactory, PoolMemberFactory, RoleInterestFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://..."),
    pytest.mark.django_db(transaction=True),
]

EMAIL = "kwame@example.org"


def test_two_erasures_at_once_erase_and_record_once(areas):
    help_request = HelpRequestFactory(email=EMAIL, name="Kwame Mensah")
    RoleInterestFactory(email=EMAIL, name="Kwame Mensah")
    PoolMemberFactory(email=EMAIL)

    results = run_together(
        2,
        lambda n: person_erase(person=person_of_address(email=EMAIL), via=Erasure.Via.LINK),
    )

    assert not errors(results), errors(results)
    assert sum(result is not None for result in results) == 1
    assert Erasure.objects.count() == 1
    details = HelpRequestEvent.objects.filter(
        request=help_request, field=HelpRequestEvent.Field.DETAILS
    )
    assert details.count() == 1
    assert RoleInterest.objects.get().name == "A person who asked to be forgotten"
    assert not PoolMember.objects.exists()
