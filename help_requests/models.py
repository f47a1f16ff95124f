"""Help requests: what someone asked the PSF for, and everything staff did about it."""

import re
import secrets
from collections.abc import Container
from datetime import date, timedelta

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast, Upper
from django.urls import reverse


def new_token() -> str:
    """An unguessable secret for the submitter's private status link."""
    return secrets.token_urlsafe(32)


def add_working_days(start: date, days: int, holidays: Container[date] = ()) -> date:
    """The date `days` working days (Monday to Friday, except `holidays`) after `start`."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            days -= 1
    return current


class HelpKind(models.Model):
    """A kind of help that can be asked for (funding, infrastructure, ...); several per request."""

    code = models.SlugField(primary_key=True, max_length=30)
    label = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.label


class ReferenceCounter(models.Model):
    """The last reference number given out in a year; the UPDATE that bumps it locks the row."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


# What staff search the admin's list by. On PostgreSQL each has a trigram index (0006) on the very
# expression the admin's search runs, UPPER(column::text) LIKE '%…%', so finding a name, an
# address or a reference reads the indexes instead of every request.
SEARCH_FIELDS = ("reference", "title", "name", "email", "description", "organisation")


def _search_index(field: str) -> GinIndex:
    expression = Upper(Cast(field, models.TextField()))
    return GinIndex(OpClass(expression, name="gin_trgm_ops"), name=f"hr_search_{field}")


class HelpRequest(models.Model):
    class Type(models.TextChoices):
        HELP = "help", "I need help"
        SUGGESTION = "suggestion", "I have a suggestion for the PSF"

    class Area(models.TextChoices):
        CODE = "code", "Code and open-source projects"
        EVENTS = "events", "Conferences and events"
        COMMUNITY = "community", "User groups and communities"
        SUPPORT = "support", "End-user support"
        INFRASTRUCTURE = "infrastructure", "Infrastructure and servers"
        OTHER = "other", "Something else"

    class Source(models.TextChoices):
        WEB = "web", "Web form"
        EMAIL = "email", "E-mail"

    class Status(models.TextChoices):
        NEW = "new", "New"
        TRIAGED = "triaged", "Triaged"
        IN_PROGRESS = "in_progress", "In progress"
        WAITING = "waiting", "Waiting on submitter"
        RESOLVED = "resolved", "Resolved"
        DECLINED = "declined", "Declined"
        SPAM = "spam", "Spam"

    class Priority(models.IntegerChoices):
        LOW = 1, "Low"
        NORMAL = 2, "Normal"
        HIGH = 3, "High"
        URGENT = 4, "Urgent"

    CLOSED = frozenset({Status.RESOLVED, Status.DECLINED, Status.SPAM})
    # What the submitter reads for each status (their status page, /me/): their words, not the
    # staff's, who keep the labels above in the admin.
    PUBLIC_STATUS: dict[str, str] = {
        Status.NEW: "Received",
        Status.TRIAGED: "Being looked at",
        Status.IN_PROGRESS: "Being worked on",
        Status.WAITING: "Waiting for your answer",
        Status.RESOLVED: "Answered",
        Status.DECLINED: "Declined",
        Status.SPAM: "Closed",
    }
    # What the submitter may correct in place while staff wait on them.
    # (A funding request's amount and currency are its budget's total: see the funding app.)
    SUBMITTER_EDITABLE = (
        "title",
        "description",
        "organisation",
        "needed_by",
        "links",
    )

    reference = models.CharField(max_length=20, unique=True, editable=False)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    type = models.CharField(max_length=12, choices=Type, default=Type.HELP)
    source = models.CharField(
        max_length=5, choices=Source, default=Source.WEB, help_text="How the request reached us."
    )

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="help_requests",
    )
    name = models.CharField(max_length=150, blank=True)
    email = models.EmailField("e-mail address", blank=True)
    organisation = models.CharField("organisation or project", max_length=200, blank=True)

    area = models.CharField(max_length=20, choices=Area, blank=True)
    kinds = models.ManyToManyField(HelpKind, blank=True, related_name="requests")
    title = models.CharField(max_length=200)
    description = models.TextField()
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    needed_by = models.DateField(null=True, blank=True)
    links = models.TextField(blank=True, help_text="One address per line.")

    status = models.CharField(max_length=12, choices=Status, default=Status.NEW)
    priority = models.PositiveSmallIntegerField(choices=Priority, default=Priority.NORMAL)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_help_requests",
        limit_choices_to={"is_staff": True},
    )
    # While the next answer is owed by staff: the date promised, and how far nudges have gone.
    answer_due = models.DateField(null=True, blank=True)
    nudge_level = models.PositiveSmallIntegerField(default=0)

    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            # The admin's list by status, and Insights' backlog and time to close: what those
            # read is in the index (INCLUDE, PostgreSQL), so the wide rows are not visited.
            models.Index(
                fields=["status", "-submitted_at"],
                include=["closed_at", "id"],
                name="help_request_status_age",
            ),
            # The admin's list, unfiltered, and Insights' requests received and first answers.
            models.Index(
                fields=["-submitted_at"],
                include=["id", "status", "area", "source"],
                name="help_request_age",
            ),
            models.Index(fields=["answer_due"]),
            *(_search_index(field) for field in SEARCH_FIELDS),  # PostgreSQL only (0006)
        ]
        constraints = [
            # Help needs a way back to the person; a suggestion may be anonymous.
            models.CheckConstraint(
                condition=Q(type="suggestion") | ~Q(email=""), name="help_request_has_email"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="help_request_amount_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("help_requests:status", args=[self.token])

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED

    @property
    def public_status(self) -> str:
        """The status as the submitter reads it ("Waiting for your answer", not "Waiting on
        submitter")."""
        return self.PUBLIC_STATUS.get(self.status, self.get_status_display())

    @property
    def team(self) -> str:
        """Who handles the request, as a team, never a personal address."""
        if self.type == self.Type.SUGGESTION:
            return "PSF staff"
        if self.area == self.Area.INFRASTRUCTURE:
            return "PSF Infrastructure team"
        if self.area == self.Area.EVENTS or self.area == self.Area.COMMUNITY:
            return "PSF Community team"
        return "PSF staff"


class Comment(models.Model):
    """A reply on a request: public (shown to and e-mailed to the submitter) or an internal note."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    by_submitter = models.BooleanField(default=False)
    by_email = models.BooleanField(
        default=False, help_text="The submitter's reply came by e-mail (help_requests/mail.py)."
    )
    body = models.TextField()
    is_public = models.BooleanField(
        "public reply", default=False, help_text="Shown to the submitter and e-mailed to them."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            # Staff's public replies, which answer a request (Insights' first answer).
            models.Index(
                fields=["request", "created_at"],
                condition=Q(is_public=True, by_submitter=False),
                name="comment_staff_public_reply",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(by_submitter=False) | Q(is_public=True),
                name="comment_submitter_replies_are_public",
            ),
        ]

    def __str__(self) -> str:
        kind = "Public reply" if self.is_public else "Internal note"
        return f"{kind} by {'the submitter' if self.by_submitter else self.author or 'staff'}"

    @property
    def author_label(self) -> str:
        if self.by_submitter:
            return "You"
        return "PSF staff"


class HelpRequestEvent(models.Model):
    """One change to a request (status, priority, assignee, submitter's edit): its history."""

    class Field(models.TextChoices):
        CREATED = "created", "Submitted"
        STATUS = "status", "Status"
        PRIORITY = "priority", "Priority"
        ASSIGNEE = "assignee", "Assignee"
        DETAILS = "details", "Details edited by submitter"
        DECISION = "decision", "Funding decision"

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    field = models.CharField(max_length=10, choices=Field)
    old = models.CharField(max_length=200, blank=True)
    new = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # Closing a request, which answers it too (Insights' first answer).
            models.Index(
                fields=["request", "created_at"],
                condition=Q(
                    field="status",
                    new__in=[HelpRequest.Status.RESOLVED, HelpRequest.Status.DECLINED],
                ),
                name="help_request_event_closing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()}: {self.old_label or '–'} → {self.new_label or '–'}"

    def _label(self, value: str) -> str:
        choices = {
            self.Field.CREATED: HelpRequest.Status,
            self.Field.STATUS: HelpRequest.Status,
            self.Field.PRIORITY: HelpRequest.Priority,
        }.get(self.field)  # type: ignore[call-overload]
        if choices is None:
            return value
        labels = {str(v): label for v, label in choices.choices}
        return labels.get(value, value)

    @property
    def old_label(self) -> str:
        return self._label(self.old)

    @property
    def new_label(self) -> str:
        return self._label(self.new)


# What a canned reply may say in braces, filled in from the request when staff insert it.
CANNED_REPLY_PLACEHOLDERS = ("reference", "name", "amount")


def validate_placeholders(text: str) -> None:
    """Only {reference}, {name} and {amount} in braces: anything else would reach the submitter
    as typed."""
    unknown = sorted(set(re.findall(r"\{([^{}]*)\}", text)) - set(CANNED_REPLY_PLACEHOLDERS))
    if unknown:
        raise ValidationError(
            "Unknown placeholder %(names)s: use {reference}, {name} or {amount}.",
            params={"names": ", ".join(f"{{{name}}}" for name in unknown)},
        )


class CannedReply(models.Model):
    """A reusable public reply staff insert when they answer a request or record a decision."""

    class Purpose(models.TextChoices):
        QUESTION = "question", "Needs more information"
        DECLINE = "decline", "Decline reason"
        APPROVAL = "approval", "Approval next steps"
        OTHER = "other", "Other"

    title = models.CharField(max_length=100, unique=True)
    purpose = models.CharField(max_length=10, choices=Purpose, default=Purpose.OTHER)
    body = models.TextField(
        max_length=10_000,
        validators=[validate_placeholders],
        help_text="Plain text. {reference}, {name} and {amount} are filled in from the request "
        "(the amount approved, when recording a decision).",
    )
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True, help_text="Untick to stop offering it.")

    class Meta:
        ordering = ["purpose", "position", "title"]
        verbose_name_plural = "canned replies"

    def __str__(self) -> str:
        return self.title
