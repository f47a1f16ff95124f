"""What the pool is sent: each new role as it opens, a weekly digest, staff announcements.

A PoolMailing is written in the transaction that causes it (a role opening, an announcement being
sent, the weekly beat job). It is then worked through in batches of POOL_MAIL_PER_MINUTE members,
one batch a minute (the mail provider's pace), each batch in one transaction that writes its
outbox rows and moves the mailing's cursor. A worker killed mid-way leaves a cursor to resume
from, and every e-mail's key names the member and what it is about, so nobody gets one twice.
Who may be mailed at all is pool_recipients()'s one rule.
"""

import logging
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any, cast

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from notifications.selectors import email_batch_size
from notifications.services import email_queue, email_queue_batch

from ..models import Announcement, PoolMailing, PoolMember, Role, validate_subject
from ..selectors import pool_recipients
from ._common import site_url
from .pool import pool_member_message

logger = logging.getLogger(__name__)

PAUSE_BETWEEN_BATCHES = timedelta(minutes=1)

# The task that runs one batch (volunteers/tasks.py), called by its name: the task module is
# above this one (it calls pool_mailing_run).
RUN_MAILING_TASK = "volunteers.tasks.run_pool_mailing"


def _enqueue(mailing_id: int, countdown: float = 0) -> None:
    run_pool_mailing = current_app.tasks[RUN_MAILING_TASK]
    try:
        run_pool_mailing.apply_async(args=(mailing_id,), countdown=countdown)
    except Exception:  # the broker is down: resume_pool_mailings (beat) picks it up
        logger.warning("Could not queue pool mailing %s; the beat job will resume it", mailing_id)


def pool_mailing_start(
    *, kind: str, role: Role | None = None, announcement: Announcement | None = None, week: str = ""
) -> PoolMailing:
    """Write a mailing in the caller's transaction; its first batch runs once that commits."""
    mailing = PoolMailing.objects.create(kind=kind, role=role, announcement=announcement, week=week)
    transaction.on_commit(partial(_enqueue, mailing.pk), robust=True)
    return mailing


def pool_mailing_recipients(mailing: PoolMailing) -> QuerySet[PoolMember]:
    if mailing.kind == PoolMailing.Kind.ROLE:
        role = cast(Role, mailing.role)
        return pool_recipients(frequency=PoolMember.Frequency.AS_ROLES_OPEN, areas=[role.area_id])
    if mailing.kind == PoolMailing.Kind.DIGEST:
        return pool_recipients(frequency=PoolMember.Frequency.WEEKLY)
    return announcement_recipients(cast(Announcement, mailing.announcement))


def announcement_recipients(announcement: Announcement) -> QuerySet[PoolMember]:
    areas = list(announcement.areas.values_list("code", flat=True)) if announcement.pk else []
    return pool_recipients(areas=areas or None)


def _role_line(role: Role) -> dict[str, str]:
    return {
        "title": role.title,
        "summary": role.summary,
        "area": role.area.label,
        "time": role.time_commitment,
        "url": site_url(role.get_absolute_url()),
    }


def week_bounds(week: str) -> tuple[datetime, datetime]:
    """Monday 00:00 UTC of ISO week `week` ("2026-W49") and of the week after."""
    year, number = week.split("-W")
    monday = date.fromisocalendar(int(year), int(number), 1)
    start = datetime(monday.year, monday.month, monday.day, tzinfo=UTC)
    return start, start + timedelta(days=7)


def _batch_emails(mailing: PoolMailing, members: list[PoolMember]) -> list[dict[str, Any]]:
    """The e-mails of one batch of members, each keyed by member and what it is about."""
    if mailing.kind == PoolMailing.Kind.ROLE:
        role = _role_line(cast(Role, mailing.role))
        return [
            pool_member_message(
                member,
                "pool_role_opened",
                key=f"pool-role:{member.pk}:{mailing.role_id}",
                role=role,
            )
            for member in members
        ]
    if mailing.kind == PoolMailing.Kind.DIGEST:
        start, end = week_bounds(mailing.week)
        roles = list(
            Role.objects.filter(
                status=Role.Status.OPEN, opened_at__gte=start, opened_at__lt=end
            ).select_related("area")
        )
        emails = []
        for member in members:
            areas = {area.code for area in member.interests.all()}  # none: open to anything
            matching = [_role_line(role) for role in roles if not areas or role.area_id in areas]
            if matching:  # nothing new for them this week: no e-mail
                key = f"pool-digest:{member.pk}:{mailing.week}"
                emails.append(
                    pool_member_message(
                        member, "pool_digest", key=key, roles=matching, week=mailing.week
                    )
                )
        return emails
    announcement = cast(Announcement, mailing.announcement)
    return [
        pool_member_message(
            member,
            "pool_announcement",
            key=f"pool-announcement:{member.pk}:{announcement.pk}",
            subject=announcement.subject,
            body=announcement.body,
        )
        for member in members
    ]


def pool_mailing_run_batch(*, mailing_id: int) -> bool:
    """Write the next batch of a mailing; returns True when the mailing is done."""
    size = settings.POOL_MAIL_PER_MINUTE
    with transaction.atomic():
        mailing = (
            PoolMailing.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=mailing_id, status=PoolMailing.Status.SENDING)
            .select_related("role__area", "announcement")
            .first()
        )
        if mailing is None:
            return True  # done already, or another worker has it
        members = list(
            pool_mailing_recipients(mailing)
            .filter(pk__gt=mailing.cursor)
            .prefetch_related("interests")
            .order_by("pk")[:size]
        )
        email_queue_batch(emails=_batch_emails(mailing, members), batch=mailing.batch)
        if members:
            mailing.cursor = members[-1].pk
        mailing.queued = email_batch_size(batch=mailing.batch)
        now = timezone.now()
        if len(members) < size:
            mailing.status, mailing.finished_at = PoolMailing.Status.DONE, now
        else:
            mailing.next_run_at = now + PAUSE_BETWEEN_BATCHES
        mailing.save(update_fields=["cursor", "queued", "status", "finished_at", "next_run_at"])
    return mailing.status == PoolMailing.Status.DONE


def pool_mailing_run(*, mailing_id: int) -> str:
    """One batch of a pool mailing; the next one a minute later (the provider's pace)."""
    if pool_mailing_run_batch(mailing_id=mailing_id):
        return "done"
    run_pool_mailing = current_app.tasks[RUN_MAILING_TASK]
    run_pool_mailing.apply_async(
        args=(mailing_id,), countdown=PAUSE_BETWEEN_BATCHES.total_seconds()
    )
    return "more"


def pool_mailings_resume(*, now: datetime | None = None) -> int:
    """Hand to a worker every mailing whose next batch is overdue (a lost task, a killed
    worker); returns how many."""
    now = now or timezone.now()
    overdue = PoolMailing.objects.filter(
        status=PoolMailing.Status.SENDING, next_run_at__lt=now - PAUSE_BETWEEN_BATCHES
    ).values_list("pk", flat=True)
    ids = list(overdue)
    for mailing_id in ids:
        _enqueue(mailing_id)
    return len(ids)


# What starts a mailing ---------------------------------------------------------------------------


def pool_role_opened(*, role: Role) -> PoolMailing:
    """A role was published or reopened: members who asked to hear as roles open are told."""
    return pool_mailing_start(kind=PoolMailing.Kind.ROLE, role=role)


def pool_weekly_digest(*, today: date | None = None) -> PoolMailing | None:
    """The digest of the ISO week that ended: roles opened in it, to weekly members whose areas
    match. Once a week, however often it runs; nothing when no role opened."""
    today = today or timezone.now().date()
    last_week = today - timedelta(days=7)
    year, number, _ = last_week.isocalendar()
    week = f"{year}-W{number:02d}"
    start, end = week_bounds(week)
    opened = Role.objects.filter(status=Role.Status.OPEN, opened_at__gte=start, opened_at__lt=end)
    if not opened.exists():
        return None
    try:
        with transaction.atomic():
            return pool_mailing_start(kind=PoolMailing.Kind.DIGEST, week=week)
    except IntegrityError:  # this week's digest is made already
        return None


def announcement_send_test(*, announcement: Announcement, to: str) -> None:
    """The announcement to one staff address, as members will see it (the links are dummies)."""
    email_queue(
        to=[to],
        template="volunteers/pool_announcement",
        context={
            "subject": f"[Test] {announcement.subject}",
            "body": announcement.body,
            "name": "",
            "preferences_url": site_url("/pool/preferences/your-own-link/"),
            "unsubscribe_url": site_url("/pool/unsubscribe/your-own-link/"),
            "roles_url": site_url("/roles/"),
        },
    )


def announcement_send(*, announcement: Announcement, by: User) -> PoolMailing:
    """Send an announcement to its audience, once: a sent one cannot be sent again."""
    with transaction.atomic():
        locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if locked.sent_at is not None:
            raise ValidationError(f"“{locked}” was sent already; make a copy to send it again.")
        validate_subject(locked.subject)  # a draft saved before the rule must be mended first
        locked.sent_at, locked.sent_by = timezone.now(), by
        locked.save(update_fields=["sent_at", "sent_by"])
        return pool_mailing_start(kind=PoolMailing.Kind.ANNOUNCEMENT, announcement=locked)


def announcement_copy(*, announcement: Announcement, by: User) -> Announcement:
    """A new, unsent announcement with the same words and audience."""
    with transaction.atomic():
        copy = Announcement.objects.create(
            subject=announcement.subject,
            body=announcement.body,
            is_public=announcement.is_public,
            created_by=by,
        )
        copy.areas.set(announcement.areas.all())
    return copy
