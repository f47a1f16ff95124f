"""People the account tests sign in as."""

import pytest
from django.contrib.auth.models import Group

from accounts.services import STAFF_GROUP

from ..factories import StaffFactory
from ..signin import sign_in


@pytest.fixture
def triager(db):
    """A plain PSF staff member (staff, in the PSF staff group, not a superuser): most staff."""
    person = StaffFactory(email="plain.triager@python.org", is_superuser=False)
    person.groups.add(Group.objects.get(name=STAFF_GROUP))
    return person


@pytest.fixture(params=["staff", "triager"])
def any_staff(request):
    """Each kind of staff in turn: a superuser, then a plain PSF staff member."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def staff_client(client, staff):
    """Here, where the tests are about signing in, MFA and staff sessions, `staff` signs in
    through the pages themselves (tests/conftest.py's `staff_client` leaves only the session)."""
    sign_in(client, staff)
    return client
