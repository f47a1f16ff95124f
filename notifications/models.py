"""The outbox: every e-mail the portal sends is a row first, so none is lost or sent twice."""

from django.db import models


class OutboundEmail(models.Model):
    """One e-mail to one recipient, rendered from templates/emails/<template>.* when sent."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"  # its recipient asked for their data to be erased

    to = models.EmailField()
    template = models.CharField(max_length=100, help_text="Under templates/emails/, no suffix.")
    context = models.JSONField(default=dict, blank=True)
    secret = models.BooleanField(
        default=False,
        help_text="The context holds a sign-in link or code: never shown, wiped once sent.",
    )
    reply_to = models.EmailField(blank=True)
    # Threads (docs/mail-in.md): our Message-ID, without angle brackets, so a reply's In-Reply-To
    # or References finds the conversation; `thread` is the reference it is about (HR-2026-0042).
    message_id = models.CharField("Message-ID", max_length=255, blank=True, db_index=True)
    thread = models.CharField(max_length=40, blank=True, db_index=True)
    headers = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    batch = models.CharField(
        max_length=40,
        blank=True,
        db_index=True,
        help_text="Groups the rows of one mailing, e.g. pool-mailing:12 (for its counts).",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(
        help_text="When the send is due; the sweeper re-queues rows still pending well after it."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "outbound e-mail"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["-created_at"]),  # the admin's list
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="outbound_email_sent_has_sent_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} to {self.to} ({self.get_status_display()})"
