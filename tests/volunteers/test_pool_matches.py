"""New roles reach the pool members who asked for them: as each role opens, or in a Monday
digest; once per member and role, whatever is retried, resumed or raced, up to 20,000 members."""

import time
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from notifications.models import OutboundEmail
from volunteers import tasks
from volunteers.models import POOL_CONSENT_TEXT, PoolMailing, PoolMember, Role, new_token
from volunteers.services import mailings, role_mark_filled, role_save, role_set_status
from volunteers.services.mailings import (
    pool_mailing_run_batch,
    pool_mailings_resume,
    pool_weekly_digest,
)

from ..concurrency import errors, run_together
from ..conftest import ON_POSTGRES
from ..factories import PoolMemberFactory, RoleFactory, RoleInterestFactory, StaffFactory

pytestmark = pytest.mark.django_db

INSTANT = PoolMember.Frequency.AS_ROLES_OPEN
WEEKLY = PoolMember.Frequency.WEEKLY
ANNOUNCEMENTS = PoolMember.Frequency.ANNOUNCEMENTS
ROLE_MAIL = "volunteers/pool_role_opened"

needs_postgres = pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://...")


@pytest.fixture
def deliver(eager_celery, mailoutbox, django_capture_on_commit_callbacks):
    """Do something as the app does it (commit, then the worker's tasks); returns the e-mails
    it delivered."""

    def run(action, *args, **kwargs) -> list:
        before = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            action(*args, **kwargs)
        return mailoutbox[before:]

    return run


@pytest.fixture
def broker(monkeypatch):
    """The pool mailing tasks queued, in order, instead of sent to Celery (run them with
    `work`)."""
    queue: list[int] = []
    monkeypatch.setattr(
        tasks.run_pool_mailing,
        "apply_async",
        lambda args, countdown=0: queue.append(args[0]),
    )
    return queue


def work(queue: list[int]) -> None:
    """A worker taking the queued mailing tasks, and the ones they queue, until none is left."""
    while queue:
        tasks.run_pool_mailing(queue.pop(0))


def draft(area, **fields) -> Role:
    return RoleFactory(area=area, status=Role.Status.DRAFT, opened_at=None, **fields)


def member(email: str, frequency: str, *areas: str) -> PoolMember:
    return PoolMemberFactory(email=email, frequency=frequency, interests=list(areas))


def to(messages) -> list[str]:
    return sorted(address for message in messages for address in message.to)


def role_link(role: Role, settings) -> str:
    return f"{settings.SITE_URL}/roles/{role.slug}/"


# 1. Matching by area and choice -----------------------------------------------------------------


@pytest.fixture
def pool(areas) -> dict[str, PoolMember]:
    return {
        "instant-web": member("instant-web@example.org", INSTANT, "web"),
        "instant-both": member("instant-both@example.org", INSTANT, "events", "web"),
        "instant-events": member("instant-events@example.org", INSTANT, "events"),
        "weekly-web": member("weekly-web@example.org", WEEKLY, "web"),
        "news-web": member("news-web@example.org", ANNOUNCEMENTS, "web"),
    }


def test_publishing_a_role_tells_members_who_chose_each_new_role_in_its_area(
    pool, areas, deliver, settings
):
    role = draft(areas["web"], title="Website editor", slug="website-editor")

    sent = deliver(role_set_status, role=role, status=Role.Status.OPEN)

    assert to(sent) == ["instant-both@example.org", "instant-web@example.org"]
    for message in sent:
        assert message.subject == "A new volunteer role: Website editor"
        assert role_link(role, settings) in message.body
        html = message.alternatives[0].content
        assert f'href="{role_link(role, settings)}"' in html


def test_a_role_saved_open_straight_away_is_announced_too(pool, areas, deliver):
    role = RoleFactory.build(area=areas["events"], status=Role.Status.OPEN, opened_at=None)

    sent = deliver(role_save, role=role)

    assert to(sent) == ["instant-both@example.org", "instant-events@example.org"]
    assert {message.subject for message in sent} == {f"A new volunteer role: {role.title}"}


def test_editing_filling_or_closing_an_open_role_tells_nobody(pool, areas, deliver):
    role = draft(areas["web"])
    assert len(deliver(role_set_status, role=role, status=Role.Status.OPEN)) == 2

    role.summary = "A typo fixed."
    assert deliver(role_save, role=role) == []
    RoleInterestFactory(role=role, status="onboarded")
    filled = deliver(role_mark_filled, role=role, by=StaffFactory())
    assert [m for m in filled if m.subject.startswith("A new volunteer role")] == []
    assert deliver(role_set_status, role=role, status=Role.Status.CLOSED) == []


def test_a_reopened_role_is_told_only_to_members_who_were_not_told_before(
    pool, areas, deliver, settings
):
    role = draft(areas["web"], title="Docs translator")
    first = deliver(role_set_status, role=role, status=Role.Status.OPEN)
    assert to(first) == ["instant-both@example.org", "instant-web@example.org"]
    assert deliver(role_set_status, role=role, status=Role.Status.CLOSED) == []
    newcomer = member("newcomer@example.org", INSTANT, "web")

    again = deliver(role_set_status, role=role, status=Role.Status.OPEN)

    assert to(again) == [newcomer.email]
    assert again[0].subject == "A new volunteer role: Docs translator"
    assert role_link(role, settings) in again[0].body


def test_the_admin_open_action_announces_the_role(pool, areas, staff_client, deliver):
    role = draft(areas["web"], title="Sprint host")

    sent = deliver(
        staff_client.post,
        "/admin/volunteers/role/",
        {"action": "open_roles", "_selected_action": [role.pk]},
    )

    assert to(sent) == ["instant-both@example.org", "instant-web@example.org"]
    assert {message.subject for message in sent} == {"A new volunteer role: Sprint host"}


# 2. One e-mail per member and role, whatever is retried ------------------------------------------


@pytest.fixture
def five_members(areas) -> list[PoolMember]:
    return [member(f"v{n}@example.org", INSTANT, "web") for n in range(5)]


def test_running_batches_again_sends_nobody_a_second_email(five_members, areas, deliver, settings):
    settings.POOL_MAIL_PER_MINUTE = 2
    role = draft(areas["web"])
    role_set_status(role=role, status=Role.Status.OPEN)  # its task is never run: batches by hand
    mailing = PoolMailing.objects.get(role=role)

    # The same task delivered twice, then more runs than there are batches.
    sent = deliver(lambda: [pool_mailing_run_batch(mailing_id=mailing.pk) for _ in range(6)])
    assert to(sent) == sorted(m.email for m in five_members)

    # A worker that read an old cursor goes over the same members again.
    PoolMailing.objects.filter(pk=mailing.pk).update(cursor=0, status=PoolMailing.Status.SENDING)
    again = deliver(lambda: [pool_mailing_run_batch(mailing_id=mailing.pk) for _ in range(4)])

    assert again == []
    assert OutboundEmail.objects.filter(template=ROLE_MAIL).count() == 5
    mailing.refresh_from_db()
    assert (mailing.status, mailing.queued) == (PoolMailing.Status.DONE, 5)


def test_two_resume_runs_for_a_lost_mailing_send_each_member_one_email(
    five_members, areas, deliver, broker, settings
):
    settings.POOL_MAIL_PER_MINUTE = 2
    role = draft(areas["web"])
    assert deliver(role_set_status, role=role, status=Role.Status.OPEN) == []
    mailing = PoolMailing.objects.get(role=role)
    assert broker == [mailing.pk]
    broker.clear()  # the worker died with the task

    later = timezone.now() + timedelta(minutes=5)
    assert pool_mailings_resume(now=later) == 1
    assert pool_mailings_resume(now=later) == 1  # a second beat, before any worker ran
    assert broker == [mailing.pk, mailing.pk]
    sent = deliver(work, broker)

    assert to(sent) == sorted(m.email for m in five_members)
    assert pool_mailings_resume(now=later + timedelta(minutes=5)) == 0
    mailing.refresh_from_db()
    assert mailing.status == PoolMailing.Status.DONE


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_publishing_the_same_role_at_once_tell_each_member_once(
    areas, eager_celery, mailoutbox
):
    members = [member(f"v{n}@example.org", INSTANT, "web") for n in range(3)]
    role = draft(areas["web"], title="Release manager")

    results = run_together(
        2,
        lambda n: role_set_status(role=Role.objects.get(pk=role.pk), status=Role.Status.OPEN),
    )

    assert errors(results) == []
    assert PoolMailing.objects.filter(role=role).count() == 1
    for person in members:
        rows = OutboundEmail.objects.filter(template=ROLE_MAIL, to=person.email)
        assert rows.count() == 1
    assert to(m for m in mailoutbox if "Release manager" in m.subject) == sorted(
        person.email for person in members
    )


# 3. The weekly digest ---

YEAR, WEEK = 2026, 10  # ISO week 2026-W10: Monday 2 March to Sunday 8 March


def monday(week: int) -> date:
    return date.fromisocalendar(YEAR, week, 1)


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def open_at(moment: datetime, area, title: str) -> Role:
    role = draft(area, title=title)
    with time_machine.travel(moment, tick=False):
        role_set_status(role=role, status=Role.Status.OPEN)
    return role


@pytest.fixture
def week_of_roles(areas) -> dict[str, Role]:
    """Roles opened in week N (2026-W10), and one on each side of it."""
    return {
        "before": open_at(at(monday(WEEK) - timedelta(days=1), 23, 59), areas["web"], "Old web"),
        "editor": open_at(at(monday(WEEK) + timedelta(days=1)), areas["web"], "Website editor"),
        "gala": open_at(at(monday(WEEK) + timedelta(days=2)), areas["events"], "Gala helper"),
        "docs": open_at(
            at(monday(WEEK) + timedelta(days=6), 23, 59), areas["web"], "Docs translator"
        ),
        "after": open_at(at(monday(WEEK + 1), 0), areas["web"], "Next week web"),
    }


def run_digest(deliver, today: date):
    """The Monday beat job as it runs at 07:00 UTC on `today`; returns (result, digests)."""
    result = []
    with time_machine.travel(at(today, 7), tick=False):
        sent = deliver(lambda: result.append(pool_weekly_digest(today=today)))
    return result[0], [m for m in sent if m.subject.startswith("New volunteer roles")]


def test_the_monday_digest_lists_last_weeks_roles_in_each_weekly_members_areas(
    areas, week_of_roles, deliver, settings
):
    web = member("weekly-web@example.org", WEEKLY, "web")
    both = member("weekly-both@example.org", WEEKLY, "web", "events")
    member("weekly-grants@example.org", WEEKLY, "grants")
    member("instant-web@example.org", INSTANT, "web")
    member("news-web@example.org", ANNOUNCEMENTS, "web")

    mailing, digests = run_digest(deliver, monday(WEEK + 1))

    assert mailing is not None and mailing.week == "2026-W10"
    by_address = {message.to[0]: message for message in digests}
    assert sorted(by_address) == [both.email, web.email]
    assert by_address[web.email].subject == "New volunteer roles this week (2)"
    assert by_address[both.email].subject == "New volunteer roles this week (3)"
    expected = {
        web.email: {"editor", "docs"},
        both.email: {"editor", "gala", "docs"},
    }
    for address, message in by_address.items():
        html = message.alternatives[0].content
        for key, role in week_of_roles.items():
            listed = key in expected[address]
            assert (role.title in message.body) is listed, (address, role.title)
            assert (role_link(role, settings) in message.body) is listed, (address, role.title)
            assert (f'href="{role_link(role, settings)}"' in html) is listed, (address, key)


def test_the_digest_goes_once_a_week_and_not_at_all_in_a_week_without_new_roles(
    areas, week_of_roles, deliver
):
    web = member("weekly-web@example.org", WEEKLY, "web")

    _, [first] = run_digest(deliver, monday(WEEK + 1))
    assert first.to == [web.email]

    assert run_digest(deliver, monday(WEEK + 1)) == (None, [])
    assert run_digest(deliver, monday(WEEK + 1) + timedelta(days=3)) == (None, [])

    # The role opened at Monday 00:00 of week N+1 is in that week's digest, and only there.
    _, [next_week] = run_digest(deliver, monday(WEEK + 2))
    assert next_week.subject == "New volunteer roles this week (1)"
    assert "Next week web" in next_week.body and "Website editor" not in next_week.body

    digests = PoolMailing.objects.filter(kind=PoolMailing.Kind.DIGEST).count()
    assert run_digest(deliver, monday(WEEK + 3)) == (None, [])
    assert PoolMailing.objects.filter(kind=PoolMailing.Kind.DIGEST).count() == digests


def test_a_role_reopened_in_a_later_week_is_in_that_weeks_digest(areas, deliver):
    web = member("weekly-web@example.org", WEEKLY, "web")
    role = open_at(at(monday(WEEK) + timedelta(days=1)), areas["web"], "Website editor")
    _, [first] = run_digest(deliver, monday(WEEK + 1))
    with time_machine.travel(at(monday(WEEK + 1) + timedelta(days=2)), tick=False):
        role_set_status(role=role, status=Role.Status.CLOSED)
    with time_machine.travel(at(monday(WEEK + 2) + timedelta(days=3)), tick=False):
        role_set_status(role=role, status=Role.Status.OPEN)

    assert run_digest(deliver, monday(WEEK + 2)) == (None, [])  # closed all that week
    _, [reopened] = run_digest(deliver, monday(WEEK + 3))

    assert first.to == reopened.to == [web.email]
    assert reopened.subject == "New volunteer roles this week (1)"
    assert "Website editor" in reopened.body


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_beat_runs_of_the_digest_at_once_send_each_member_one_digest(
    areas, eager_celery, mailoutbox
):
    members = [member(f"v{n}@example.org", WEEKLY, "web") for n in range(3)]
    open_at(at(monday(WEEK) + timedelta(days=1)), areas["web"], "Website editor")

    results = run_together(2, lambda n: pool_weekly_digest(today=monday(WEEK + 1)))

    assert errors(results) == []
    assert sorted(result is None for result in results) == [False, True]
    assert PoolMailing.objects.filter(kind=PoolMailing.Kind.DIGEST).count() == 1
    digests = [m for m in mailoutbox if m.subject.startswith("New volunteer roles")]
    assert to(digests) == sorted(person.email for person in members)


@pytest.mark.parametrize("frequency", [INSTANT, WEEKLY])
def test_someone_who_ticks_no_area_because_they_are_open_to_anything_hears_of_new_roles(
    client, areas, deliver, settings, frequency
):
    """The join form says: "leave all empty if you are open to anything"."""
    form = client.get("/pool/join/").content.decode()
    assert "leave all empty if you are open to anything" in form
    client.post(
        "/pool/join/",
        {"email": "ada@example.org", "name": "Ada", "frequency": frequency, "consent": "on"},
    )
    joined = PoolMember.objects.get(email="ada@example.org")
    assert list(joined.interests.all()) == []
    client.post(joined.signups.get().confirm_url())
    joined.refresh_from_db()
    assert joined.is_subscribed and joined.frequency == frequency

    if frequency == INSTANT:
        sent = deliver(role_set_status, role=draft(areas["web"]), status=Role.Status.OPEN)
        heard = [m for m in sent if m.subject.startswith("A new volunteer role")]
    else:
        open_at(at(monday(WEEK) + timedelta(days=1)), areas["web"], "Website editor")
        _, heard = run_digest(deliver, monday(WEEK + 1))

    assert to(heard) == ["ada@example.org"], "open to anything, told of nothing"


# 4. Fan-out to 20,000 members ---

FAN_OUT = 20_000


def bulk_members(count: int, area) -> None:
    """`count` confirmed members hearing about each new role in `area`, without 20,000 saves."""
    now = timezone.now()
    members = PoolMember.objects.bulk_create(
        [
            PoolMember(
                email=f"volunteer{n:05d}@example.org",
                name=f"Volunteer {n}",
                frequency=INSTANT,
                consent_text=POOL_CONSENT_TEXT,
                consented_at=now,
                confirmation_sent_at=now,
                confirmed_at=now,
                unsubscribe_token=new_token(),
                preferences_token=new_token(),
            )
            for n in range(count)
        ],
        batch_size=2_000,
    )
    through = PoolMember.interests.through
    through.objects.bulk_create(
        [through(poolmember_id=m.pk, area_id=area.pk) for m in members], batch_size=5_000
    )


@pytest.mark.postgres
@needs_postgres
def test_a_role_reaches_20000_members_once_each_even_after_a_crash_mid_way(
    areas, settings, monkeypatch, record_property
):
    settings.POOL_MAIL_PER_MINUTE = 5_000
    bulk_members(FAN_OUT, areas["web"])
    role = draft(areas["web"], title="Core sprint mentor")
    role_set_status(role=role, status=Role.Status.OPEN)
    mailing = PoolMailing.objects.get(role=role)
    rows = OutboundEmail.objects.filter(batch=mailing.batch)
    timings: list[tuple[int, float]] = []

    def batch() -> bool:
        before, start = rows.count(), time.perf_counter()
        done = pool_mailing_run_batch(mailing_id=mailing.pk)
        timings.append((rows.count() - before, time.perf_counter() - start))
        return done

    assert batch() is False
    assert rows.count() == 5_000

    # The worker dies half-way through the second batch: its transaction rolls back.
    write = mailings.pool_member_message
    calls = 0

    def dies_half_way(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls > 1_000:
            raise RuntimeError("worker killed")
        return write(*args, **kwargs)

    monkeypatch.setattr(mailings, "pool_member_message", dies_half_way)
    with pytest.raises(RuntimeError, match="worker killed"):
        pool_mailing_run_batch(mailing_id=mailing.pk)
    assert rows.count() == 5_000
    mailing.refresh_from_db()
    assert (mailing.status, mailing.queued) == (PoolMailing.Status.SENDING, 5_000)

    monkeypatch.setattr(mailings, "pool_member_message", write)
    while not batch():
        assert len(timings) < 10, "the mailing never finishes"

    assert rows.count() == FAN_OUT
    assert rows.values("to").distinct().count() == FAN_OUT
    assert OutboundEmail.objects.filter(template=ROLE_MAIL).count() == FAN_OUT
    mailing.refresh_from_db()
    assert (mailing.status, mailing.queued) == (PoolMailing.Status.DONE, FAN_OUT)
    written = sum(n for n, _ in timings)
    seconds = sum(s for _, s in timings)
    rate = written / seconds
    print(f"\nfan-out: {written} outbox rows in {seconds:.1f} s = {rate:.0f} rows/second")
    print("batches: " + ", ".join(f"{n} rows in {s:.2f} s" for n, s in timings))
    record_property("fan_out_rows", written)
    record_property("fan_out_seconds", round(seconds, 2))
    record_property("fan_out_rows_per_second", round(rate))
