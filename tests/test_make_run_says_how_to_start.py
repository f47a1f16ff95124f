"""`make run` ends with a short block (`seed_demo`'s): where the site and the admin are, the demo
staff member's password (DEBUG only), and how many demo e-mails were sent, which are not
printed. The browser journey that follows only this block is tests/e2e/test_newcomer.py."""

import re
from io import StringIO
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command

from accounts.models import User
from notifications.models import OutboundEmail
from psf_helpdesk.management.commands.seed_demo import DEMO_STAFF, demo_staff_password

from .settings_import import settings_module
from .signin import post_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "a demo password"
CONSOLE = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}


@pytest.fixture
def demo_settings(settings):
    """As `make run` has them: DEBUG on, the dev settings' demo password, console mail."""
    settings.DEBUG = True
    settings.DEMO_STAFF_PASSWORD = PASSWORD
    settings.MAILERS = CONSOLE
    settings.SITE_URL = "http://127.0.0.1:8123"
    return settings


def seed(capsys) -> tuple[list[str], str]:
    """Run seed_demo; return the block it ends with, and everything else printed."""
    out = StringIO()
    call_command("seed_demo", stdout=out)
    printed = capsys.readouterr()
    text = out.getvalue()
    rule = re.escape("-" * 72)
    block = re.search(rf"^{rule}\n.*?^{rule}$", text, re.M | re.S)
    assert block, text
    return block[0].splitlines(), text + printed.out + printed.err


def test_the_block_is_short_and_says_where_the_site_and_the_admin_are(demo_settings, capsys):
    block, _ = seed(capsys)
    assert len(block) < 15, block
    text = "\n".join(block)
    assert "Public site: http://127.0.0.1:8123/" in text
    assert "Staff admin: http://127.0.0.1:8123/admin/" in text
    assert f"Sign in as {DEMO_STAFF} with the password {PASSWORD}" in text
    assert "authenticator app" in text
    # The command for a staff account of one's own carries the port being served.
    assert re.search(r"SITE_URL=http://127\.0\.0\.1:8123 \S*python\S* manage\.py make_staff", text)


# Each demo e-mail is sent once its row commits, as in `make run`: these commit for real. The
# tables the migrations fill are made again (a transactional test's flush empties them).
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("help_kinds", "areas")
def test_the_demo_emails_are_sent_through_the_outbox_but_not_printed(demo_settings, capsys):
    demo_settings.DEMO_STAFF_PASSWORD = ""  # the staff group is not needed here
    block, printed = seed(capsys)

    rows = OutboundEmail.objects.all()
    assert rows.count() > 20
    assert set(rows.values_list("status", flat=True)) == {OutboundEmail.Status.SENT}
    assert f"Demo e-mails: {rows.count()} sent, not printed." in "\n".join(block)
    assert "Content-Type:" not in printed and "Subject:" not in printed
    assert "celery.app.trace" not in printed
    assert demo_settings.MAILERS == CONSOLE  # the console prints the mail that follows
    # The command the block gives shows them.
    shown = StringIO()
    call_command("outbox_show", "--last", "2", stdout=shown)
    assert shown.getvalue().count("Subject: ") == 2


def test_following_the_block_opens_the_help_requests_after_setting_up_the_app(
    client, demo_settings, capsys
):
    block, _ = seed(capsys)
    text = "\n".join(block)
    admin = re.search(r"Staff admin: http://127\.0\.0\.1:8123(/\S*)", text)[1]
    email, password = re.search(r"Sign in as (\S+) with the password (.+)$", text, re.M).groups()

    login = client.get(admin)["Location"]
    login = client.get(login)["Location"]
    signed_in = client.post(login, {"login": email, "password": password})
    to_set_up = client.get(signed_in["Location"])["Location"]
    assert to_set_up.startswith("/accounts/2fa/totp/activate/")
    assert client.get(to_set_up).status_code == 200  # no second password on the way
    set_up = post_code(client, to_set_up, client.session["mfa.totp.secret"])
    assert set_up["Location"] == "/accounts/2fa/recovery-codes/"
    staff = User.objects.get(email=DEMO_STAFF)
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert staff.groups.filter(name="PSF staff").exists() and not staff.is_superuser


def test_without_debug_the_demo_staff_member_has_no_password_and_none_is_printed(
    demo_settings, capsys
):
    demo_settings.DEBUG = False
    User.objects.create_user(email=DEMO_STAFF, password=PASSWORD)  # left by an earlier run

    block, printed = seed(capsys)

    assert PASSWORD not in printed
    assert "(the demo staff member cannot sign in)" in "\n".join(block)
    assert not User.objects.get(email=DEMO_STAFF).has_usable_password()


@pytest.mark.parametrize(
    ("module", "debug"),
    [("psf_helpdesk.settings.prod", "true"), ("psf_helpdesk.settings.dev", "false")],
)
def test_production_settings_and_debug_off_give_no_demo_password(settings, module, debug):
    """Even with DJANGO_DEBUG=true, production settings hold no demo password."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": module,
        "DJANGO_DEBUG": debug,
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "helpdesk.python.org",
        "DATABASE_URL": "sqlite:///unused.sqlite3",
        "REDIS_URL": "redis://redis.invalid:6379/0",
        "ATTACHMENT_SCANNER_URL": "tcp://clamav.invalid:3310",
    }
    configured = settings_module(module, env)  # as a process started with `env` reads it
    assert getattr(configured, "DEMO_STAFF_PASSWORD", "") == ""
    settings.DEBUG = configured.DEBUG
    settings.DEMO_STAFF_PASSWORD = getattr(configured, "DEMO_STAFF_PASSWORD", "")
    assert demo_staff_password() == ""
