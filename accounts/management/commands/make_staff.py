"""manage.py make_staff EMAIL: create or promote a person to PSF staff."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from accounts.services import STAFF_GROUP, user_make_staff

CONSOLE_MAILER = "django.core.mail.backends.console.EmailBackend"


class Command(BaseCommand):
    help = f'Create or promote a person to staff in the "{STAFF_GROUP}" group.'

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email", help="The person's e-mail address (their sign-in).")
        parser.add_argument(
            "--superuser",
            action="store_true",
            help="Also a superuser: manages people and reads the audit record.",
        )

    def handle(self, *args: Any, email: str, superuser: bool, **options: Any) -> None:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"{email!r} is not an e-mail address.") from exc
        user, created = user_make_staff(email=email, superuser=superuser)
        what = "a superuser" if user.is_superuser else "PSF staff"
        if created:
            self.stdout.write(f"Created {user.email} as {what}.")
        else:
            self.stdout.write(f"{user.email} is now {what}.")
        if not user.has_usable_password():
            self.stdout.write(f"We e-mailed them a link to choose a password{self._where()}.")
        self.stdout.write(
            f"At their first sign-in ({settings.SITE_URL}/accounts/login/) they must set up "
            "an authenticator app (MFA) before they see any staff page."
        )

    def _where(self) -> str:
        """Where that e-mail can be read, when it is not in someone's mailbox."""
        if settings.MAILERS["default"].get("BACKEND") != CONSOLE_MAILER:
            return ""
        if settings.CELERY_TASK_ALWAYS_EAGER:
            return f" (the console mailer printed it above; its link is on {settings.SITE_URL})"
        return " (printed by the Celery worker)"
