"""A small, hand-counted world for the dashboard, on Wednesday 25 November 2026 (UTC), and the
people who may or may not see it."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission

from accounts.services import STAFF_GROUP
from funding.models import Decision, EventKind, FundingRequest, ReviewRound
from help_requests.models import Comment, HelpRequest, HelpRequestEvent
from notifications.models import OutboundEmail
from volunteers.models import PoolMailing, PoolOptOut, Role, RoleInterest, RoleInterestChange

from ..factories import (
    HelpRequestFactory,
    PoolMemberFactory,
    RoleFactory,
    RoleInterestFactory,
    StaffFactory,
)
from ..funding.factories import rate
from ..signin import force_sign_in

TODAY = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
EMAIL = HelpRequest.Source.EMAIL


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY


@pytest.fixture
def triager(db):
    """A plain PSF staff member without the dashboard's permission (tests/accounts/conftest.py)."""
    person = StaffFactory(email="plain.triager@python.org", is_superuser=False)
    person.groups.add(Group.objects.get(name=STAFF_GROUP))
    return person


@pytest.fixture
def reader(db):
    """A plain staff member given the dashboard's permission (through a group, as staff are)."""
    person = StaffFactory(email="board.reader@python.org", is_superuser=False)
    person.groups.add(Group.objects.get(name=STAFF_GROUP))
    readers, _ = Group.objects.get_or_create(name="Insights readers")
    readers.permissions.add(Permission.objects.get(codename="view_insights"))
    person.groups.add(readers)
    return person


@pytest.fixture
def reader_client(client, reader):
    force_sign_in(client, reader)
    return client


def request_at(submitted, status=HelpRequest.Status.NEW, closed=None, **fields):
    made = HelpRequestFactory(status=status, **fields)
    HelpRequest.objects.filter(pk=made.pk).update(submitted_at=submitted, closed_at=closed)
    made.refresh_from_db()
    return made


def reply(request, when, *, public=True, by_submitter=False):
    comment = Comment.objects.create(
        request=request, body="An answer.", is_public=public, by_submitter=by_submitter
    )
    Comment.objects.filter(pk=comment.pk).update(created_at=when)


def status_event(request, when, old, new):
    event = HelpRequestEvent.objects.create(request=request, field="status", old=old, new=new)
    HelpRequestEvent.objects.filter(pk=event.pk).update(created_at=when)


@pytest.fixture
def help_world(db):
    """Requests in the last 4 weeks (29 Oct to 25 Nov) and the 4 weeks before; the promise is 3
    working days. Named by letter in the tests."""
    s = HelpRequest.Status
    world = {}
    # A: Mon 2 Nov, answered Thu 5 Nov, the last allowed day: within. Closed Fri 6 Nov (4 days).
    world["A"] = a = request_at(at(11, 2), s.RESOLVED, closed=at(11, 6))
    reply(a, at(11, 5, 17))
    status_event(a, at(11, 6), s.NEW, s.RESOLVED)
    # B: Fri 6 Nov, by e-mail, answered Wed 11 Nov (Mon, Tue, Wed): the last allowed day, within.
    world["B"] = b = request_at(at(11, 6), s.IN_PROGRESS, source=EMAIL)
    reply(b, at(11, 11, 23))
    # C: Mon 9 Nov, an internal note at once, answered Fri 13 Nov: 4 working days, late.
    world["C"] = c = request_at(at(11, 9), s.TRIAGED, area=HelpRequest.Area.CODE)
    reply(c, at(11, 9, 11), public=False)
    reply(c, at(11, 13))
    # D: Tue 10 Nov, by e-mail, closed the same day without a reply: within (0 days to close).
    world["D"] = d = request_at(at(11, 10), s.RESOLVED, closed=at(11, 10, 15), source=EMAIL)
    status_event(d, at(11, 10, 15), s.NEW, s.RESOLVED)
    # E: Mon 23 Nov, no answer yet, promise runs to Thu 26 Nov: not counted yet.
    world["E"] = request_at(at(11, 23), s.NEW)
    # F: Mon 2 Nov, only the submitter wrote since: past the promise, counted as not within.
    world["F"] = f = request_at(at(11, 2), s.NEW)
    reply(f, at(11, 3), by_submitter=True)
    # G: spam (by e-mail), left out of everything.
    world["G"] = request_at(at(11, 3), s.SPAM, closed=at(11, 3), source=EMAIL)
    # K: Fri 30 Oct, closed Tue 3 Nov (an answer, within), reopened Wed 4 Nov.
    world["K"] = k = request_at(at(10, 30), s.IN_PROGRESS)
    status_event(k, at(11, 3), s.NEW, s.RESOLVED)
    status_event(k, at(11, 4), s.RESOLVED, s.IN_PROGRESS)
    # J: open since June: the backlog's oldest.
    world["J"] = request_at(at(6, 1), s.TRIAGED)
    # The 4 weeks before (1 to 28 Oct): H within (Thu 1 → Mon 5 Oct), I late (Mon 12 → Tue 20),
    # I by e-mail.
    world["H"] = h = request_at(at(10, 1), s.RESOLVED, closed=at(10, 5))
    reply(h, at(10, 5))
    world["I"] = i = request_at(at(10, 12), s.RESOLVED, closed=at(10, 20), source=EMAIL)
    reply(i, at(10, 20))
    return world


def role_at(opened, status=Role.Status.OPEN, filled=None, **fields):
    return RoleFactory(status=status, opened_at=opened, filled_at=filled, **fields)


def interest(role, created, status=RoleInterest.Status.NEW, changed=None, escalated=None):
    made = RoleInterestFactory(role=role, status=status)
    RoleInterest.objects.filter(pk=made.pk).update(
        created_at=created, status_changed_at=changed or created, escalated_at=escalated
    )
    return made


def step(hand, when, old, new):
    RoleInterestChange.objects.create(interest=hand, old=old, new=new, changed_at=when)


@pytest.fixture
def roles_world(db):
    """Roles: Docs opened 2 Nov, its person onboarded 16 Nov, marked filled 18 Nov (16 days);
    Mentor opened 9 Nov, still open; Old opened in September, still open. Sprint opened 5 Oct,
    filled 20 Oct (before). The steps each hand took are kept (RoleInterestChange)."""
    i = RoleInterest.Status
    docs = role_at(at(11, 2), Role.Status.FILLED, filled=at(11, 18), title="Docs writer")
    d1 = interest(docs, at(11, 3), i.ONBOARDED, changed=at(11, 16))
    step(d1, at(11, 5), i.NEW, i.CONTACTED)  # 2 days to contact
    step(d1, at(11, 16), i.CONTACTED, i.ONBOARDED)
    d2 = interest(docs, at(11, 4), i.DECLINED, changed=at(11, 18))
    step(d2, at(11, 18), i.NEW, i.DECLINED)  # declined as the role was filled
    mentor = role_at(at(11, 9), title="Mentor")
    m1 = interest(mentor, at(11, 10), i.CONTACTED, changed=at(11, 12))
    step(m1, at(11, 12), i.NEW, i.CONTACTED)  # 2 days to contact
    interest(mentor, at(11, 11), escalated=at(11, 14))
    interest(mentor, at(11, 12))
    # Raised before the period, declined on 30 Oct and reopened on 2 Nov: back to new.
    m4 = interest(mentor, at(10, 20), changed=at(11, 2))
    step(m4, at(10, 30), i.NEW, i.DECLINED)
    step(m4, at(11, 2), i.DECLINED, i.NEW)
    role_at(at(9, 1), title="Old role")
    sprint = role_at(at(10, 5), Role.Status.FILLED, filled=at(10, 20), title="Sprint lead")
    s1 = interest(sprint, at(10, 6), i.ONBOARDED, changed=at(10, 20))
    step(s1, at(10, 20), i.NEW, i.ONBOARDED)  # before the period
    interest(sprint, at(10, 7), escalated=at(10, 15))
    interest(sprint, at(10, 8), escalated=at(10, 16))
    return {"docs": docs, "mentor": mentor, "sprint": sprint}


def member(email, confirmed, left=None, **fields):
    made = PoolMemberFactory(email=email, confirmed_at=confirmed, unsubscribed_at=left, **fields)
    return made


@pytest.fixture
def pool_world(db):
    """Pool: 3 members before the period, 2 join in it (one leaves again), 1 older one leaves,
    and one who left on 20 Nov has had their details removed. One mailing on 16 Nov to the 4
    members then in: 3 sent, 1 failed; one recipient left on 18 Nov (within 7 days)."""
    m1 = member("one@example.org", at(9, 1))
    m2 = member("two@example.org", at(9, 2), left=at(11, 18))
    m3 = member("three@example.org", at(10, 1))
    m4 = member("four@example.org", at(11, 3))
    member("five@example.org", at(11, 20), left=at(11, 24))  # joined after the mailing
    PoolOptOut.objects.create(address_hash="x" * 64, left_at=at(11, 20))
    mailing = PoolMailing.objects.create(kind=PoolMailing.Kind.DIGEST, week="2026-W47")
    PoolMailing.objects.filter(pk=mailing.pk).update(created_at=at(11, 16))
    for n, (person, status) in enumerate(
        [(m1, "sent"), (m2, "sent"), (m3, "sent"), (m4, "failed")]
    ):
        OutboundEmail.objects.create(
            to=person.email,
            template="volunteers/pool_digest",
            idempotency_key=f"mailing-{n}",
            batch=mailing.batch,
            status=status,
            next_attempt_at=at(11, 16),
            sent_at=at(11, 16) if status == "sent" else None,
        )
    return mailing


@pytest.fixture
def funding_world(db, funding_rules, help_kinds, staff):
    """Autumn round (1 Oct to 30 Nov, 10,000 USD): a conference asking 2,000 EUR (1.10) approved
    in part, 1,000 EUR = 1,100 USD, decided 12 Nov (10 days); a sprint asking 500 USD declined
    20 Nov (14 days). Summer round (June to August) is outside the period."""
    rate("EUR", "1.10", valid_from=at(1, 1).date())
    autumn = ReviewRound.objects.create(
        name="Autumn 2026", opens_on=at(10, 1).date(), closes_on=at(11, 30).date(), budget=10000
    )
    ReviewRound.objects.create(
        name="Summer 2026", opens_on=at(6, 1).date(), closes_on=at(8, 31).date(), budget=5000
    )
    conference = EventKind.objects.get(code="conference")
    sprint = EventKind.objects.get(code="sprint")
    euros = request_at(at(11, 2), amount=Decimal(2000), currency="EUR")
    FundingRequest.objects.create(help_request=euros, event_kind=conference, round=autumn)
    dollars = request_at(at(11, 6), amount=Decimal(500), currency="USD")
    FundingRequest.objects.create(help_request=dollars, event_kind=sprint, round=autumn)
    yes = Decision.objects.create(
        request_id=euros.pk, round=autumn, outcome="partial", amount=Decimal(1000),
        currency="EUR", round_amount=Decimal(1100), usd_per_unit=Decimal("1.1"), decided_by=staff,
    )  # fmt: skip
    no = Decision.objects.create(
        request_id=dollars.pk, round=autumn, outcome="declined", currency="USD",
        message="Not this round.", decided_by=staff,
    )  # fmt: skip
    Decision.objects.filter(pk=yes.pk).update(decided_at=at(11, 12))
    Decision.objects.filter(pk=no.pk).update(decided_at=at(11, 20))
    return autumn
