"""Thin beat tasks for the volunteer half: close expired roles, escalate, expire sign-ups."""

from celery import shared_task

from .services import pool_signups_expire, role_interests_escalate_stale, roles_close_expired


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
