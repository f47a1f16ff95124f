"""The bench's data set, written in bulk: what the PSF might hold after a few busy years.

10,000 help requests with comments and history, 200 roles (50 open), 20,000 pool members and
100,000 outbound e-mails, plus one request with 20 public comments for the status page, a staff
member, and the table the reference insert view writes to.
"""

import random
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from accounts.services import user_make_staff
from help_requests.models import Comment, HelpKind, HelpRequest, HelpRequestEvent
from notifications.models import OutboundEmail
from volunteers.models import Area, PoolMailing, PoolMember, Role, new_token

REQUESTS = 10_000
ROLES, OPEN_ROLES = 200, 50
MEMBERS = 20_000
EMAILS = 100_000
# Of those e-mails, weekly digests to the pool: DIGESTS of them, one a week, each to
# DIGEST_READERS members (Insights' mailing reach counts them, and who left within 7 days).
DIGESTS, DIGEST_READERS = 8, 2_000
STATUS_PAGE_COMMENTS = 20
STAFF_EMAIL = "bench-staff@python.org"


def _requests(now, staff) -> list[HelpRequest]:
    statuses = [s for s, _ in HelpRequest.Status.choices]
    areas = [a for a, _ in HelpRequest.Area.choices]
    rows = [
        HelpRequest(
            reference=f"HR-2020-{n:05d}",
            name=f"Person {n}",
            email=f"person{n}@example.org",
            organisation=f"Python user group {n % 300}",
            area=areas[n % len(areas)],
            title=f"Help with our community project number {n}",
            description="We would like some help. " * 20,
            status=statuses[n % len(statuses)],
            priority=1 + n % 4,
            assignee=staff if n % 3 == 0 else None,
            answer_due=(now - timedelta(days=n % 30)).date(),
        )
        for n in range(REQUESTS)
    ]
    return HelpRequest.objects.bulk_create(rows, batch_size=2_000)


def _digests(now) -> list[PoolMailing]:
    """A weekly digest a week for the last DIGESTS weeks, oldest first."""
    digests = []
    for n in range(DIGESTS, 0, -1):
        sent = now - timedelta(weeks=n)
        digest = PoolMailing.objects.create(
            kind=PoolMailing.Kind.DIGEST,
            week=f"{sent:%G-W%V}",
            status=PoolMailing.Status.DONE,
            queued=DIGEST_READERS,
            finished_at=sent,
        )
        PoolMailing.objects.filter(pk=digest.pk).update(created_at=sent)  # auto_now_add
        digest.created_at = sent
        digests.append(digest)
    return digests


def load() -> dict[str, str]:
    """Write the data set into the (empty, migrated) database; returns what the bench needs."""
    random.seed(7)
    now = timezone.now()
    staff, _ = user_make_staff(email=STAFF_EMAIL, superuser=True)
    with transaction.atomic():
        requests = _requests(now, staff)
        kinds = list(HelpKind.objects.all())
        through = HelpRequest.kinds.through
        through.objects.bulk_create(
            [
                through(helprequest_id=r.pk, helpkind_id=kinds[r.pk % len(kinds)].pk)
                for r in requests
            ],
            batch_size=5_000,
        )
        Comment.objects.bulk_create(
            [
                Comment(
                    request=r,
                    author=staff,
                    body="Thank you, we are looking at it.",
                    is_public=i % 2 == 0,
                )
                for r in requests
                for i in range(r.pk % 4)
            ],
            batch_size=5_000,
        )
        HelpRequestEvent.objects.bulk_create(
            [
                HelpRequestEvent(request=r, actor=staff, field="status", old="new", new=r.status)
                for r in requests
                for _ in range(1 + r.pk % 2)
            ],
            batch_size=5_000,
        )
        talkative = requests[0]
        Comment.objects.bulk_create(
            [
                Comment(request=talkative, author=staff, body=f"Public reply {n}.", is_public=True)
                for n in range(STATUS_PAGE_COMMENTS)
            ]
        )
        areas = list(Area.objects.all())
        roles = Role.objects.bulk_create(
            [
                Role(
                    title=f"Volunteer role {n}",
                    slug=f"volunteer-role-{n}",
                    area=areas[n % len(areas)],
                    summary="Help the PSF with something useful, a few hours a month.",
                    description="A role with real work to do. " * 10,
                    skills="Patience\nPython",
                    time_commitment="2 hours a week",
                    contact_name="Role Contact",
                    contact_email="roles@python.org",
                    status=Role.Status.OPEN if n < OPEN_ROLES else Role.Status.CLOSED,
                    opened_at=now - timedelta(days=n),
                )
                for n in range(ROLES)
            ]
        )
        members = PoolMember.objects.bulk_create(
            [
                PoolMember(
                    email=f"member{n}@example.org",
                    name=f"Member {n}",
                    consent_text="I agree.",
                    consented_at=now,
                    confirmation_sent_at=now,
                    confirmed_at=now,
                    unsubscribe_token=new_token(),
                    preferences_token=new_token(),
                )
                for n in range(MEMBERS)
            ],
            batch_size=2_000,
        )
        interests = PoolMember.interests.through
        interests.objects.bulk_create(
            [interests(poolmember_id=m.pk, area_id=areas[m.pk % len(areas)].pk) for m in members],
            batch_size=5_000,
        )
        digests = _digests(now)
        OutboundEmail.objects.bulk_create(
            [
                OutboundEmail(
                    to=f"person{n % REQUESTS}@example.org",
                    template="help_requests/receipt",
                    context={"reference": f"HR-2020-{n % REQUESTS:05d}"},
                    idempotency_key=f"bench-{n}",
                    status=OutboundEmail.Status.SENT,
                    attempts=1,
                    next_attempt_at=now,
                    sent_at=now,
                )
                for n in range(EMAILS - DIGESTS * DIGEST_READERS)
            ]
            + [
                OutboundEmail(
                    to=f"member{n}@example.org",
                    template="volunteers/pool_digest",
                    idempotency_key=f"bench-{digest.batch}-{n}",
                    batch=digest.batch,
                    status=OutboundEmail.Status.FAILED
                    if n % 50 == 0
                    else OutboundEmail.Status.SENT,
                    attempts=1,
                    next_attempt_at=digest.created_at,
                    sent_at=None if n % 50 == 0 else digest.created_at,
                )
                for digest in digests
                for n in range(DIGEST_READERS)
            ],
            batch_size=5_000,
        )
        # One reader in a hundred of the first digest left within its week.
        PoolMember.objects.filter(
            email__in=[f"member{n}@example.org" for n in range(0, DIGEST_READERS, 100)]
        ).update(unsubscribed_at=digests[0].created_at + timedelta(days=2))
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_row (id serial PRIMARY KEY, body text)")
        # What autovacuum does for a running database after a bulk load (this machine's server
        # has it off): the planner's statistics, and the visibility map that lets a query read
        # an index alone (the Insights indexes, help_requests/models.py).
        cursor.execute("VACUUM ANALYZE")
    return {
        "staff_id": str(staff.pk),
        "status_url": talkative.get_absolute_url(),
        "role_url": roles[0].get_absolute_url(),
        "change_url": f"/admin/help_requests/helprequest/{requests[1].pk}/change/",
    }
