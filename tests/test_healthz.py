"""/healthz: what a load balancer and an operator read to know the portal can do its work."""

from unittest import mock

import pytest

from .conftest import ON_REDIS

pytestmark = pytest.mark.django_db


def test_healthz_reports_each_dependency_up(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    # The embedded default runs tasks in-process; with a real broker it must answer.
    assert body["broker"] == ("ok" if ON_REDIS else "eager")


def test_healthz_is_never_cached(client):
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_names_the_database_when_it_is_down(client):
    with mock.patch(
        "psf_helpdesk.views._check_database", side_effect=RuntimeError("connection refused")
    ):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["database"] == "down"
    assert body["cache"] == "ok"
    assert "connection refused" not in response.content.decode()


def test_healthz_names_the_broker_when_it_is_down(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with mock.patch(
        "psf_helpdesk.views.celery_app.pool.acquire",
        side_effect=OSError("Error 111 connecting to 127.0.0.1:6379. Connection refused."),
    ):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["broker"] == "down"
