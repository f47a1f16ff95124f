"""Whether tasks run in the web process is a setting someone states, not a guess from a URL; and
each environment silences the same system checks whatever services it is pointed at."""

import importlib
import os
import sys
from unittest import mock

import pytest

import psf_helpdesk.settings

PRODUCTION = {
    "DJANGO_SECRET_KEY": "a-production-secret-for-this-test-only-0123456789",
    "DJANGO_ALLOWED_HOSTS": "helpdesk.python.org",
    "DATABASE_URL": "postgres://postgres@db.invalid:5432/psf_helpdesk",
    "REDIS_URL": "redis://redis.invalid:6379/0",
    "ATTACHMENT_SCANNER_URL": "tcp://clamav.invalid:3310",
}
PACKAGE = "psf_helpdesk.settings."


def read(module: str, **environ: str) -> dict:
    """What the settings `module` makes of exactly this environment (nothing inherited): its
    modules are imported afresh, then the ones the suite runs on are put back."""
    loaded = {name: mod for name, mod in sys.modules.items() if name.startswith(PACKAGE)}
    try:
        with mock.patch.dict(os.environ, environ, clear=True):
            for name in loaded:
                del sys.modules[name]
            fresh = importlib.import_module(PACKAGE + module)
        return {
            "eager": fresh.CELERY_TASK_ALWAYS_EAGER,
            "broker": fresh.CELERY_BROKER_URL,
            "silenced": fresh.SILENCED_SYSTEM_CHECKS,
        }
    finally:
        for name in [name for name in sys.modules if name.startswith(PACKAGE)]:
            del sys.modules[name]
        sys.modules.update(loaded)
        for name, mod in loaded.items():
            setattr(psf_helpdesk.settings, name.removeprefix(PACKAGE), mod)


@pytest.mark.parametrize("module", ["dev", "test"])
def test_without_a_broker_tasks_run_in_the_process_that_queues_them(module):
    assert read(module)["eager"] is True


@pytest.mark.parametrize("module", ["dev", "test"])
@pytest.mark.parametrize("variable", ["REDIS_URL", "CELERY_BROKER_URL"])
def test_with_a_broker_tasks_go_to_the_worker(module, variable):
    settings = read(module, **{variable: "redis://127.0.0.1:6379/5"})

    assert settings["eager"] is False
    assert settings["broker"] == "redis://127.0.0.1:6379/5"


@pytest.mark.parametrize("module", ["dev", "test"])
def test_the_stated_setting_wins_over_the_default(module):
    assert read(module, CELERY_TASK_ALWAYS_EAGER="false")["eager"] is False
    assert read(module, CELERY_TASK_ALWAYS_EAGER="true", REDIS_URL="redis://r:6379/1")["eager"]


def test_production_never_runs_tasks_in_the_web_process_unless_told():
    assert read("prod", **PRODUCTION)["eager"] is False
    assert read("prod", **PRODUCTION, CELERY_TASK_ALWAYS_EAGER="true")["eager"] is True


@pytest.mark.parametrize("module", ["dev", "test"])
def test_the_silenced_checks_do_not_depend_on_redis(module):
    assert read(module)["silenced"] == read(module, REDIS_URL="redis://r:6379/1")["silenced"]


def test_production_silences_no_check():
    assert read("prod", **PRODUCTION)["silenced"] == []
