"""One pool member per e-mail address, whatever its case, even when sign-ups race."""

import threading
from unittest import mock

import pytest
from django.db import IntegrityError, connections, transaction

from notifications.tasks import send_outbound_email
from volunteers.models import POOL_CONSENT_TEXT, PoolMember
from volunteers.services import pool_join

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
    barrier = threading.Barrier(len(addresses))
    errors: list[Exception] = []

    def join(email: str) -> None:
        try:
            barrier.wait(timeout=10)
            pool_join(email=email, name="Ada Lovelace", consent_text=POOL_CONSENT_TEXT)
        except Exception as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=join, args=(email,)) for email in addresses]
    # Only the rows matter here; no e-mail needs to reach the broker.
    with mock.patch.object(send_outbound_email, "apply_async"):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert errors == []
    assert PoolMember.objects.count() == 1
