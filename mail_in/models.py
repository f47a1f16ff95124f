"""Mail that reached psf@: every message is one row, recorded once, with what it became."""

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import Storage, storages
from django.db import models


def raw_storage() -> Storage:
    """STORAGES["mail"]: raw messages, private like attachments, deleted after the retention."""
    return storages["mail"]


def raw_name(instance: "InboundMessage", filename: str) -> str:
    return f"{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}.eml"


class InboundMessage(models.Model):
    """One message as it arrived, by whichever door, and the outcome of reading it."""

    class Door(models.TextChoices):
        IMAP = "imap", "Mailbox (IMAP)"
        WEBHOOK = "webhook", "Inbound webhook"
        COMMAND = "command", "mail_receive command"

    class Outcome(models.TextChoices):
        NEW_REQUEST = "new_request", "New request"
        REPLY = "reply", "Reply to a request"
        AUTO_REPLY = "auto_reply", "Auto-reply, ignored"
        LIST = "list", "List mail, ignored"
        OWN = "own", "Our own message, ignored"
        BOUNCE = "bounce", "Bounce"
        QUARANTINED = "quarantined", "Quarantined"
        DISCARDED = "discarded", "Discarded by staff"

    class Reason(models.TextChoices):
        """Why a message waits in quarantine for staff."""

        SPAM = "spam", "Flagged as spam upstream"
        RATE = "rate", "Sender over the hourly cap"
        SIZE = "size", "Over the size limit"
        UNREADABLE = "unreadable", "Could not be read"
        NO_SENDER = "no_sender", "No usable sender address"
        OTHER_SENDER = "other_sender", "Reply from an address that is not the submitter's"
        BAD_SIGNATURE = "bad_signature", "Reply address with a bad signature"
        CLOSED = "closed", "Reply to a request closed too long ago"

    message_key = models.CharField(
        max_length=255,
        unique=True,
        help_text="The Message-ID, or sha256:<hex> of the bytes when it has none: each once.",
    )
    message_id = models.CharField("Message-ID", max_length=998, blank=True)
    door = models.CharField(max_length=10, choices=Door)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    size = models.PositiveBigIntegerField(help_text="In bytes.")
    raw = models.FileField(
        storage=raw_storage,
        upload_to=raw_name,
        max_length=200,
        blank=True,
        help_text="The message as it arrived; emptied after MAIL_RETENTION_DAYS.",
    )

    sender_name = models.CharField(max_length=200, blank=True)
    sender_email = models.EmailField(blank=True, db_index=True)
    subject = models.CharField(max_length=255, blank=True)
    text = models.TextField(blank=True, help_text="The whole message as text, quotes included.")

    outcome = models.CharField(max_length=12, choices=Outcome)
    reason = models.CharField(max_length=15, choices=Reason, blank=True)
    detail = models.TextField(blank=True, help_text="What staff should know, in words.")

    # What it became: a help request, or one of its comments (a reply).
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    reference = models.CharField(max_length=20, blank=True, help_text="e.g. HR-2026-0042")

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "incoming message"
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["outcome", "-received_at"], name="inbound_outcome"),
            models.Index(fields=["sender_email", "received_at"], name="inbound_sender_hour"),
        ]

    def __str__(self) -> str:
        return self.subject or "(no subject)"


class MailboxState(models.Model):
    """Where reading an IMAP mailbox got to: UIDs are only meaningful under one UIDVALIDITY."""

    mailbox = models.CharField(
        max_length=300, unique=True, help_text="user@host/folder, never the password."
    )
    uidvalidity = models.PositiveBigIntegerField(null=True, blank=True)
    last_uid = models.PositiveBigIntegerField(default=0)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_ok_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.mailbox
