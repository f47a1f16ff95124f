"""Production refuses to start without a scanner, unless scanning is switched off on purpose;
the admin says so on every page when files are not scanned."""

import pytest
from django.contrib.auth.models import Group
from django.core.checks import ERROR
from django.core.checks.registry import registry
from django.core.exceptions import ImproperlyConfigured

from accounts.services import STAFF_GROUP
from attachments.clamd import scanner_url_check

from ..factories import StaffFactory
from ..settings_import import settings_module
from ..signin import force_sign_in
from ..test_deploy_check import PRODUCTION

PROD = PRODUCTION["DJANGO_SETTINGS_MODULE"]
WITHOUT_SCANNER = {
    name: value for name, value in PRODUCTION.items() if name != "ATTACHMENT_SCANNER_URL"
}
BANNER = "Files are not scanned for viruses."


# Every command (and gunicorn) imports the settings, then runs the system checks, before it does
# anything: both are done here in this process (tests/settings_import.py says why).
def test_production_refuses_to_start_without_a_scanner_and_names_the_variable():
    with pytest.raises(ImproperlyConfigured) as refused:
        settings_module(PROD, WITHOUT_SCANNER)

    assert "Set the ATTACHMENT_SCANNER_URL environment variable" in str(refused.value)


def test_production_starts_without_a_scanner_when_scanning_is_switched_off_on_purpose(settings):
    prod = settings_module(PROD, WITHOUT_SCANNER | {"ATTACHMENT_SCAN_REQUIRED": "false"})
    settings.ATTACHMENT_SCANNER_URL = prod.ATTACHMENT_SCANNER_URL
    settings.ATTACHMENT_SCAN_REQUIRED = prod.ATTACHMENT_SCAN_REQUIRED

    assert (prod.ATTACHMENT_SCANNER_URL, prod.ATTACHMENT_SCAN_REQUIRED) == ("", False)
    assert scanner_url_check() == []


@pytest.mark.parametrize("url", ["clamav:3310", "http://clamav:3310", "tcp://clamav"])
def test_each_scanner_address_that_cannot_work_is_a_start_up_error(settings, url):
    settings.ATTACHMENT_SCANNER_URL = url

    errors = scanner_url_check()

    assert [error.id for error in errors] == ["attachments.E001"]
    assert errors[0].level == ERROR  # an error stops every command but `check` from running
    assert "tcp://host:port or unix:///path/to/clamd.ctl" in errors[0].hint


def test_the_scanner_address_is_checked_at_every_start():
    assert scanner_url_check in registry.get_checks()


@pytest.mark.parametrize("url", ["tcp://clamav:3310", "unix:///run/clamav/clamd.ctl"])
def test_a_scanner_address_that_can_work_passes_the_start_up_check(settings, url):
    settings.ATTACHMENT_SCANNER_URL = url

    assert scanner_url_check() == []


@pytest.fixture
def plain_staff_client(client, db):
    """A plain PSF staff member (not a superuser), signed in with a second factor."""
    person = StaffFactory(email="plain.scan@python.org", is_superuser=False)
    person.groups.add(Group.objects.get(name=STAFF_GROUP))
    force_sign_in(client, person)
    return client


@pytest.mark.parametrize(("url", "shown"), [("", True), ("tcp://127.0.0.1:3310", False)])
def test_the_admin_says_when_files_are_not_scanned(plain_staff_client, settings, url, shown):
    settings.ATTACHMENT_SCANNER_URL = url

    response = plain_staff_client.get("/admin/")

    assert response.status_code == 200
    assert (BANNER in response.content.decode()) is shown
