"""What the pool is sent: staff announcements, and the mailings that work through it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .roles import Area, Role


def validate_subject(value: str) -> None:
    """An e-mail subject is a header: one line, or a header could be slipped in after it."""
    if "\x00" in value or "".join(value.splitlines()) != value:
        raise ValidationError(
            "The subject must fit on one line: take out the line breaks.", code="one_line"
        )


class Announcement(models.Model):
    """A message from PSF staff to the volunteer pool (or to the members of some areas)."""

    subject = models.CharField(max_length=150, validators=[validate_subject])
    body = models.TextField(
        help_text="Plain text. A blank line starts a new paragraph; web addresses become links."
    )
    areas = models.ManyToManyField(
        Area, blank=True, help_text="Only members interested in these areas; none: everyone."
    )
    is_public = models.BooleanField(
        "in the public archive",
        default=False,
        help_text="Shown at /pool/announcements/ once sent, for people who are not members yet.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-sent_at", "-created_at"]
        indexes = [models.Index(fields=["is_public", "-sent_at"])]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("volunteers:announcement", args=[self.pk])


class PoolMailing(models.Model):
    """One fan-out of pool mail, done in batches that survive a restart: a role that opened, a
    week's digest, or an announcement. `cursor` is the last member handled."""

    class Kind(models.TextChoices):
        ROLE = "role", "New role"
        DIGEST = "digest", "Weekly digest"
        ANNOUNCEMENT = "announcement", "Announcement"

    class Status(models.TextChoices):
        SENDING = "sending", "Sending"
        DONE = "done", "Done"

    kind = models.CharField(max_length=12, choices=Kind)
    role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.CASCADE)
    announcement = models.OneToOneField(
        Announcement, null=True, blank=True, on_delete=models.CASCADE, related_name="mailing"
    )
    week = models.CharField(max_length=8, blank=True, help_text="ISO week, e.g. 2026-W49.")
    status = models.CharField(max_length=8, choices=Status, default=Status.SENDING)
    cursor = models.BigIntegerField(default=0)
    queued = models.PositiveIntegerField("e-mails queued", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    next_run_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_run_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["week"], condition=Q(kind="digest"), name="pool_mailing_one_digest_a_week"
            ),
        ]

    def __str__(self) -> str:
        what = self.role or self.announcement or self.week
        return f"{self.get_kind_display()}: {what}"

    @property
    def batch(self) -> str:
        """The label of this mailing's rows in the outbox."""
        return f"pool-mailing:{self.pk}"
