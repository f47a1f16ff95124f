"""Form pages keep an unbound form's drawing per process (common/form_cache.py).

What a visitor would notice if the cache were wrong: someone else's CSRF token (their POST
refused), a kind of help or an area staff just added missing from the form, or what they typed
replaced by a blank form. None of those may happen.
"""

import re

import pytest
from django.core.cache import caches
from django.test import Client

from help_requests.models import HelpKind

from .factories import AreaFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def empty_form_cache():
    caches["forms"].clear()
    yield
    caches["forms"].clear()


def form_token(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return TOKEN.search(response.content.decode())[1]


def test_each_visitor_gets_their_own_csrf_token_and_can_post(help_kinds):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_token = form_token(first, "/help/new/")
    second_token = form_token(second, "/help/new/")  # drawn from the cache

    assert len(caches["forms"]._cache) == 1  # one drawing, kept
    assert first_token != second_token
    # The second visitor's form posts: the token in the drawing is theirs, not the first one's.
    response = second.post("/help/new/", {"csrfmiddlewaretoken": second_token})
    assert response.status_code == 200  # the form's own errors, not a 403
    assert "Error: " in response.content.decode()


def test_a_kind_of_help_staff_add_shows_at_once(help_kinds):
    client = Client()
    assert "Mentoring" not in client.get("/help/new/").content.decode()
    HelpKind.objects.create(code="mentoring", label="Mentoring", position=99)
    assert "Mentoring" in client.get("/help/new/").content.decode()


def test_an_area_staff_add_shows_on_the_pool_form_at_once():
    client = Client()
    assert "Packaging" not in client.get("/pool/join/").content.decode()
    AreaFactory(code="packaging", label="Packaging")
    assert "Packaging" in client.get("/pool/join/").content.decode()


def test_what_was_typed_comes_back_not_the_kept_blank_form(help_kinds):
    client = Client()
    client.get("/pool/join/")  # the blank form, now kept
    page = client.post("/pool/join/", {"email": "not-an-address", "name": "Ada"})
    html = page.content.decode()
    assert 'value="not-an-address"' in html
    assert 'value="Ada"' in html
