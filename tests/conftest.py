"""Shared fixtures: people, a submitted request, in-process Celery, a clean cache per test."""

import ast
import fcntl
import gc
import hashlib
import itertools
import os
import sqlite3
import sys
from copy import deepcopy
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

import django
import hypothesis
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import management
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connection, connections
from pytest_django.plugin import blocking_manager_key

from attachments.models import Attachment
from common import lookups
from funding.models import BudgetCategory, EventKind, FundingPolicy
from funding.selectors import funding_form_facts_forget
from help_requests.models import HelpKind, HelpRequest
from help_requests.services import help_request_submit
from insights.selectors import insights_forget
from mail_in.models import InboundMessage
from psf_helpdesk.celery import app as celery_app
from volunteers.models import Area

from .attachments.files import make_attachment
from .factories import AreaFactory, HelpKindFactory, StaffFactory, UserFactory
from .funding.factories import RULES as FUNDING_RULES
from .funding.factories import make_funding_rules
from .signin import force_sign_in

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

# Property tests (hypothesis): CI (CI=true) tries each property on 60 examples; a person's
# `make test` on 20, to keep the loop under a minute. Failures found are replayed first either way
# (.hypothesis/ keeps them).
hypothesis.settings.register_profile("ci", max_examples=60, deadline=None)
hypothesis.settings.register_profile("quick", max_examples=20, deadline=None)
hypothesis.settings.load_profile("ci" if os.environ.get("CI") else "quick")


BROWSER_TESTS = Path(__file__).parent / "e2e"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """`make test` (-m 'not e2e', pyproject's addopts) deselects every browser test, so it does
    not import them (Playwright alone is about half a second of CPU per xdist worker). Every
    test under tests/e2e/ is marked e2e: tests/e2e/conftest.py refuses one that is not."""
    if collection_path == BROWSER_TESTS and config.getoption("markexpr") == "not e2e":
        return True
    return None


def pytest_collection_finish(session: pytest.Session) -> None:
    """The modules, settings and collected tests live as long as the process: freeze them out of
    the garbage collector's sweeps, and sweep less often (a test makes and drops many objects;
    the collector cost some 7% of a run's CPU, about half that after this)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 50, 1000)


# The migrated SQLite test database, kept in var/test-db/ under a name made from every
# migration's text (and Django's and SQLite's versions): each xdist worker, and each later run,
# copies it into its in-memory database instead of migrating (2-3 s of CPU per worker). A change
# to any migration gives a new name, so a stale copy is never used; --create-db makes it afresh.
SQLITE_TEMPLATES = Path(settings.BASE_DIR) / "var" / "test-db"
_SQLITE_TEMPLATE: list[Path] = []  # this run's copy, once the fixture below has named it


def _migrations_key() -> str:
    """Every installed app's migrations (allauth's and Django's too), and the project's modules
    they import (a model's default, common.db's operations), with Django's and SQLite's
    versions."""
    digest = hashlib.sha256(f"{django.__version__} {sqlite3.sqlite_version}".encode())
    base = Path(settings.BASE_DIR)
    sources: set[Path] = set()
    for app in apps.get_app_configs():
        try:
            package = import_module(f"{app.name}.migrations")
        except ImportError:
            continue  # no migrations (and, in this project, no models either)
        for path in Path(next(iter(package.__path__))).glob("*.py"):
            sources.add(path)
            for node in ast.walk(ast.parse(path.read_bytes())):
                names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names = [node.module]
                for name in names:
                    module = find_spec(name)
                    origin = Path(module.origin if module and module.origin else "/")
                    if origin.is_relative_to(base) and not origin.is_relative_to(sys.prefix):
                        sources.add(origin)  # the project's own module, not an installed one
    for path in sorted(sources):
        digest.update(str(path.relative_to(base) if path.is_relative_to(base) else path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


@pytest.fixture(autouse=True, scope="session")
def _sqlite_test_database_from_a_template(request):
    """Before pytest-django makes the test database (session fixtures that are autouse run
    first), its `migrate` is taught to copy var/test-db/<key>.sqlite3 when there is one, and to
    leave one behind when there is not; that one call only (a test that migrates, migrates).
    Only for the in-memory SQLite database: PostgreSQL (DATABASE_URL) migrates as before."""
    database = settings.DATABASES["default"]
    in_memory = database["ENGINE"].endswith("sqlite3") and not database.get("TEST", {}).get("NAME")
    if not in_memory:
        yield
        return
    SQLITE_TEMPLATES.mkdir(parents=True, exist_ok=True)
    template = SQLITE_TEMPLATES / f"{_migrations_key()}.sqlite3"
    _SQLITE_TEMPLATE.append(template)
    fresh = request.config.getoption("create_db", False)
    real_call_command = management.call_command

    def call_command(name, *args, **options):
        if name != "migrate" or options.get("database", "default") != "default":
            return real_call_command(name, *args, **options)
        management.call_command = real_call_command  # only the test database's own migrate
        target = connections["default"]
        with open(SQLITE_TEMPLATES / "lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one xdist worker migrates, the other waits
            if template.exists() and not fresh:
                target.ensure_connection()
                source = sqlite3.connect(template)
                source.backup(target.connection)
                source.close()
                return None
            result = real_call_command(name, *args, **options)
            target.ensure_connection()
            partial = template.with_suffix(f".{os.getpid()}.partial")
            copy = sqlite3.connect(partial)
            target.connection.backup(copy)
            copy.close()
            for old in SQLITE_TEMPLATES.glob("*.sqlite3"):
                old.unlink()
            partial.rename(template)
            return result

    management.call_command = call_command
    yield
    management.call_command = real_call_command  # when no test here needed the database


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return "transactional_db" in getattr(item, "fixturenames", ())
    return bool(marker.kwargs.get("transaction", marker.args[0] if marker.args else False))


_MIGRATION_ROWS: dict[str, str] = {}


@pytest.fixture(scope="session", autouse=True)
def _migration_rows(request, _sqlite_test_database_from_a_template, django_db_blocker):
    """What the migrations wrote (the PSF staff group, kinds of help, areas, funding rules), as
    Django's test runner serializes it, for putting back after a transactional test on
    PostgreSQL (SQLite copies its template back instead). A run without a transactional test
    needs none, and a run without any database test has no database to read it from."""
    if _SQLITE_TEMPLATE or not any(_transactional(item) for item in request.session.items):
        return
    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock():
        _MIGRATION_ROWS[connection.alias] = connection.creation.serialize_db_to_string()


def _restore_migration_rows() -> None:
    ContentType.objects.clear_cache()
    if _SQLITE_TEMPLATE and _SQLITE_TEMPLATE[0].exists():
        # The in-memory SQLite database: the migrated copy, whole (some ms, not a quarter second).
        connection.ensure_connection()
        source = sqlite3.connect(_SQLITE_TEMPLATE[0])
        source.backup(connection.connection)
        source.close()
        return
    # The flush re-made content types and permissions under new ids; the rows come back with
    # the ids the snapshot holds.
    ContentType.objects.all().delete()
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


@pytest.fixture(scope="session")
def _stored_files_root(tmp_path_factory) -> Path:
    return tmp_path_factory.getbasetemp() / "stored"


_stored_files_count = itertools.count()


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings, _stored_files_root, monkeypatch):
    """Every test keeps attachments and mail in folders of its own, never in var/.

    The folders are made by the storage when a file is first saved (most tests save none; a
    tmp_path_factory.mktemp per test lists every earlier folder to number the next one).
    The model's FileField took its storage when it was defined, so it is pointed at the new one.
    """
    folder = _stored_files_root / str(next(_stored_files_count))
    configured = deepcopy(settings.STORAGES)
    configured["attachments"]["OPTIONS"]["location"] = str(folder / "attachments")
    configured["mail"]["OPTIONS"]["location"] = str(folder / "mail")
    settings.STORAGES = configured  # Django forgets the storages it had made
    monkeypatch.setattr(Attachment._meta.get_field("file"), "storage", storages["attachments"])
    monkeypatch.setattr(InboundMessage._meta.get_field("raw"), "storage", storages["mail"])
    yield


@pytest.fixture
def attachment_factory(db):
    """make_attachment(owner, name=..., content=..., by=..., scan_state=...): a kept file."""
    return make_attachment


def funding_rules_in_place() -> bool:
    """Are all the rows of funding's data migration there (three queries, where making them
    row by row asks about each of some twenty)?"""
    categories = [code for code, *_ in FUNDING_RULES.CATEGORIES]
    kinds = [code for code, *_ in FUNDING_RULES.EVENT_KINDS]
    return (
        FundingPolicy.objects.filter(id=1).exists()
        and BudgetCategory.objects.filter(code__in=categories).count() == len(categories)
        and EventKind.objects.filter(code__in=kinds).count() == len(kinds)
    )


@pytest.fixture
def funding_rules(db) -> None:
    """Funding's notice, budget categories and kinds of event, as its data migration adds them
    (re-made after a transactional test's flush): the help form's funding part reads them."""
    if not funding_rules_in_place():
        make_funding_rules()


def make_help_kinds() -> dict[str, HelpKind]:
    """The migration's kinds of help, read in one query; any missing one made (as the factory's
    get-or-create by code would: a row already there is taken as it is)."""
    there = {kind.code: kind for kind in HelpKind.objects.filter(code__in=KIND_LABELS)}
    return {
        code: there.get(code) or HelpKindFactory(code=code, label=label, position=position)
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
    """The migration's areas, read in one query; any missing one made (as make_help_kinds)."""
    there = {area.code: area for area in Area.objects.filter(code__in=AREA_LABELS)}
    return {
        code: there.get(code) or AreaFactory(code=code, label=label, position=position)
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
    """A browser session of `staff`, signed in with password and authenticator code (the
    session the sign-in pages leave, tests/signin.py `force_sign_in`)."""
    force_sign_in(client, staff)
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
