"""Behind a proxy, one setting says whose address a request is, for every limit (T31)."""

import pytest
from django.test import RequestFactory

from common.http import client_ip

from .factories import DEFAULT_PASSWORD, UserFactory

PROXY = "10.0.0.1"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", PROXY),  # no proxy configured: the header is anybody's say-so
        (1, None, PROXY),  # a proxy that did not set it: the proxy, never an error
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # what the client sent is ignored
        (1, "not an address", PROXY),
        (1, "203.0.113.9:5443", "203.0.113.9"),
        (1, "[2001:db8::7]:443", "2001:db8::7"),
        (1, "", PROXY),
        (1, "\x00, ,,", PROXY),
        (2, "203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", PROXY),  # fewer entries than proxies
    ],
)
def test_the_client_address_is_the_one_the_outermost_trusted_proxy_saw(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, **headers)
    assert client_ip(request) == expected


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.mark.django_db
@pytest.mark.usefixtures("behind_one_proxy")
@pytest.mark.parametrize("forwarded", [None, "1.2.3.4, 10.0.0.1", "garbage", "", "::::"])
@pytest.mark.parametrize("url", ["/help/new/", "/pool/join/", "/accounts/login/"])
def test_a_bad_forwarded_header_never_gives_a_server_error(client, help_kinds, url, forwarded):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    response = client.post(url, {"email": "x@example.org"}, REMOTE_ADDR=PROXY, **headers)
    assert response.status_code < 500


@pytest.mark.django_db
@pytest.mark.usefixtures("behind_one_proxy")
def test_thirty_failed_sign_ins_never_lock_out_another_persons_correct_one(client):
    alice, bob = UserFactory(email="alice@example.org"), UserFactory(email="bob@example.org")
    for n in range(30):
        client.post(
            "/accounts/login/",
            {"login": alice.email if n % 2 else f"guess{n}@example.org", "password": "nope"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.66",  # one attacker, faked hops
        )

    response = client.post(
        "/accounts/login/",
        {"login": bob.email, "password": DEFAULT_PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(bob.pk)


@pytest.mark.django_db
@pytest.mark.usefixtures("behind_one_proxy")
def test_the_form_limit_counts_each_client_behind_the_proxy_apart(client, settings):
    settings.RATELIMIT_FORM_RATE = "3/m"

    def join(address: str) -> int:
        return client.post(
            "/pool/join/", {}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address
        ).status_code

    assert [join("203.0.113.1") for _ in range(4)] == [200, 200, 200, 429]
    assert join("203.0.113.2") == 200  # somebody else behind the same proxy
    assert join("6.6.6.6, 203.0.113.1") == 429  # a faked hop does not reset the count
