"""Privacy: the e-mailed links to a person's data, the record of erasures, and of retention runs.

None of these rows holds what was erased: an erasure is recorded by what and how much, never
whose; an access link keeps its address only until it expires (the retention job deletes it).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AccessLink(models.Model):
    """A link e-mailed to an address to see, download or erase what is held about it.

    Only a hash of the token is kept. The link works once, within PRIVACY_LINK_MINUTES of being
    sent; using it opens a session for that long on the browser that used it.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField("e-mail address")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"Access link {self.pk}"


class Erasure(models.Model):
    """One person's data erased: how it was asked for, by which member of staff, and how many
    rows of each kind changed; never whose data it was."""

    class Via(models.TextChoices):
        ACCOUNT = "account", "The person, from their account"
        LINK = "link", "The person, from an e-mailed link"
        STAFF = "staff", "Staff, in the admin"

    at = models.DateTimeField(default=timezone.now)
    via = models.CharField(max_length=10, choices=Via)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The member of staff who erased it; empty when the person did.",
    )
    counts = models.JSONField(default=dict, help_text="Rows changed or removed, by kind.")
    references = models.TextField(
        blank=True, help_text="The requests it touched, which keep their reference and history."
    )

    class Meta:
        ordering = ["-at"]
        permissions = [("erase_personal_data", "Can erase a person's personal data")]

    def __str__(self) -> str:
        return f"Erasure {self.pk} ({self.get_via_display().lower()}, {self.at:%Y-%m-%d %H:%M})"

    @property
    def summary(self) -> str:
        """ "help_requests 2, role_interests 1, ..." with the references: no personal data."""
        counts = ", ".join(f"{kind} {count}" for kind, count in sorted(self.counts.items()))
        refs = f"; requests {self.references}" if self.references else ""
        return f"{self.get_via_display()}: {counts or 'nothing held'}{refs}"


class RetentionRun(models.Model):
    """One run of the daily retention job: what it deleted or anonymised, for the board."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Retention run {self.started_at:%Y-%m-%d %H:%M}"
