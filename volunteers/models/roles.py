"""Volunteer roles and the people who raise a hand for them."""

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
    # When it was marked filled (role_mark_filled); cleared when it opens again, so that days to
    # fill count from its latest opening (Insights, docs/architecture.md "Inside an app").
    filled_at = models.DateTimeField(null=True, blank=True, editable=False)
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


class RoleInterestChange(models.Model):
    """One step of an interest (new → contacted → onboarded or declined), written by
    role_interest_set_status: how hands move, and when, for Insights. The person's details stay
    on the interest; a change holds only the step, its moment and the staff member."""

    interest = models.ForeignKey(RoleInterest, on_delete=models.CASCADE, related_name="changes")
    old = models.CharField(max_length=10, choices=RoleInterest.Status)
    new = models.CharField(max_length=10, choices=RoleInterest.Status)
    changed_at = models.DateTimeField(default=timezone.now, editable=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = "change of an interest's status"
        indexes = [models.Index(fields=["changed_at"])]  # Insights reads a period's changes

    def __str__(self) -> str:
        return f"{self.get_old_display()} → {self.get_new_display()}"
