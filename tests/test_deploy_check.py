"""Production settings pass Django's deployment checklist with no warnings."""

import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured

from .settings_import import settings_module

ROOT = Path(__file__).resolve().parents[1]


PRODUCTION = {
    "PATH": "/usr/bin:/bin",
    "DJANGO_SETTINGS_MODULE": "psf_helpdesk.settings.prod",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "helpdesk.python.org",
    "DATABASE_URL": "postgres://postgres@db.invalid:5432/psf_helpdesk",
    "REDIS_URL": "redis://redis.invalid:6379/0",
    "ATTACHMENT_SCANNER_URL": "tcp://clamav.invalid:3310",
}


def check(env: dict[str, str], *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", *options],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_is_clean_in_the_configuration_production_runs():
    """With REDIS_URL set, as production runs (T24, T32): no warning at all."""
    result = check(PRODUCTION, "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert "(0 silenced)" in result.stdout  # nothing hidden either


@pytest.mark.parametrize("variable", ["DJANGO_SECRET_KEY", "REDIS_URL", "DATABASE_URL"])
def test_production_refuses_to_start_without_what_it_needs_and_names_it(variable):
    """Every command (and gunicorn) imports the settings first: that import stops it."""
    env = {name: value for name, value in PRODUCTION.items() if name != variable}
    with pytest.raises(ImproperlyConfigured, match=f"Set the {variable} environment variable"):
        settings_module(PRODUCTION["DJANGO_SETTINGS_MODULE"], env)


@pytest.mark.django_db
def test_the_embedded_default_starts_without_a_warning():
    """`make run` (and this suite, without DATABASE_URL) run on SQLite: the system checks say
    nothing there that nobody reads."""
    said = [str(message) for message in run_checks() if not message.is_silenced()]
    assert said == []
