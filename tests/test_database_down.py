"""The database away for a moment: a calm 503 with Retry-After, no trace of our code (T8)."""

from unittest import mock

import pytest
from django.db import OperationalError


@pytest.mark.django_db
def test_a_page_that_cannot_reach_the_database_answers_503_and_says_to_retry(client):
    down = OperationalError('connection to server at "127.0.0.1", port 5432 failed')
    with mock.patch("psf_helpdesk.views.roles_open", side_effect=down):
        response = client.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Back in a moment" in page
    assert "5432" not in page and "Traceback" not in page


@pytest.mark.django_db
def test_other_errors_are_not_dressed_up_as_an_outage(client):
    with (
        mock.patch("psf_helpdesk.views.roles_open", side_effect=ValueError("a bug")),
        pytest.raises(ValueError),
    ):
        client.get("/")
