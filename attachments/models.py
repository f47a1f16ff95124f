"""Files people send with a request, a reply or a note: kept privately, checked, scanned."""

import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import Storage, storages
from django.db import models


def private_storage() -> Storage:
    """STORAGES["attachments"]: a folder outside every URL by default, any backend in production."""
    return storages["attachments"]


def stored_name(instance: "Attachment", filename: str) -> str:
    """A random path: the name people gave the file is shown, never used as a path."""
    suffix = PurePosixPath(filename).suffix.lower()
    safe_suffix = suffix if suffix[1:].isalnum() and len(suffix) <= 6 else ""
    return f"{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}{safe_suffix}"


class Attachment(models.Model):
    """One file, owned by a help request or by one of its comments (a reply or a note)."""

    class ScanState(models.TextChoices):
        PENDING = "pending", "Being checked"
        CLEAN = "clean", "Checked"
        INFECTED = "infected", "Quarantined"
        UNSCANNED = "unscanned", "Not scanned"

    # Who may see it is the owner's business (the request's token, staff permission).
    owner_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    owner_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("owner_type", "owner_id")

    name = models.CharField(max_length=255, help_text="As it was sent; for display only.")
    mime_type = models.CharField("type", max_length=100, help_text="Decided from the content.")
    size = models.PositiveBigIntegerField(help_text="In bytes.")
    sha256 = models.CharField(max_length=64)
    file = models.FileField(storage=private_storage, upload_to=stored_name, max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scan_state = models.CharField(max_length=10, choices=ScanState, default=ScanState.PENDING)
    scan_detail = models.CharField(
        max_length=200, blank=True, help_text="What the scanner found, or why it could not scan."
    )
    scan_attempts = models.PositiveSmallIntegerField(default=0)
    scanned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["owner_type", "owner_id"], name="attachment_owner"),
            models.Index(
                fields=["created_at"],
                name="attachment_pending",
                condition=models.Q(scan_state="pending"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def downloadable(self) -> bool:
        """Served only once the scanner passed it, or where no scanner is configured (dev)."""
        return self.scan_state in (self.ScanState.CLEAN, self.ScanState.UNSCANNED)
