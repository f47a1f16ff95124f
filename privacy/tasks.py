"""Beat job: the daily retention run (CELERY_BEAT_SCHEDULE["privacy-retention"])."""

from celery import shared_task

from .retention import retention_run


@shared_task
def run_retention() -> dict[str, int]:
    """Delete or anonymise what is past its retention period; returns the counts."""
    return retention_run().counts
