"""Demo data for `make run`: help requests in varied states, volunteer roles and interests.

It ends with a short block for a newcomer: where the site is, how to reach the admin as the demo
staff member, and how many demo e-mails were sent and how to read them. The demo e-mails go
through the outbox as any other (rows written, sent, marked sent), but the console mailer does
not print them: two dozen e-mails in full MIME would bury everything else.

The demo staff member gets a known password (DEMO_STAFF_PASSWORD, set by the dev settings only)
only while DEBUG is on; otherwise nobody can sign in as them.
"""

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.models import User
from accounts.services import user_make_staff
from funding.demo import seed_funding
from help_requests.demo import seed_help_requests
from notifications.models import OutboundEmail
from volunteers.demo import seed_pool, seed_roles

DEMO_STAFF = "demo-staff@example.org"
CONSOLE_MAILER = "django.core.mail.backends.console.EmailBackend"
QUIET_MAILER = {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
RULE = "-" * 72


def demo_staff_password() -> str:
    """The demo staff member's password: only with DEBUG on, and only where settings give one."""
    if not settings.DEBUG:
        return ""
    return str(getattr(settings, "DEMO_STAFF_PASSWORD", "") or "")


def prints_mail() -> bool:
    return settings.MAILERS["default"].get("BACKEND") == CONSOLE_MAILER


@contextmanager
def demo_mail_not_printed() -> Iterator[None]:
    """Send through a mailer that prints nothing, instead of the console one, and drop Celery's
    line per task; every other mailer (SMTP to a sink, say) is left as it is."""
    mailers = settings.MAILERS
    trace = logging.getLogger("celery.app.trace")
    level = trace.level
    if prints_mail():
        settings.MAILERS = {**mailers, "default": QUIET_MAILER}
    trace.setLevel(logging.WARNING)
    try:
        yield
    finally:
        settings.MAILERS = mailers
        trace.setLevel(level)


def demo_staff(*, password: str) -> User:
    """The demo staff member: with a password, in the PSF staff group with a verified address
    (so the admin opens); without one, unable to sign in."""
    staff, _ = User.objects.get_or_create(
        email=DEMO_STAFF, defaults={"name": "Demo staff", "is_staff": True}
    )
    if password:
        if not staff.check_password(password):
            staff.set_password(password)
            staff.save(update_fields=["password"])
        staff, _ = user_make_staff(email=DEMO_STAFF)  # a usable password: no welcome e-mail
    elif staff.has_usable_password():
        staff.set_unusable_password()
        staff.save(update_fields=["password"])
    return staff


def manage_py() -> str:
    """How to run manage.py with this interpreter, as short as it can be said."""
    python = os.path.relpath(sys.executable)
    if python.startswith(".."):
        python = sys.executable
    return f"{python} manage.py"


class Command(BaseCommand):
    help = "Load demo data (idempotent: what exists already is skipped), then say how to start."

    def handle(self, *args: Any, **options: Any) -> None:
        password = demo_staff_password()
        last = OutboundEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with demo_mail_not_printed():
            staff = demo_staff(password=password)
            requests = seed_help_requests(staff=staff)
            requests += seed_funding(staff=staff)
            seed_pool()  # before the roles: a new role's mailing reaches the pool
            roles = seed_roles(staff=staff)
        self.stdout.write(f"Demo data ready ({requests} request(s), {roles} role(s) added).")
        new = OutboundEmail.objects.filter(pk__gt=last)
        sent = new.filter(status=OutboundEmail.Status.SENT).count()
        self.stdout.write(self.welcome(password=password, sent=sent, other=new.count() - sent))

    def welcome(self, *, password: str, sent: int, other: int) -> str:
        """The block `make run` ends with (under 15 lines). Commands carry SITE_URL: links in
        the e-mails they print point at the port being served."""
        site = settings.SITE_URL
        manage = f"SITE_URL={site} {manage_py()}"
        lines = [RULE, f"Public site: {site}/"]
        if password:
            lines += [
                f"Staff admin: {site}/admin/",
                f"  Sign in as {DEMO_STAFF} with the password {password}",
                "  Then set up an authenticator app (staff always use one): scan the QR code,",
                "  or type the secret shown under it, and enter the app's code.",
            ]
        else:
            lines.append(f"Staff admin: {site}/admin/ (the demo staff member cannot sign in).")
        if sent or other:
            waiting = f", {other} waiting for the worker" if other else ""
            lines.append(f"Demo e-mails: {sent} sent{waiting}, not printed. To read them:")
        else:
            lines.append("No new demo e-mail (the demo was loaded before). To read the outbox:")
        lines += [
            f"  {manage} outbox_show",
            "  or, in the admin, Notifications > Outbound e-mails.",
        ]
        if prints_mail():
            lines.append("E-mails sent from now on are printed below, as they go.")
        lines += [
            "A staff account of your own (the command prints its set-password e-mail):",
            f"  {manage} make_staff you@example.org",
            RULE,
        ]
        return "\n".join(lines)
