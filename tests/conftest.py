"""Shared fixtures: people, a submitted request, in-process Celery, a clean cache per test."""

import os
from copy import deepcopy
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connection
from pytest_django.plugin import blocking_manager_key

from attachments.models import Attachment
from common import lookups
from funding.selectors import funding_form_facts_forget
from help_requests.models import HelpKind, HelpRequest
from help_requests.services import help_request_submit
from insights.selectors import insights_forget
from mail_in.models import InboundMessage
from psf_helpdesk.celery import app as celery_app
from volunteers.models import Area

from .attachments.files import make_attachment
from .factories import AreaFactory, HelpKindFactory, StaffFactory, UserFactory
from .funding.factories import make_funding_rules
from .signin import sign_in

KIND_LABELS = {
    "funding": "Funding",
    "infrastructure": "Infrastructure",
    "advice": "Advice",
    "people": "People",
    "other": "Something else",
}

TEST_TEMPLATES = Path(__file__).parent / "notifications" / "templates"

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
ON_REDIS = bool(os.environ.get("REDIS_URL"))


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return "transactional_db" in getattr(item, "fixturenames", ())
    return bool(marker.kwargs.get("transaction", marker.args[0] if marker.args else False))


_MIGRATION_ROWS: dict[str, str] = {}


@pytest.fixture(scope="session", autouse=True)
def _migration_rows(django_db_setup, django_db_blocker):
    """What the migrations wrote (the PSF staff group, kinds of help, areas, funding rules), as
    Django's test runner serializes it, for putting back after a transactional test."""
    with django_db_blocker.unblock():
        _MIGRATION_ROWS[connection.alias] = connection.creation.serialize_db_to_string()


def _restore_migration_rows() -> None:
    # The flush re-made content types and permissions under new ids; the rows come back with
    # the ids the snapshot holds.
    ContentType.objects.all().delete()
    ContentType.objects.clear_cache()
    connection.creation.deserialize_db_from_string(_MIGRATION_ROWS[connection.alias])


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """A transactional test ends by emptying every table, and with them the rows migrations made
    (the PSF staff group, kinds of help, areas): they are put back, whichever test comes next in
    this worker (xdist's work stealing does not keep transactional tests last). After the last
    test (no next item) the session's teardown has already destroyed the test database: there
    is nothing to put back, and nowhere to put it."""
    yield
    if _transactional(item) and nextitem is not None:
        with item.config.stash[blocking_manager_key].unblock():
            _restore_migration_rows()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and anything else cached never leak from one test into the next."""
    cache.clear()
    lookups.forget_all()  # also this process's copies of the lookup tables
    funding_form_facts_forget()  # and of the funding form's currencies and notice rule
    insights_forget()  # and the Insights dashboard's figures
    yield
    cache.clear()
    lookups.forget_all()
    funding_form_facts_forget()


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings, tmp_path_factory, monkeypatch):
    """Every test keeps attachments in a folder of its own, never in var/attachments.

    The model's FileField took its storage when it was defined, so it is pointed at the new one.
    """
    configured = deepcopy(settings.STORAGES)
    configured["attachments"]["OPTIONS"]["location"] = str(tmp_path_factory.mktemp("attachments"))
    configured["mail"]["OPTIONS"]["location"] = str(tmp_path_factory.mktemp("mail"))
    settings.STORAGES = configured  # Django forgets the storages it had made
    monkeypatch.setattr(Attachment._meta.get_field("file"), "storage", storages["attachments"])
    monkeypatch.setattr(InboundMessage._meta.get_field("raw"), "storage", storages["mail"])
    yield


@pytest.fixture
def attachment_factory(db):
    """make_attachment(owner, name=..., content=..., by=..., scan_state=...): a kept file."""
    return make_attachment


@pytest.fixture
def funding_rules(db) -> None:
    """Funding's notice, budget categories and kinds of event, as its data migration adds them
    (re-made after a transactional test's flush): the help form's funding part reads them."""
    make_funding_rules()


def make_help_kinds() -> dict[str, HelpKind]:
    return {
        code: HelpKindFactory(code=code, label=label, position=position)
        for position, (code, label) in enumerate(KIND_LABELS.items())
    }


@pytest.fixture
def help_kinds(db, funding_rules) -> dict[str, HelpKind]:
    """The kinds of help the data migration adds (re-made after a transactional test's flush)."""
    return make_help_kinds()


AREA_LABELS = {
    "infrastructure": "Infrastructure and servers",
    "web": "Websites and content",
    "support": "Helping Python users",
    "events": "Conferences and events",
    "grants": "Grants and fundraising",
    "outreach": "Outreach and education",
}


def make_areas() -> dict[str, Area]:
    return {
        code: AreaFactory(code=code, label=label, position=position)
        for position, (code, label) in enumerate(AREA_LABELS.items())
    }


@pytest.fixture
def areas(db) -> dict[str, Area]:
    """The volunteer areas the data migration adds (re-made after a transactional test's flush)."""
    return make_areas()


def make_staff():
    return StaffFactory(email="triager@python.org", name="Tri Ager")


def make_other_staff():
    return StaffFactory(email="colleague@python.org", name="Col League")


@pytest.fixture
def staff(db):
    return make_staff()


@pytest.fixture
def staff_client(client, staff):
    """A browser session of `staff`, signed in with password and authenticator code."""
    sign_in(client, staff)
    return client


@pytest.fixture
def other_staff(db):
    return make_other_staff()


@pytest.fixture
def user(db):
    return UserFactory(email="ada@example.org", name="Ada Lovelace")


@pytest.fixture
def help_request(help_kinds) -> HelpRequest:
    """A request as the public form saves it: reference, receipt and staff e-mail rows."""
    return help_request_submit(
        title="Venue money for PyLadies Lagos",
        description="We need a room for our monthly meetup.",
        name="Grace Hopper",
        email="grace@example.org",
        organisation="PyLadies Lagos",
        area=HelpRequest.Area.COMMUNITY,
        kinds=[help_kinds["funding"], help_kinds["advice"]],
        amount=500,
        currency="USD",
    )


@pytest.fixture
def eager_celery(settings):
    """Run Celery tasks in-process, even when REDIS_URL points the suite at a real broker.

    The Celery app read the Django settings at import, so its own conf is switched too.
    """
    previous = celery_app.conf.task_always_eager  # read before the Django setting changes
    settings.CELERY_TASK_ALWAYS_EAGER = True
    celery_app.conf.task_always_eager = True
    yield celery_app
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def email_templates(settings):
    """Adds emails/outbox_test/hello.* so outbox tests do not depend on the app's templates."""
    templates = deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [TEST_TEMPLATES, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
