"""Load on the real stack, and a backup restored with the README's exact commands.

Runs only when DATABASE_URL points at PostgreSQL and REDIS_URL is set, like test_full_stack.py,
whose `stack` fixture (own redis-server, SMTP sink, fresh migrated database) the load test uses.
"""

import logging
import os
import re
import statistics
import subprocess
import time
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from volunteers.demo import DEMO_POOL

from .stack import ROOT, Processes, submit_help_request, wait_until
from .test_full_stack import STAFF, _form, database_url, stack  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres")
        or not os.environ.get("REDIS_URL"),
        reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL",
    ),
]

SUBMISSIONS = 200
THREADS = 20


@pytest.fixture
def quiet_smtp_sink_log():
    """aiosmtpd logs a dozen INFO lines per message; 400 messages would bury the summary."""
    logger = logging.getLogger("mail.log")
    level = logger.level
    logger.setLevel(logging.WARNING)
    yield
    logger.setLevel(level)


def _start_web(processes: Processes, port: int, workers: int) -> str:
    processes.start(
        "web",
        "gunicorn",
        "psf_helpdesk.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "30",
    )
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return urllib.request.urlopen(f"{base}/healthz", timeout=2).status == 200
        except OSError:
            return False

    wait_until(healthy, 30, "gunicorn to answer /healthz", interval=0.2)
    return base


def _start_worker(processes: Processes, concurrency: int) -> None:
    processes.start(
        "worker",
        "celery",
        "-A",
        "psf_helpdesk",
        "worker",
        "-l",
        "info",
        "--concurrency",
        str(concurrency),
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    )
    wait_until(
        lambda: b"ready." in (processes.logdir / "worker.log").read_bytes(),
        60,
        "the Celery worker to be ready",
    )


def _submit(base: str, n: int) -> tuple[int, str, float, float, str]:
    fields = {**_form(f"load-{n}@example.org"), "title": f"Load test request {n}"}
    try:
        status, location, started, seconds = submit_help_request(base, fields)
    except Exception as error:  # a refused connection or a timeout counts as a failure
        return 0, "", time.monotonic(), 0.0, f"{type(error).__name__}: {error}"
    return status, location, started, seconds, ""


def _outbox(url: str) -> Counter:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT status, count(*) FROM notifications_outboundemail GROUP BY status"
        ).fetchall()
    return Counter(dict(rows))


def test_two_hundred_concurrent_help_requests_are_all_saved_and_mailed_once(
    quiet_smtp_sink_log,  # first, so it is undone after the sink has stopped
    stack,  # noqa: F811 (the fixture imported above)
    database_url,  # noqa: F811
    record_property,
):
    processes, _redis, smtp, web_port = stack
    processes.env["RATELIMIT_FORM_RATE"] = "100000/m"
    base = _start_web(processes, web_port, workers=4)
    _start_worker(processes, concurrency=4)

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(lambda n: _submit(base, n), range(SUBMISSIONS)))
    posts_done = time.monotonic() - began

    statuses = Counter(status for status, *_ in results)
    errors = Counter(error for *_, error in results if error)
    answered = statuses[302]
    post_ms = sorted(seconds * 1000 for status, _, _, seconds, _ in results if status) or [0.0]
    p50 = statistics.median(post_ms)
    p99 = statistics.quantiles(post_ms, n=100, method="inclusive")[98]

    expected_mails = 2 * answered
    try:
        wait_until(lambda: len(smtp.messages) >= expected_mails, 60, "every e-mail", 0.2)
        wait_until(lambda: set(_outbox(database_url)) == {"sent"}, 20, "every row sent", 0.2)
    except AssertionError:
        pass  # the assertions below say what is missing
    last_mail = max((m.at for m in smtp.messages), default=time.monotonic())
    total = last_mail - began
    time.sleep(2)  # anything sent twice would arrive by now

    deliveries = Counter(
        (address.lower(), m.message["Subject"]) for m in smtp.messages for address in m.rcpt_tos
    )
    duplicates = sum(count - 1 for count in deliveries.values())
    with psycopg.connect(database_url) as conn:
        saved, references = conn.execute(
            "SELECT count(*), count(DISTINCT reference) FROM help_requests_helprequest"
        ).fetchone()
        submitters = {
            email for (email,) in conn.execute("SELECT email FROM help_requests_helprequest")
        }
    outbox = _outbox(database_url)

    figures = {
        "load_submissions_tried": SUBMISSIONS,
        "load_posts_302": answered,
        "load_saved": saved,
        "load_emails_received": len(deliveries) + duplicates,
        "load_email_duplicates": duplicates,
        "load_post_p50_ms": round(p50),
        "load_post_p99_ms": round(p99),
        "load_posts_seconds": round(posts_done, 1),
        "load_total_seconds": round(total, 1),
    }
    for name, value in figures.items():
        record_property(name, value)
    print(
        f"\nload: {SUBMISSIONS} submissions tried from {THREADS} threads, "
        f"{answered} answered 302, {saved} saved, "
        f"{figures['load_emails_received']} e-mails received, {duplicates} duplicates, "
        f"POST p50 {p50:.0f} ms / p99 {p99:.0f} ms, POSTs done in {posts_done:.1f} s, "
        f"last e-mail {total:.1f} s after the load began; "
        f"statuses {dict(statuses)}, outbox {dict(outbox)}"
        + (f", errors {dict(errors)}" if errors else "")
    )

    assert statuses == {302: SUBMISSIONS}, errors
    assert saved == references == SUBMISSIONS
    assert submitters == {f"load-{n}@example.org" for n in range(SUBMISSIONS)}
    assert len(smtp.to(STAFF)) == SUBMISSIONS
    for n in range(SUBMISSIONS):
        assert len(smtp.to(f"load-{n}@example.org")) == 1, f"receipts for load-{n}"
    assert len(smtp.messages) == 2 * SUBMISSIONS
    assert duplicates == 0
    assert outbox == {"sent": 2 * SUBMISSIONS}


# --- Backup and restore, with the commands the README gives --------------------------------

README_DATABASE = "psf_helpdesk_restored"
README_RESTORE_URL = f"postgres://postgres@127.0.0.1:5432/{README_DATABASE}"


def _readme_backup_commands() -> list[str]:
    """The shell lines of the README's "Backup and restore" section, in order."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Backup and restore\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
    commands = [line for block in blocks for line in block.splitlines() if line.strip()]
    assert [c.split()[0] for c in commands] == ["pg_dump", "createdb", "pg_restore"], commands
    return commands


def _server_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def _drop_database(name: str) -> None:
    with psycopg.connect(_server_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def _database_names(*names: str):
    try:
        yield names
    finally:
        for name in names:
            _drop_database(name)


def _shell(command: str, cwd: Path, **env: str) -> None:
    result = subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"{command}\n{result.stderr}"
    assert not result.stderr.strip(), f"{command}\n{result.stderr}"


def _snapshot(url: str) -> dict:
    counted = [
        "volunteers_role",
        "volunteers_roleinterest",
        "volunteers_poolmember",
        "notifications_outboundemail",
        "accounts_user",
        "accounts_auditevent",
        "help_requests_comment",
        "help_requests_helprequestevent",
        "django_session",
    ]
    with psycopg.connect(url) as conn:
        snapshot = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in counted
        }
        snapshot["references"] = [
            reference
            for (reference,) in conn.execute(
                "SELECT reference FROM help_requests_helprequest ORDER BY reference"
            )
        ]
        snapshot["outbox"] = sorted(
            conn.execute(
                "SELECT idempotency_key, status FROM notifications_outboundemail"
            ).fetchall()
        )
    return snapshot


SUBMIT = """
from help_requests.services import help_request_submit
from volunteers.services import pool_join
for n in range({count}):
    r = help_request_submit(
        title=f"Backup check {{n}}", description="Kept across a restore.",
        name="Backup tester", email=f"backup-{{n}}@example.org", area="code",
    )
    pool_join(email=f"pool-{{n}}@example.org", name="Pool tester", consent_text="Yes")
    print(r.reference)
"""


def test_a_backup_restores_into_a_fresh_database_with_every_request(tmp_path):
    commands = _readme_backup_commands()
    suffix = uuid.uuid4().hex[:8]
    original, restored = f"psf_backup_{suffix}", f"psf_restored_{suffix}"
    with _database_names(original, restored):
        with psycopg.connect(_server_url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{original}"')
        original_url = _server_url(original)
        # No REDIS_URL: tasks run eagerly and mail goes to the console, so the outbox fills.
        app = Processes(
            {"DATABASE_URL": original_url, "REDIS_URL": "", "EMAIL_URL": "consolemail://"},
            tmp_path,
        )
        app.run("migrate", "--noinput")
        app.run("seed_demo")
        app.run("make_staff", "backup-staff@python.org")
        app.run("shell", "-c", SUBMIT.format(count=5))
        before = _snapshot(original_url)
        assert len(before["references"]) >= 9  # seed_demo's four, plus five
        assert before["volunteers_role"] and before["volunteers_poolmember"] == 5 + len(DEMO_POOL)
        assert before["notifications_outboundemail"] >= 16

        dump, create, restore = commands
        _shell(dump, tmp_path, DATABASE_URL=original_url)
        assert (tmp_path / "psf_helpdesk.dump").stat().st_size > 0
        restored_url = _server_url(restored)
        assert README_DATABASE in create and README_RESTORE_URL in restore
        _shell(create.replace(README_DATABASE, restored), tmp_path, DATABASE_URL=original_url)
        _shell(restore.replace(README_RESTORE_URL, restored_url), tmp_path)

        after = _snapshot(restored_url)
        assert after == before
        # The restored database is usable as it stands: sequences and the reference counter
        # came along, so the next request gets the next reference and no key clashes.
        restored_app = Processes({**app.env, "DATABASE_URL": restored_url}, tmp_path)
        assert "No migrations to apply" in restored_app.run("migrate", "--noinput")
        new_reference = restored_app.run("shell", "-c", SUBMIT.format(count=1)).split()[-1]
        last = max(before["references"])
        assert new_reference == f"{last[:-4]}{int(last[-4:]) + 1:04d}"
        print(
            f"\nbackup: {len(before['references'])} requests, {before['volunteers_role']} roles, "
            f"{before['volunteers_poolmember']} pool members, "
            f"{before['notifications_outboundemail']} outbound e-mails restored identically; "
            f"dump {(tmp_path / 'psf_helpdesk.dump').stat().st_size} bytes"
        )
