"""Production refuses to start without a scanner, unless scanning is switched off on purpose;
the admin says so on every page when files are not scanned."""

import pytest
from django.contrib.auth.models import Group

from accounts.services import STAFF_GROUP
from attachments.clamd import scanner_url_check

from ..factories import StaffFactory
from ..signin import force_sign_in
from ..test_deploy_check import PRODUCTION, check

WITHOUT_SCANNER = {
    name: value for name, value in PRODUCTION.items() if name != "ATTACHMENT_SCANNER_URL"
}
BANNER = "Files are not scanned for viruses."


def test_production_refuses_to_start_without_a_scanner_and_names_the_variable():
    result = check(WITHOUT_SCANNER)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "Set the ATTACHMENT_SCANNER_URL environment variable" in result.stderr


def test_production_starts_without_a_scanner_when_scanning_is_switched_off_on_purpose():
    result = check(WITHOUT_SCANNER | {"ATTACHMENT_SCAN_REQUIRED": "false"})

    assert result.returncode == 0, result.stderr


def test_a_scanner_address_that_cannot_work_stops_start_up():
    result = check(PRODUCTION | {"ATTACHMENT_SCANNER_URL": "clamav:3310"})

    assert result.returncode != 0
    assert "attachments.E001" in result.stderr
    assert "tcp://host:port or unix:///path/to/clamd.ctl" in result.stderr


# The start-up check above, in this process, for each kind of address that cannot work (a
# subprocess per address would cost seconds and prove nothing more).
@pytest.mark.parametrize("url", ["clamav:3310", "http://clamav:3310", "tcp://clamav"])
def test_each_scanner_address_that_cannot_work_is_a_start_up_error(settings, url):
    settings.ATTACHMENT_SCANNER_URL = url

    errors = scanner_url_check()

    assert [error.id for error in errors] == ["attachments.E001"]
    assert "tcp://host:port or unix:///path/to/clamd.ctl" in errors[0].hint


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
