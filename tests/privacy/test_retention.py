"""The daily retention job, with time moved forward: spam goes after 30 days, closed requests lose
their personal data after 24 months, people who left the pool are removed after 30 days (a
hash of the address stays), sent e-mails lose their context after 90 days, unconfirmed sign-ups
expire; a second run changes nothing; each run is logged and recorded, and staff download the
runs as CSV."""

import csv
import io
import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from common.privacy import address_hash
from funding.models import FundingRequest
from help_requests.models import HelpRequest
from help_requests.services import help_request_triage
from notifications.models import OutboundEmail
from privacy.links import access_link_request
from privacy.models import AccessLink, RetentionRun
from privacy.retention import COUNTS, months_before, retention_run
from volunteers.models import POOL_CONSENT_TEXT, PoolConsent, PoolMember, PoolOptOut
from volunteers.services import pool_join, pool_member_confirm, pool_member_unsubscribe

from ..factories import HelpRequestFactory, PoolMemberFactory
from ..funding.factories import line, submit_funding

pytestmark = pytest.mark.django_db

DAY0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
LEAVER = "leaver@example.org"


@pytest.fixture
def world(staff, areas):
    """On day 0: a request closed as spam, one resolved, one still open; a member who left, one
    who stays, a sign-up never confirmed; a sent and a pending e-mail; a link to someone's data."""
    with time_machine.travel(DAY0, tick=False):
        spam = HelpRequestFactory(title="Buy cheap watches", email="spammer@example.org")
        resolved = HelpRequestFactory(
            name="Rosa Díaz", email="rosa@example.org", title="Laptops for a workshop"
        )
        still_open = HelpRequestFactory(name="Lin Clark", email="lin@example.org")
        help_request_triage(help_request=spam, by=staff, status=HelpRequest.Status.SPAM)
        help_request_triage(help_request=resolved, by=staff, status=HelpRequest.Status.RESOLVED)
        leaver = pool_join(email=LEAVER, name="Alan Leaver", consent_text=POOL_CONSENT_TEXT)
        pool_member_confirm(signup=leaver.signups.get())
        pool_member_unsubscribe(member=leaver)
        stayer = PoolMemberFactory(email="stayer@example.org")
        pending_signup = PoolMemberFactory(email="never@example.org", confirmed_at=None)
        OutboundEmail.objects.filter(template="volunteers/pool_confirm").update(
            status=OutboundEmail.Status.SENT, sent_at=DAY0
        )
        access_link_request(email="asker@example.org")
    return {
        "spam": spam,
        "resolved": resolved,
        "open": still_open,
        "leaver": leaver,
        "stayer": stayer,
        "pending_signup": pending_signup,
    }


def run_on(moment: datetime) -> dict[str, int]:
    with time_machine.travel(moment, tick=False):
        return retention_run().counts


def test_each_period_applies_once_it_has_passed_and_not_before(world):
    assert run_on(DAY0 + timedelta(days=1)) == dict.fromkeys(COUNTS, 0) | {
        "access_links_deleted": 1  # an hour to use it, an hour of access: then it goes
    }

    after_30_days = run_on(DAY0 + timedelta(days=31))
    assert after_30_days == {
        "spam_requests_deleted": 1,
        "closed_requests_anonymised": 0,
        "pool_leavers_removed": 1,
        "email_contexts_wiped": 0,
        "pool_signups_expired": 1,
        "access_links_deleted": 0,
        "files_deleted": 0,
        "incoming_mail_expired": 0,
    }
    assert not HelpRequest.objects.filter(pk=world["spam"].pk).exists()
    assert not PoolMember.objects.filter(email__in=[LEAVER, "never@example.org"]).exists()
    assert not PoolConsent.objects.filter(member_id=world["leaver"].pk).exists()
    assert PoolOptOut.objects.get().address_hash == address_hash(LEAVER)
    assert PoolMember.objects.filter(pk=world["stayer"].pk).exists()

    after_90_days = run_on(DAY0 + timedelta(days=91))
    assert after_90_days["email_contexts_wiped"] >= 1
    sent = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT)
    assert sent.exists() and all(row.context == {} for row in sent)
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).exclude(context={})

    almost = run_on(months_before(DAY0, -24) - timedelta(minutes=1))
    assert almost["closed_requests_anonymised"] == 0
    after_24_months = run_on(months_before(DAY0, -24) + timedelta(minutes=1))
    assert after_24_months["closed_requests_anonymised"] == 1
    resolved = HelpRequest.objects.get(pk=world["resolved"].pk)
    assert resolved.reference == world["resolved"].reference
    assert resolved.status == HelpRequest.Status.RESOLVED
    assert "Rosa" not in resolved.name and "rosa@" not in resolved.email
    assert resolved.title == resolved.description == "[removed after the retention period]"
    assert "after the retention period" in resolved.events.last().note
    still_open = HelpRequest.objects.get(pk=world["open"].pk)
    assert (still_open.name, still_open.email) == ("Lin Clark", "lin@example.org")


def test_a_second_run_changes_nothing(world):
    later = DAY0 + timedelta(days=800)
    first = run_on(later)
    assert sum(first.values()) > 0

    assert run_on(later) == dict.fromkeys(COUNTS, 0)
    assert RetentionRun.objects.count() == 2


def test_each_run_logs_its_counts_and_is_recorded(world, caplog):
    with caplog.at_level(logging.INFO, logger="privacy"):
        counts = run_on(DAY0 + timedelta(days=31))

    [record] = [r for r in caplog.records if r.getMessage() == "privacy.retention"]
    assert record.event == "retention.run"
    assert {name: getattr(record, name) for name in COUNTS} == counts
    run = RetentionRun.objects.get()
    assert run.counts == counts and run.finished_at is not None and run.error == ""


def test_a_leaver_whose_data_was_removed_must_confirm_by_e_mail_to_come_back(world):
    run_on(DAY0 + timedelta(days=31))

    back = pool_join(
        email=LEAVER, name="Alan", consent_text=POOL_CONSENT_TEXT, address_verified=True
    )
    assert back.confirmed_at is None  # signed in or not: the e-mailed link decides
    assert OutboundEmail.objects.filter(to=LEAVER, template="volunteers/pool_confirm").exists()
    pool_member_confirm(signup=back.signups.get())
    assert not PoolOptOut.objects.exists()  # opted in again


def test_the_job_is_on_the_beat_schedule_daily_at_a_quiet_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-retention"]
    assert entry["task"] == "privacy.tasks.run_retention"
    assert entry["schedule"].hour == {3} and entry["schedule"].minute == {40}


def test_months_before_keeps_the_day_or_takes_the_months_last():
    assert months_before(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert months_before(datetime(2026, 1, 15, tzinfo=UTC), 24) == datetime(2024, 1, 15, tzinfo=UTC)


def test_staff_download_the_runs_as_csv(staff_client, world):
    run_on(DAY0 + timedelta(days=31))
    RetentionRun.objects.create(
        started_at=timezone.now(), counts={}, error='=HYPERLINK("http://x")'
    )

    response = staff_client.get("/admin/privacy/retentionrun/export.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["started_at", "finished_at", *COUNTS, "error"]
    assert rows[1][2:8] == ["1", "0", "1", "0", "1", "1"]
    assert rows[2][-1].startswith("'=")  # a formula is defused
    assert (
        "Download every run (CSV)"
        in staff_client.get("/admin/privacy/retentionrun/").content.decode()
    )


def test_links_to_data_are_deleted_once_their_access_has_ended(world):
    assert AccessLink.objects.count() == 1
    assert run_on(DAY0 + timedelta(minutes=119))["access_links_deleted"] == 0
    assert run_on(DAY0 + timedelta(minutes=121))["access_links_deleted"] == 1


def test_a_closed_funding_requests_words_go_with_its_personal_data(staff, help_kinds):
    with time_machine.travel(DAY0, tick=False):
        asked = submit_funding(
            name="Rosa Díaz",
            email="rosa@example.org",
            other_funding="Rosa's company pays the rest.",
            lines=[line("Laptops for Rosa's workshop", "venue", "900")],
        )
        help_request_triage(help_request=asked, by=staff, status=HelpRequest.Status.RESOLVED)

    assert run_on(months_before(DAY0, -24) + timedelta(days=1))["closed_requests_anonymised"] == 1

    funding = FundingRequest.objects.get(pk=asked.pk)
    assert funding.other_funding == funding.sustainability == "[removed after the retention period]"
    [budget_line] = funding.lines.all()
    assert budget_line.description == "[removed after the retention period]"
    assert budget_line.amount == 900
