"""Volunteer roles, the people who raise a hand for them, and the volunteer pool mailing list."""

import secrets

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

# Words under /roles/ that are pages, not roles: a role with such a slug could never be reached.
RESERVED_SLUGS = frozenset({"feed"})

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


def validate_role_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            "“%(slug)s” is the address of another page; choose a different slug.",
            params={"slug": value},
        )


class Area(models.Model):
    """A part of the PSF's work volunteers can help with; roles have one, pool members pick many."""

    code = models.SlugField(primary_key=True, max_length=30)
    label = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.label


def role_search_vector() -> CombinedExpression:
    """What a role is found by on PostgreSQL, weighted: its title, then its summary, then the
    rest. The GIN index in Role.Meta is on exactly this expression, so a search reads it."""
    return (
        SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("description", "skills", weight="C", config="english")
    )


class Role(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        FILLED = "filled", "Filled"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True, validators=[validate_role_slug])
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="roles")
    summary = models.CharField(max_length=300, help_text="One or two sentences for the role list.")
    description = models.TextField(help_text="What the role is and what the volunteer does.")
    skills = models.TextField(blank=True, help_text="What helps; one skill per line.")
    time_commitment = models.CharField(max_length=120, help_text="For example “2 hours a week”.")
    location = models.CharField("remote or place", max_length=120, default="Remote")
    first_task = models.TextField(
        blank=True, help_text="A small first task a newcomer can start with."
    )
    contact_name = models.CharField(max_length=120)
    contact_email = models.EmailField(
        help_text="Who to talk to; e-mailed when someone is interested."
    )
    people_needed = models.PositiveSmallIntegerField(default=1)
    is_vetted = models.BooleanField(
        "vetted role",
        default=False,
        help_text="Grants sensitive access (mail, servers): staff vet people before onboarding.",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    closes_on = models.DateField(
        null=True, blank=True, help_text="The role closes by itself after this day."
    )
    opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_reviewed_on = models.DateField(
        null=True, blank=True, help_text="When staff last checked this description is current."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "-opened_at"]),
            GinIndex(role_search_vector(), name="role_search"),  # PostgreSQL only (0006)
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(slug__in=sorted(RESERVED_SLUGS)), name="role_slug_not_reserved"
            ),
            models.CheckConstraint(
                condition=Q(people_needed__gte=1), name="role_needs_at_least_one_person"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(opened_at__isnull=False),
                name="role_published_has_opened_at",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("volunteers:role", args=[self.slug])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def skill_list(self) -> list[str]:
        return [line.strip(" -•") for line in self.skills.splitlines() if line.strip(" -•")]


class RoleInterest(models.Model):
    """Someone raised a hand for a role; staff take it from new to onboarded or declined."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        ONBOARDED = "onboarded", "Onboarded"
        DECLINED = "declined", "Declined"

    OPEN = frozenset({Status.NEW, Status.CONTACTED})
    # What the person who raised their hand reads for each status (their /me/ page, their data
    # export): their words, not the staff's, who keep the labels above in the admin.
    PUBLIC_STATUS: dict[str, str] = {
        Status.NEW: "Sent",
        Status.CONTACTED: "In touch with you",
        Status.ONBOARDED: "Started",
        Status.DECLINED: "Declined",
    }

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="interests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="role_interests",
    )
    name = models.CharField(max_length=150)
    email = models.EmailField("e-mail address")
    message = models.TextField(blank=True)
    availability = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status, default=Status.NEW)
    # Vetted roles: copied from the role when the hand is raised; staff complete the step.
    needs_vetting = models.BooleanField(default=False, editable=False)
    vetted_at = models.DateTimeField(null=True, blank=True, editable=False)
    vetted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "interest in a role"
        verbose_name_plural = "interests in roles"
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["-created_at"]),  # the admin's list
        ]
        constraints = [
            # One hand per person and role until staff decline it (case-insensitive e-mail).
            models.UniqueConstraint(
                Lower("email"),
                "role",
                condition=~Q(status="declined"),
                name="one_open_interest_per_email_and_role",
            ),
            models.CheckConstraint(
                condition=~Q(status="onboarded", needs_vetting=True, vetted_at__isnull=True),
                name="interest_vetted_before_onboarded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} for {self.role}"

    @property
    def public_status(self) -> str:
        """The status as the person reads it ("In touch with you", not "Contacted")."""
        return self.PUBLIC_STATUS.get(self.status, self.get_status_display())

    @property
    def vetting_label(self) -> str:
        if not self.needs_vetting:
            return "Not needed"
        return "Complete" if self.vetted_at else "Pending"


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
    confirm_token = models.CharField(max_length=64, unique=True, default=new_token)
    unsubscribe_token = models.CharField(max_length=64, unique=True, default=new_token)
    # The link in every pool e-mail to the member's own preferences page.
    preferences_token = models.CharField(max_length=64, unique=True, default=new_token)
    frequency = models.CharField(
        "what to hear about", max_length=15, choices=Frequency, default=Frequency.WEEKLY
    )
    # Staff stop all pool mail to an address that bounces or complained, until it confirms again.
    suppressed_at = models.DateTimeField(null=True, blank=True, editable=False)
    suppressed_reason = models.CharField(max_length=12, choices=Suppression, blank=True)
    confirmation_sent_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # What someone who left typed when asking to come back: applied only when the new link is
    # used, so nobody can rewrite a person's record (or consent) by typing their address.
    pending_details = models.JSONField(default=dict, blank=True, editable=False)
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

    def confirm_url(self) -> str:
        return reverse("volunteers:pool_confirm", args=[self.confirm_token])

    def unsubscribe_url(self) -> str:
        return reverse("volunteers:pool_unsubscribe", args=[self.unsubscribe_token])

    def preferences_url(self) -> str:
        return reverse("volunteers:pool_preferences", args=[self.preferences_token])


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


class Announcement(models.Model):
    """A message from PSF staff to the volunteer pool (or to the members of some areas)."""

    subject = models.CharField(max_length=150)
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
