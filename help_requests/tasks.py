"""Periodic work for help requests (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .services import help_request_nudge_overdue


@shared_task
def nudge_overdue_help_requests() -> int:
    """Remind assignees, then staff, of requests past their promised answer date."""
    return help_request_nudge_overdue()
