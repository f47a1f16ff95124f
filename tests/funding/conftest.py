"""A reviewer as the PSF has them: staff, in the "PSF staff" group, not a superuser."""

import pytest
from django.contrib.auth.models import Group

from accounts.services import STAFF_GROUP

from ..factories import StaffFactory
from ..signin import force_sign_in


@pytest.fixture
def reviewer(db):
    person = StaffFactory(email="reviewer@python.org", name="Re Viewer", is_superuser=False)
    person.groups.add(Group.objects.get(name=STAFF_GROUP))
    return person


@pytest.fixture
def reviewer_client(client, reviewer):
    """A browser session of `reviewer`, signed in with password and authenticator code (the
    session the sign-in pages leave, tests/signin.py `force_sign_in`)."""
    force_sign_in(client, reviewer)
    return client
