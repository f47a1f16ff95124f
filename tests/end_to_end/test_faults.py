"""Faults injected into the real stack (issue 9, T4, T5, T8): nothing lost, nothing twice.

- a Celery worker SIGKILLed while an SMTP server sits on its message;
- the SMTP server down, then back (retries with backoff; `failed` after the last try, then
  retried as the admin's action does);
- PostgreSQL stopped and started again under the running web server.

Separate processes as in test_full_stack.py: gunicorn, Celery, redis-server, an SMTP sink, and
for the last test a PostgreSQL cluster of its own (stopping the machine's would pull the database
from under the test run itself).
"""

import json
import os
import signal
import urllib.error
import urllib.request
import uuid

import psycopg
import pytest

from .stack import (
    PostgresServer,
    Processes,
    RedisServer,
    SmtpSink,
    StallingSmtpSink,
    free_port,
    submit_help_request,
    wait_until,
)
from .test_full_stack import STAFF, _form, database_url  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres")
        or not os.environ.get("REDIS_URL"),
        reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL",
    ),
]


def outbox(url: str) -> list[tuple[str, str, int]]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT template, status, attempts FROM notifications_outboundemail ORDER BY id"
        ).fetchall()


def sweep(processes: Processes) -> None:
    processes.run(
        "shell", "-c", "from notifications.tasks import sweep_pending_emails as s; print(s())"
    )


@pytest.fixture
def fresh_database(database_url):  # noqa: F811 (the fixture, used)
    """An empty schema in the module's database for each test."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    return database_url


def make_processes(tmp_path, database: str, redis: RedisServer, smtp_port: int, **env) -> Processes:
    return Processes(
        {
            "DATABASE_URL": database,
            "REDIS_URL": redis.url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "PSF_STAFF_EMAIL": STAFF,
            "OUTBOX_SWEEP_GRACE_SECONDS": "0",
            **env,
        },
        tmp_path,
    )


def test_a_worker_killed_mid_send_neither_loses_nor_doubles_the_email(fresh_database, tmp_path):
    redis = RedisServer(tmp_path)
    redis.start()
    with StallingSmtpSink(stall=1) as smtp:
        # A 2 s SMTP timeout: the claim on a row lasts 19 s (sending.CLAIM_SECONDS).
        processes = make_processes(tmp_path, fresh_database, redis, smtp.port, EMAIL_TIMEOUT="2")
        try:
            processes.run("migrate", "--noinput")
            base = processes.start_web(free_port())
            worker = processes.start("worker", "celery", "-A", "psf_helpdesk", "worker",
                                     "-l", "info", "--concurrency", "1", "--without-gossip",
                                     "--without-mingle", "--without-heartbeat")  # fmt: skip
            wait_until(
                lambda: b"ready." in (tmp_path / "worker.log").read_bytes(), 60, "the worker"
            )
            submitter = f"kwame-{uuid.uuid4().hex[:6]}@example.org"
            assert submit_help_request(base, _form(submitter))[0] == 302

            wait_until(lambda: smtp.stalled, 20, "the worker to be sending into the stall")
            os.killpg(worker.pid, signal.SIGKILL)  # the worker and its child, mid-send
            worker.wait(10)
            rows = outbox(fresh_database)
            assert ("help_requests/new_staff", "pending", 1) in rows  # the attempt was counted

            processes.start_worker()
            wait_until(
                lambda: (sweep(processes), smtp.to(STAFF) and smtp.to(submitter))[1],
                60,
                "the sweeper to hand the killed worker's e-mails to the new one",
                interval=2,
            )
            wait_until(lambda: all(r[1] == "sent" for r in outbox(fresh_database)), 20, "sent")
            sweep(processes)  # and once more: nothing is left to send again
        finally:
            processes.stop_all()
            redis.stop()
    assert len(smtp.to(STAFF)) == 1
    assert len(smtp.to(submitter)) == 1
    assert ("help_requests/new_staff", "sent", 2) in outbox(fresh_database)


def test_smtp_down_then_back_retries_then_fails_then_is_retried_once(fresh_database, tmp_path):
    redis = RedisServer(tmp_path)
    redis.start()
    smtp_port = free_port()  # nobody listens yet
    processes = make_processes(
        tmp_path,
        fresh_database,
        redis,
        smtp_port,
        EMAIL_TIMEOUT="2",
        OUTBOX_MAX_ATTEMPTS="3",
        OUTBOX_RETRY_BASE_SECONDS="2",
    )
    try:
        processes.run("migrate", "--noinput")
        base = processes.start_web(free_port())
        processes.start_worker()

        # 1. SMTP down for the first try only: the retry after the backoff delivers it, once.
        first = f"first-{uuid.uuid4().hex[:6]}@example.org"
        assert submit_help_request(base, _form(first))[0] == 302
        wait_until(lambda: all(r[2] >= 1 for r in outbox(fresh_database)), 20, "the first attempts")
        with SmtpSink(port=smtp_port) as smtp:
            wait_until(lambda: smtp.to(first) and smtp.to(STAFF), 30, "the retried e-mails")
        assert [r[1] for r in outbox(fresh_database)] == ["sent", "sent"]

        # 2. SMTP down for every try: `failed` after the last, then retried (the admin action).
        second = f"second-{uuid.uuid4().hex[:6]}@example.org"
        assert submit_help_request(base, _form(second))[0] == 302
        wait_until(
            lambda: [r[1] for r in outbox(fresh_database)][2:] == ["failed", "failed"],
            60,
            "the e-mails to fail for good",
            interval=0.5,
        )
        assert [r[2] for r in outbox(fresh_database)][2:] == [3, 3]  # three tries, no fourth
        with SmtpSink(port=smtp_port) as smtp:
            processes.run(
                "shell",
                "-c",
                "from notifications.models import OutboundEmail as E;"
                "from notifications.services import email_retry;"
                "[email_retry(email=e) for e in E.objects.filter(status='failed')]",
            )
            wait_until(lambda: smtp.to(second) and smtp.to(STAFF), 30, "the retried e-mails")
            wait_until(lambda: all(r[1] == "sent" for r in outbox(fresh_database)), 20, "sent")
        assert len(smtp.to(second)) == 1
        assert len(smtp.to(STAFF)) == 1
    finally:
        processes.stop_all()
        redis.stop()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_server_rides_out_a_postgres_restart(tmp_path):
    postgres = PostgresServer()
    redis = RedisServer(tmp_path)
    try:
        postgres.init()
        postgres.start()
        redis.start()
        processes = make_processes(
            tmp_path, postgres.url, redis, free_port(), CONN_MAX_AGE="60"
        )  # persistent connections, as production runs
        processes.run("migrate", "--noinput")
        base = processes.start_web(free_port())
        assert get(f"{base}/healthz")[0] == 200
        assert submit_help_request(base, _form("before@example.org"))[0] == 302

        postgres.stop()
        status, body = get(f"{base}/healthz")
        assert status == 503, body
        assert json.loads(body)["database"] == "down"
        status, page = get(f"{base}/roles/")  # a page that reads the database
        assert status == 503
        assert "Back in a moment" in page
        assert "Traceback" not in page

        postgres.start()
        assert get(f"{base}/healthz")[0] == 200  # the first request after the restart
        status, location, *_ = submit_help_request(base, _form("after@example.org"))
        assert (status, location[:13]) == (302, "/help/status/")
        with psycopg.connect(postgres.url) as conn:
            saved = conn.execute("SELECT email FROM help_requests_helprequest").fetchall()
        assert sorted(saved) == [("after@example.org",), ("before@example.org",)]
    finally:
        if "processes" in locals():
            processes.stop_all()
        redis.stop()
        postgres.remove()
