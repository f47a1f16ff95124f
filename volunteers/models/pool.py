"""The volunteer pool mailing list: its members, their consents, and who left it."""

import secrets

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from .roles import Area

POOL_CONSENT_TEXT = (
    "I agree that the Python Software Foundation may store the details above and e-mail me "
    "about volunteer opportunities. I can leave the pool at any time with the link in every "
    "e-mail."
)


# Shown above "Save my choices" on the preferences page, and kept with each change.
POOL_PREFERENCES_CONSENT_TEXT = (
    "By saving, you agree that the Python Software Foundation may keep these choices and e-mail "
    "you as chosen above. You can change them, or leave the pool, at any time from the links in "
    "every e-mail."
)


def new_token() -> str:
    """An unguessable secret for confirmation and unsubscribe links."""
    return secrets.token_urlsafe(32)


class PoolMember(models.Model):
    """A person on the volunteer pool mailing list (double opt-in)."""

    class Frequency(models.TextChoices):
        AS_ROLES_OPEN = "instant", "Each new role in my areas, as it opens"
        WEEKLY = "weekly", "A weekly summary of new roles in my areas"
        ANNOUNCEMENTS = "announcements", "Only the PSF's announcements"

    class Suppression(models.TextChoices):
        BOUNCING = "bouncing", "Bouncing"
        COMPLAINED = "complained", "Complained"

    email = models.EmailField("e-mail address")
    name = models.CharField(max_length=150)
    interests = models.ManyToManyField(Area, blank=True, related_name="pool_members")
    skills = models.TextField(blank=True)
    consent_text = models.TextField()
    consented_at = models.DateTimeField()
    unsubscribe_token = models.CharField(max_length=64, unique=True, default=new_token)
    # The link in every pool e-mail to the member's own preferences page.
    preferences_token = models.CharField(max_length=64, unique=True, default=new_token)
    frequency = models.CharField(
        "what to hear about", max_length=15, choices=Frequency, default=Frequency.WEEKLY
    )
    # Staff stop all pool mail to an address that bounces or complained, until it confirms again.
    suppressed_at = models.DateTimeField(null=True, blank=True, editable=False)
    suppressed_reason = models.CharField(max_length=12, choices=Suppression, blank=True)
    # When the last confirmation link was sent (each sign-up's own link: PoolSignup).
    confirmation_sent_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # When the staff digest announced this member (each new member is announced once).
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "volunteer pool member"
        indexes = [
            models.Index(fields=["-created_at"]),  # the admin's list
            models.Index(  # the daily expiry of unconfirmed sign-ups
                fields=["confirmation_sent_at"],
                condition=Q(confirmed_at__isnull=True),
                name="pool_member_unconfirmed",
            ),
            # Insights: members over time, joins and leaves (what they read is in the index).
            models.Index(
                fields=["confirmed_at"],
                include=["unsubscribed_at", "id"],
                name="pool_member_joined",
            ),
            models.Index(
                fields=["unsubscribed_at"],
                include=["id"],
                condition=Q(unsubscribed_at__isnull=False),
                name="pool_member_left",
            ),
        ]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="pool_member_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def state(self) -> str:
        if self.unsubscribed_at:
            return "Unsubscribed"
        if self.suppressed_at:
            return f"Suppressed ({self.get_suppressed_reason_display().lower()})"
        return "Confirmed" if self.confirmed_at else "Waiting for confirmation"

    @property
    def is_subscribed(self) -> bool:
        """In the pool and mailable (pool_recipients() is the same rule, for queries)."""
        return bool(self.confirmed_at and not self.unsubscribed_at and not self.suppressed_at)

    def unsubscribe_url(self) -> str:
        return reverse("volunteers:pool_unsubscribe", args=[self.unsubscribe_token])

    def unsubscribe_one_click_url(self) -> str:
        """For the List-Unsubscribe header: where mail clients POST RFC 8058's one click."""
        return reverse("volunteers:pool_unsubscribe_one_click", args=[self.unsubscribe_token])

    def preferences_url(self) -> str:
        return reverse("volunteers:pool_preferences", args=[self.preferences_token])


class PoolSignup(models.Model):
    """One sign-up (or return) as typed, waiting for its own e-mailed link.

    Anyone can type an address, so what was typed counts only when the link sent for it is
    used: the person who proves the address decides their details, never someone who typed it
    before or after them. A used link is kept (pressing it again says "you are in") until the
    next sign-up for the address or the expiry of unconfirmed sign-ups.
    """

    member = models.ForeignKey(PoolMember, on_delete=models.CASCADE, related_name="signups")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    name = models.CharField(max_length=150)
    skills = models.TextField(blank=True)
    frequency = models.CharField(max_length=15, choices=PoolMember.Frequency)
    consent_text = models.TextField()
    areas = models.JSONField(default=list, help_text="The codes of the areas chosen.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "pool sign-up"

    def __str__(self) -> str:
        return f"{self.member} at {self.created_at:%Y-%m-%d %H:%M}"

    def confirm_url(self) -> str:
        return reverse("volunteers:pool_confirm", args=[self.token])


class PoolConsent(models.Model):
    """What a member agreed to, word for word, and what they chose: at joining and at each change
    of their preferences."""

    member = models.ForeignKey(PoolMember, on_delete=models.CASCADE, related_name="consents")
    at = models.DateTimeField(default=timezone.now)
    text = models.TextField()
    frequency = models.CharField(max_length=15, choices=PoolMember.Frequency)
    areas = models.JSONField(default=list, help_text="The codes of the areas chosen.")

    class Meta:
        ordering = ["-at"]
        verbose_name = "pool consent"

    def __str__(self) -> str:
        return f"{self.member} at {self.at:%Y-%m-%d %H:%M}"


class PoolOptOut(models.Model):
    """Someone who left the pool, after their data was removed: only a keyed hash of the
    address (common.privacy.address_hash), so a return is known as one. They can join again,
    always through the e-mailed link (double opt-in), which ends this record."""

    address_hash = models.CharField(max_length=64, unique=True)
    left_at = models.DateTimeField(help_text="When they left the pool.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "pool opt-out"

    def __str__(self) -> str:
        return f"Left on {self.left_at:%Y-%m-%d}"
