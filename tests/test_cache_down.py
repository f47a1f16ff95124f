"""Redis, which holds the rate-limit counters, goes away (T9). The documented choice (README,
"When Redis, the worker or SMTP is down"): the public forms fail open, with a logged
cache.unavailable warning; sign-in fails closed, because allauth cannot count failed passwords
then. Never a 500.
"""

import logging
import socket

import pytest
from allauth.core.internal import ratelimit as allauth_ratelimit

from help_requests.models import HelpRequest

from .factories import DEFAULT_PASSWORD


@pytest.fixture
def redis_down(settings):
    with socket.create_server(("127.0.0.1", 0)) as sock:
        port = sock.getsockname()[1]  # closed again when the block ends: nobody listens
    settings.CACHES = {
        **settings.CACHES,  # the in-process "forms" cache stays: only Redis goes away
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                "IGNORE_EXCEPTIONS": True,
            },
        },
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("redis_down", "eager_celery")
def test_a_help_request_is_taken_and_the_outage_logged(client, help_kinds, caplog):
    form = {
        "type": "help",
        "name": "Grace Hopper",
        "email": "grace@example.org",
        "area": "community",
        "kinds": ["advice"],
        "title": "Advice on a code of conduct",
        "description": "We are writing our first one.",
    }
    with caplog.at_level(logging.WARNING):
        response = client.post("/help/new/", form)
    assert response.status_code == 302
    assert HelpRequest.objects.count() == 1
    assert any(record.name == "cache.unavailable" for record in caplog.records)


@pytest.mark.django_db
@pytest.mark.usefixtures("redis_down")
def test_signing_in_waits_for_redis_rather_than_allow_unlimited_guessing(client, user, monkeypatch):
    # allauth waits up to a second for its counter's lock before it refuses; a tenth will do.
    monkeypatch.setattr(allauth_ratelimit, "CACHE_LOCK_WAIT_TIMEOUT", 0.1)
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("redis_down", "eager_celery")
def test_a_role_page_is_read_from_the_database_and_takes_an_interest(client, areas):
    from volunteers.models import RoleInterest

    from .factories import RoleFactory, RoleInterestFactory

    role = RoleFactory(slug="postmaster", title="Postmaster")
    assert "Nobody yet" in client.get("/roles/postmaster/").content.decode()
    RoleInterestFactory(role=role, status="onboarded")  # committed; no version can be kept
    assert "1 volunteer<" in client.get("/roles/postmaster/").content.decode()

    response = client.post(
        "/roles/postmaster/",
        {"name": "Ada Lovelace", "email": "ada@example.org", "availability": "Evenings"},
    )

    assert response.status_code == 302
    assert RoleInterest.objects.filter(email="ada@example.org").exists()
