"""Thin tasks for the volunteer half: beat jobs (close expired roles, escalate, expire sign-ups,
the weekly digest, resume mailings) and the batches of a pool mailing."""

from celery import shared_task

from .services import pool_signups_expire, role_interests_escalate_stale, roles_close_expired
from .services.mailings import (
    RUN_MAILING_TASK,
    pool_mailing_run,
    pool_mailings_resume,
    pool_weekly_digest,
)


@shared_task
def close_expired_roles() -> int:
    """Roles past their closing day stop taking interest."""
    return roles_close_expired()


@shared_task
def escalate_stale_interests() -> int:
    """Nobody who raised a hand is left unanswered: stale "new" interests go to staff."""
    return role_interests_escalate_stale()


@shared_task
def expire_pool_signups() -> int:
    """Unconfirmed pool sign-ups are deleted after POOL_CONFIRM_DAYS."""
    return pool_signups_expire()


@shared_task(name=RUN_MAILING_TASK, acks_late=True)
def run_pool_mailing(mailing_id: int) -> str:
    """One batch of a pool mailing; the next one a minute later (the provider's pace)."""
    return pool_mailing_run(mailing_id=mailing_id)


@shared_task
def resume_pool_mailings() -> int:
    """A mailing whose task was lost (broker down, worker killed) goes on where it stopped."""
    return pool_mailings_resume()


@shared_task
def send_weekly_pool_digest() -> bool:
    """Monday morning: last week's new roles to the members who chose a weekly summary."""
    return pool_weekly_digest() is not None
