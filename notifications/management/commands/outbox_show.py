"""manage.py outbox_show: read e-mails from the outbox as their recipients get them (text part).

For the embedded default, where `seed_demo` sends its demo e-mails without printing them: the
newest first, `--last N` of them, or the rows named by id. A row whose context held a sign-in
link or code was wiped once sent: it is listed, its text is not shown.
"""

from typing import Any

from django.core.management.base import BaseCommand

from notifications.models import OutboundEmail
from notifications.rendering import email_render


class Command(BaseCommand):
    help = "Print outbox e-mails (newest first) as their recipients read them: plain text."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("ids", nargs="*", type=int, help="Outbox row ids (default: newest).")
        parser.add_argument(
            "--last", type=int, default=5, help="How many of the newest to show (default 5)."
        )

    def handle(self, *args: Any, ids: list[int], last: int, **options: Any) -> None:
        rows = OutboundEmail.objects.order_by("-created_at", "-pk")
        emails = list(rows.filter(pk__in=ids) if ids else rows[: max(last, 0)])
        if not emails:
            self.stdout.write("The outbox is empty." if not ids else "No e-mail with that id.")
            return
        for email in emails:
            self.stdout.write(f"#{email.pk}  {email.get_status_display()}  to {email.to}")
            if email.secret and email.status == OutboundEmail.Status.SENT:
                self.stdout.write(f"({email.template}: held a link or code, wiped once sent)")
            else:
                message = email_render(email=email)
                self.stdout.write(f"Subject: {message.subject}\n\n{message.body.strip()}")
            self.stdout.write("-" * 70)
        total = OutboundEmail.objects.count()
        self.stdout.write(f"{len(emails)} of {total} e-mail(s). Older ones: --last N, or ids.")
