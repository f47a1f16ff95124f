"""manage.py mail_receive [FILE]: take in one raw message from a file or standard input."""

import sys
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mail_in.models import InboundMessage
from mail_in.services import mail_intake


def outcome_words(message: InboundMessage) -> str:
    """What a message became, in words: "New request HR-2026-0001", "Quarantined (...)"."""
    words = message.get_outcome_display()
    if message.outcome == InboundMessage.Outcome.NEW_REQUEST and message.reference:
        words = f"New request {message.reference}"
    elif message.outcome == InboundMessage.Outcome.REPLY and message.reference:
        words = f"Reply to {message.reference}"
    if message.reason:
        words += f" ({message.get_reason_display()})"
    return words


class Command(BaseCommand):
    help = (
        "Take in one raw RFC 5322 message (an .eml file, or standard input), as the mailbox "
        "would: `manage.py mail_receive < message.eml`."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "file", nargs="?", default="-", help="The message file; - or none: standard input."
        )

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        # As the other doors: over MAIL_MAX_MESSAGE_MB, only the limit plus one byte is read,
        # enough for intake to see the headers and that the message is too big.
        limit = settings.MAIL_MAX_MESSAGE_MB * 1024 * 1024
        if file == "-":
            raw = self._read(sys.stdin.buffer, limit)
        else:
            try:
                with Path(file).open("rb") as stream:
                    raw = self._read(stream, limit)
            except OSError as exc:
                raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from exc
        if not raw.strip():
            raise CommandError("The message is empty: give a file, or pipe one in.")
        message, created = mail_intake(raw=raw, door=InboundMessage.Door.COMMAND)
        if created:
            self.stdout.write(outcome_words(message))
        else:
            self.stdout.write(f"Already taken in: {outcome_words(message)}")

    @staticmethod
    def _read(stream: BinaryIO, limit: int) -> bytes:
        return stream.read(limit + 1)
