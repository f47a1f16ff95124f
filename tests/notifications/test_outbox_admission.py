"""One admission rule for the outbox, whether an e-mail is queued alone or in a mailing's batch:
never to an erased address, and no more than the daily cap of unverified mail to one address."""

import pytest

from common.privacy import erased_address
from notifications.models import OutboundEmail
from notifications.services import email_queue, email_queue_batch, idempotency_key

pytestmark = pytest.mark.django_db

TEMPLATE = "outbox_test/hello"
ADDRESS = "someone@example.org"


def queue(way: str, *, to: str, key: str, unverified: bool = False) -> None:
    """Queue one e-mail the given way: alone (`email_queue`) or as a batch of one."""
    if way == "alone":
        email_queue(to=[to], template=TEMPLATE, context={}, key=key, unverified=unverified)
    else:
        email = {"to": [to], "template": TEMPLATE, "context": {}, "key": key}
        email_queue_batch(emails=[{**email, "unverified": unverified}], batch="mailing-1")


def written_to(address: str) -> int:
    return OutboundEmail.objects.filter(to=address).count()


@pytest.fixture(params=["alone", "batch"])
def way(request) -> str:
    return request.param


def test_nothing_is_written_to_an_erased_address(way):
    erased = erased_address("pool", 7)

    queue(way, to=erased, key="welcome")
    queue(way, to=ADDRESS, key="welcome")

    assert written_to(erased) == 0
    assert written_to(ADDRESS) == 1


def test_unverified_mail_stops_at_the_daily_cap(way, settings):
    settings.PUBLIC_MAIL_DAILY_CAP = 2

    for n in range(4):
        queue(way, to=ADDRESS, key=f"receipt-{n}", unverified=True)
    for n in range(2):
        queue(way, to=ADDRESS, key=f"news-{n}")  # mail to people who proved their address

    written = set(OutboundEmail.objects.values_list("idempotency_key", flat=True))
    keys = ["receipt-0", "receipt-1", "news-0", "news-1"]
    assert written == {idempotency_key(key, ADDRESS) for key in keys}


def test_a_batch_and_a_single_email_count_against_one_cap(settings):
    settings.PUBLIC_MAIL_DAILY_CAP = 2

    queue("alone", to=ADDRESS, key="receipt", unverified=True)
    queue("batch", to=ADDRESS, key="confirm", unverified=True)
    queue("batch", to=ADDRESS, key="confirm-again", unverified=True)
    queue("alone", to=ADDRESS, key="receipt-again", unverified=True)

    assert written_to(ADDRESS) == 2


def test_an_email_queued_again_is_not_counted_again(way, settings):
    settings.PUBLIC_MAIL_DAILY_CAP = 2

    for _ in range(3):
        queue(way, to=ADDRESS, key="confirm", unverified=True)  # a worker re-running its batch
    queue(way, to=ADDRESS, key="receipt", unverified=True)

    assert written_to(ADDRESS) == 2
