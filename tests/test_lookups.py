"""The help form reads its lookup tables (kinds of help, kinds of event, budget categories) from
the cache (common/lookups.py): a warm form page runs no query, and what staff change shows at once.
"""

import time
from unittest import mock

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common import lookups
from funding.models import BudgetCategory, EventKind
from help_requests.models import HelpKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_form_cache():
    caches["forms"].clear()


def form(client) -> str:
    response = client.get("/help/new/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_warm_help_form_runs_no_query(client, help_kinds):
    form(client)

    with CaptureQueriesContext(connection) as queries:
        form(client)

    assert [q["sql"] for q in queries] == []


def test_what_staff_add_rename_or_remove_shows_on_the_next_visit(client, help_kinds):
    form(client)  # cached

    EventKind.objects.create(code="hackathon", label="A weekend hackathon", position=99)
    category = BudgetCategory.objects.get(code="venue")
    category.label = "Room hire and deposits"
    category.save()
    HelpKind.objects.get(code="people").delete()
    page = form(client)

    assert "A weekend hackathon" in page
    assert "Room hire and deposits" in page
    assert 'value="people"' not in page


def test_a_new_kind_is_accepted_when_sent_right_after_it_was_added(client, help_kinds):
    form(client)  # cached
    EventKind.objects.create(code="hackathon", label="A weekend hackathon", position=99)

    response = client.post("/help/new/", {"kinds": ["funding"], "event_kind": "hackathon"})

    assert "event_kind" not in response.context["form"].errors


def test_rows_a_migration_changed_are_read_again(client, help_kinds):
    form(client)  # cached
    EventKind.objects.filter(code="user-group").update(label="A user group meeting")  # no signal
    assert "A user group meeting" not in form(client)

    call_command("migrate", verbosity=0)

    assert "A user group meeting" in form(client)


def test_a_warm_help_form_does_not_wait_on_the_shared_cache_for_its_tables(client, help_kinds):
    form(client)

    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as shared:
        form(client)

    assert shared.call_count == 0


def test_a_change_made_in_another_process_shows_here_within_seconds(client, help_kinds):
    form(client)  # this process keeps its copy
    # What a save in another process does: the row changes and the shared cache forgets it.
    EventKind.objects.filter(code="user-group").update(label="A user group meeting")
    cache.delete(lookups._key(EventKind))
    assert "A user group meeting" not in form(client)

    later = time.monotonic() + lookups.LOCAL_SECONDS + 1
    with mock.patch.object(lookups.time, "monotonic", return_value=later):
        assert "A user group meeting" in form(client)
