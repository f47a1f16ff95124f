"""`make test` runs in several processes (pytest-xdist): each has its own Redis database, for the
cache and the broker, since tests empty the cache and count what reaches the broker."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from psf_helpdesk.settings.test import worker_redis_url

from .settings_import import settings_module


def settings_of(worker: str, redis_url: str) -> list[str]:
    """The cache and broker a worker process gets, as its settings module reads them."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "psf_helpdesk.settings.test",
        "REDIS_URL": redis_url,
        "PYTEST_XDIST_WORKER": worker,
    }
    read = settings_module(env["DJANGO_SETTINGS_MODULE"], env)
    return [read.CACHES["default"]["LOCATION"], read.CELERY_BROKER_URL]


def test_workers_use_the_database_named_and_the_ones_below_it():
    assert settings_of("gw0", "redis://127.0.0.1:6379/15") == ["redis://127.0.0.1:6379/15"] * 2
    assert settings_of("gw1", "redis://127.0.0.1:6379/15") == ["redis://127.0.0.1:6379/14"] * 2


def test_a_url_with_too_low_a_database_is_refused_with_what_to_do():
    assert (
        worker_redis_url("redis://:pw@redis.invalid:6380/3", 3)
        == "redis://:pw@redis.invalid:6380/0"
    )
    with pytest.raises(ImproperlyConfigured, match="leaves no Redis database for test worker gw2"):
        worker_redis_url("redis://127.0.0.1:6379/1", 2)
