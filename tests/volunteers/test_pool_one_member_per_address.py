"""One pool member per e-mail address, whatever its case, even when sign-ups race."""

from unittest import mock

import pytest
from django.db import IntegrityError, transaction

from notifications.tasks import send_outbound_email
from volunteers.models import POOL_CONSENT_TEXT, PoolMember
from volunteers.services import pool_join

from ..concurrency import errors, run_together
from ..conftest import ON_POSTGRES
from ..factories import PoolMemberFactory


@pytest.mark.django_db
def test_the_database_refuses_a_second_member_with_the_same_address_in_another_case():
    PoolMemberFactory(email="ada@example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        PoolMemberFactory(email="ADA@Example.ORG")

    assert PoolMember.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://...")
@pytest.mark.django_db(transaction=True)
def test_three_sign_ups_with_one_address_at_the_same_moment_make_one_member():
    addresses = ["ada@example.org", "ADA@example.org", "Ada@Example.Org"]

    def join(n: int) -> None:
        pool_join(email=addresses[n], name="Ada Lovelace", consent_text=POOL_CONSENT_TEXT)

    # Only the rows matter here; no e-mail needs to reach the broker.
    with mock.patch.object(send_outbound_email, "apply_async"):
        results = run_together(len(addresses), join)

    assert errors(results) == []
    assert PoolMember.objects.count() == 1
