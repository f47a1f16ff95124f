"""People who sign in: staff who triage, and community members who want a history."""

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    """Creates users keyed by e-mail address instead of a username."""

    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A user who signs in with an e-mail address."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("e-mail address", unique=True)
    name = models.CharField(max_length=150, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.name or self.email

    def get_full_name(self) -> str:
        return self.name or super().get_full_name()


class AuditEvent(models.Model):
    """One thing a person did that staff may need to account for: a sign-in, a factor, an edit.

    Written in the same transaction as the change it records; read-only in the admin.
    """

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        MFA_FAILED = "mfa_failed", "Wrong second-factor code"
        MFA_ADDED = "mfa_added", "Second factor added"
        MFA_REMOVED = "mfa_removed", "Second factor removed"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        ADMIN_ADDED = "admin_added", "Added in the admin"
        ADMIN_CHANGED = "admin_changed", "Changed in the admin"
        ADMIN_DELETED = "admin_deleted", "Deleted in the admin"
        ADMIN_ACTION = "admin_action", "Admin action"
        DATA_EXPORTED = "data_exported", "Personal data downloaded"
        DATA_ERASED = "data_erased", "Personal data erased"
        FILE_DOWNLOADED = "file_downloaded", "File downloaded"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
        help_text="Who did it; empty for a failed sign-in to an unknown account.",
    )
    # The address as it was then (or as typed, for a failed sign-in): kept if the user goes.
    actor_email = models.CharField("e-mail", max_length=254, blank=True)
    action = models.CharField(max_length=20, choices=Action, db_index=True)
    target_type = models.CharField("what", max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField("which", max_length=200, blank=True)
    detail = models.TextField(blank=True)
    ip = models.GenericIPAddressField("IP address", null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["actor", "-at"]), models.Index(fields=["-at"])]

    def __str__(self) -> str:
        who = self.actor_email or "someone"
        return f"{self.get_action_display()}: {who} at {self.at:%Y-%m-%d %H:%M}"
