"""Periodic work that spans the portal: the daily digest for staff."""

from celery import shared_task

from .services import staff_digest_send


@shared_task
def send_staff_digest() -> bool:
    """Once a day: unassigned requests and new pool members to staff (nothing sent when none)."""
    return staff_digest_send()
