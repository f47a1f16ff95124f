"""manage.py outbox_send: send every pending e-mail that is due, here and now.

For the embedded default (`make run`: no worker, no beat), where a send that failed is left
pending; with a worker and beat running, the sweeper does this by itself.
"""

from typing import Any

from django.core.management.base import BaseCommand

from notifications.sending import emails_send_due


class Command(BaseCommand):
    help = "Send the pending e-mails that are due (the embedded default has no sweeper)."

    def handle(self, *args: Any, **options: Any) -> None:
        results = emails_send_due()
        if not results:
            self.stdout.write("No e-mail is due.")
            return
        summary = ", ".join(f"{count} {result}" for result, count in sorted(results.items()))
        self.stdout.write(f"Outbox: {summary}.")
