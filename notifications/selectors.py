"""Reads of the outbox for the other apps (they never query its table themselves)."""

from django.db.models import Count

from .models import OutboundEmail


def email_batch_size(*, batch: str) -> int:
    """How many e-mails a mailing's batch label has in the outbox."""
    return OutboundEmail.objects.filter(batch=batch).count()


def email_batch_counts(*, batch: str) -> dict[str, int]:
    """How many of a mailing's e-mails are pending, sent and failed."""
    counts = dict(
        OutboundEmail.objects.filter(batch=batch)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in OutboundEmail.Status.values}
