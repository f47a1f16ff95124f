"""manage.py make_staff EMAIL: create or promote a person to PSF staff."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from accounts.services import STAFF_GROUP, user_make_staff


class Command(BaseCommand):
    help = f'Create or promote a person to staff in the "{STAFF_GROUP}" group.'

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email", help="The person's e-mail address (their sign-in).")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"{email!r} is not an e-mail address.") from exc
        user, created = user_make_staff(email=email)
        if created:
            self.stdout.write(f"Created {user.email} as PSF staff.")
        else:
            self.stdout.write(f"{user.email} is now PSF staff.")
        if not user.has_usable_password():
            self.stdout.write("We e-mailed them a link to choose a password.")
        self.stdout.write(
            f"At their first sign-in ({settings.SITE_URL}/accounts/login/) they must set up "
            "an authenticator app (MFA) before they see any staff page."
        )
