"""Reads for the "Incoming mail" admin, each a fixed number of queries whatever the rows."""

from django.db.models import QuerySet

from .models import InboundMessage, MailboxState


def inbound_messages_admin_list() -> QuerySet[InboundMessage]:
    """The changelist's rows with what each became (one query per kind of target), without
    their text (the change page reads it)."""
    return InboundMessage.objects.defer("text").prefetch_related("target")


def mailbox_states() -> list[MailboxState]:
    """Each IMAP mailbox read: when it was last polled, and its last error."""
    return list(MailboxState.objects.order_by("mailbox"))
