"""manage.py mail_fetch: read the mailbox of MAIL_IMAP_URL once, as the beat task does."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mail_in.imap import mailbox_poll


class Command(BaseCommand):
    help = "Read the MAIL_IMAP_URL mailbox once: new messages in, each moved to Processed."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.MAIL_IMAP_URL:
            raise CommandError("MAIL_IMAP_URL is not set: there is no mailbox to read.")
        result = mailbox_poll()
        if result.busy:
            self.stdout.write(f"{result.mailbox}: another worker is reading it; nothing done.")
            return
        counts = (
            f"{result.mailbox}: {result.taken} taken in, {result.duplicates} taken in before, "
            f"{result.errors} errors"
        )
        if result.moved_late:
            counts += f", {result.moved_late} moved that an earlier run had taken in"
        self.stdout.write(counts + ".")
        if result.error:
            raise CommandError(f"The mailbox could not be read to the end: {result.error}")
