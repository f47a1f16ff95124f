"""The whole stack as separate processes: gunicorn, a Celery worker, Redis, Postgres and SMTP.

Runs only when DATABASE_URL points at PostgreSQL and REDIS_URL is set (as in .ci/run). Each test
gets its own redis-server (so it can be stopped) and the module its own database.
"""

import os
import time
import urllib.request
import uuid
from datetime import date
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from .stack import Processes, RedisServer, SmtpSink, free_port, submit_help_request, wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres")
        or not os.environ.get("REDIS_URL"),
        reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL",
    ),
]
STAFF = "psf@python.org"


@pytest.fixture(scope="module")
def database_url():
    """A fresh database on the PostgreSQL server of DATABASE_URL, dropped afterwards."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    name = f"psf_e2e_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def stack(database_url, tmp_path):
    redis = RedisServer(tmp_path)
    redis.start()
    with SmtpSink() as smtp:
        web_port = free_port()
        processes = Processes(
            {
                "DATABASE_URL": database_url,
                "REDIS_URL": redis.url,
                "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
                "DJANGO_DEBUG": "false",
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
                "PSF_STAFF_EMAIL": STAFF,
                "SITE_URL": f"http://127.0.0.1:{web_port}",
                "OUTBOX_SWEEP_GRACE_SECONDS": "0",
            },
            tmp_path,
        )
        processes.run("migrate", "--noinput")
        try:
            yield processes, redis, smtp, web_port
        finally:
            processes.stop_all()
            redis.stop()


def _outbox_statuses(database_url: str, submitter: str) -> list[str]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT e.status FROM notifications_outboundemail e "
            "WHERE e.context->>'reference' IN ("
            "  SELECT reference FROM help_requests_helprequest WHERE email = %s)",
            [submitter],
        ).fetchall()
    return sorted(status for (status,) in rows)


def _form(submitter: str) -> dict:
    return {
        "type": "help",
        "name": "Grace Hopper",
        "email": submitter,
        "organisation": "PyCon Somewhere",
        "area": "events",
        "kinds": ["funding", "advice"],
        "title": "Venue deposit for our first PyCon",
        "description": "Ticket sales will fund the next one; we need the first deposit.",
        "needed_by": f"31 March {date.today().year + 1}",
        "currency": "USD",  # a fresh database has exchange rates for no other currency
        "event_kind": "conference",
        "lines": "3",
        "line-0-description": "Venue deposit",
        "line-0-category": "venue",
        "line-0-amount": "2500",
        "expected_reach": "300",
        "sustainability": "Ticket sales fund the next one.",
    }


def test_submission_reaches_staff_and_submitter_through_worker(
    stack, database_url, record_property
):
    processes, _redis, smtp, web_port = stack
    base = processes.start_web(web_port)
    processes.start_worker()
    health = urllib.request.urlopen(f"{base}/healthz", timeout=10).read().decode()
    assert '"broker": "ok"' in health

    submitter = f"grace-{uuid.uuid4().hex[:6]}@example.org"
    status, location, posted, post_seconds = submit_help_request(base, _form(submitter))
    assert status == 302
    assert location.startswith("/help/status/")

    staff_mail = wait_until(lambda: smtp.to(STAFF), 20, "the staff e-mail")[0]
    receipt = wait_until(lambda: smtp.to(submitter), 20, "the receipt")[0]
    staff_ms = (staff_mail.at - posted) * 1000
    record_property("submit_to_staff_email_ms", round(staff_ms))
    print(
        f"\nend-to-end: POST answered in {post_seconds * 1000:.0f} ms; "
        f"staff e-mail delivered {staff_ms:.0f} ms after the POST started"
    )

    assert "New help request: Venue deposit for our first PyCon" in staff_mail.message["Subject"]
    # Staff answer from the admin (kept on record), not by replying: the address is in the text.
    assert staff_mail.message["Reply-To"] is None
    assert f"<{submitter}>" in staff_mail.message.get_body(("plain",)).get_content()
    reference = staff_mail.message["Subject"].split("]")[0].strip("[")
    assert reference in receipt.message["Subject"]
    receipt_text = receipt.message.get_body(("plain",)).get_content()
    assert f"http://127.0.0.1:{web_port}{location}" in receipt_text
    # The private status link goes to the submitter only, never to the staff inbox.
    assert location not in staff_mail.message.as_string()
    assert _outbox_statuses(database_url, submitter) == ["sent", "sent"]


def test_submission_survives_redis_outage_and_mail_goes_out_once_it_is_back(stack, database_url):
    processes, redis, smtp, web_port = stack
    base = processes.start_web(web_port)
    redis.stop()

    submitter = f"ada-{uuid.uuid4().hex[:6]}@example.org"
    status, location, _, seconds = submit_help_request(base, _form(submitter))
    assert status == 302, "the submission must succeed with the broker down"
    assert location.startswith("/help/status/")
    assert seconds < 5, f"the POST took {seconds:.1f}s with Redis down"
    print(f"\nend-to-end: POST with Redis down answered in {seconds * 1000:.0f} ms")
    assert _outbox_statuses(database_url, submitter) == ["pending", "pending"]
    page = urllib.request.urlopen(f"{base}{location}", timeout=10).read().decode()
    assert "Venue deposit for our first PyCon" in page

    redis.start()
    processes.start_worker()
    assert processes.run(
        "shell", "-c", "from notifications.tasks import sweep_pending_emails as s; print(s())"
    )
    wait_until(lambda: len(smtp.to(STAFF)) and len(smtp.to(submitter)), 20, "the delayed e-mails")
    time.sleep(2)  # anything sent twice would arrive by now
    assert len(smtp.to(STAFF)) == 1
    assert len(smtp.to(submitter)) == 1
    assert _outbox_statuses(database_url, submitter) == ["sent", "sent"]
