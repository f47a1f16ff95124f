"""A newcomer runs `make run` and follows only the block it ends with: in under two minutes
they are in the admin's list of help requests as the demo staff member, with an authenticator
app set up as staff meet it.

The real `make run` runs here (migrate, seed_demo, runserver), on a free port and a fresh SQLite
database in a temporary directory; the browser is told nothing the block does not say.
"""

import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, expect

from tests.signin import code_for_secret

from .conftest import TIMEOUT_MS

pytestmark = pytest.mark.e2e

ROOT = Path(settings.BASE_DIR)
RULE = "-" * 72
JOURNEY_SECONDS = 120
START_SECONDS = 300  # migrate and seed on a fresh database, on a busy machine
# What the caller's environment must not decide for `make run`: it reads the defaults.
NOT_PASSED = {
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "EMAIL_URL",
    "SITE_URL",
    "DJANGO_DEBUG",
    "STAFF_MFA_REQUIRED",
    "MAKEFLAGS",
    "MFLAGS",
    "MAKELEVEL",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Console:
    """What a process prints, line by line, read in a thread so its pipe never fills."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def next_line(self, deadline: float) -> str:
        try:
            line = self._queue.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            raise AssertionError("make run printed nothing more:\n" + self.tail()) from None
        if line is None:
            raise AssertionError("make run stopped:\n" + self.tail())
        self.lines.append(line)
        return line

    def tail(self, count: int = 60) -> str:
        return "\n".join(self.lines[-count:])


@pytest.fixture
def make_run(tmp_path: Path) -> Iterator[tuple[subprocess.Popen, Console, int]]:
    """`make run PORT=<free port>` on its own SQLite database; stopped (its whole process
    group: make, the autoreloader and the server) at the end."""
    port = free_port()
    env = {name: value for name, value in os.environ.items() if name not in NOT_PASSED}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env["PYTHONUNBUFFERED"] = "1"
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        yield process, Console(process), port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


def read_block(console: Console) -> tuple[list[str], list[str]]:
    """Everything printed before the block, and the block (between its two rules)."""
    deadline = time.monotonic() + START_SECONDS
    while console.next_line(deadline) != RULE:
        pass
    before = console.lines[:-1]
    block = [RULE]
    while (line := console.next_line(deadline)) != RULE:
        block.append(line)
    return before, [*block, RULE]


def test_a_newcomer_follows_the_block_into_the_help_request_list_in_under_two_minutes(
    make_run, browser: Browser, screenshot
):
    _, console, port = make_run
    before, block = read_block(console)
    started = time.monotonic()
    text = "\n".join(block)
    print(f"\nmake run ended with:\n{text}")

    # Short, and not buried: no e-mail was printed before it.
    assert len(block) < 15, text
    assert not [line for line in before if line.startswith(("Content-Type:", "Subject:"))]
    assert len(before) < 100, "\n".join(before)

    # Only what the block says: the admin's address, the sign-in, the authenticator app.
    admin = re.search(r"^Staff admin: (http://\S+)", text, re.M)[1]
    assert admin.startswith(f"http://127.0.0.1:{port}/"), admin
    email, password = re.search(r"Sign in as (\S+) with the password (.+)$", text, re.M).groups()
    assert "authenticator app" in text
    assert f"SITE_URL=http://127.0.0.1:{port} " in text  # the commands carry the port served

    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        # The server may still be starting as the block is read: try again for a while.
        for _ in range(60):
            try:
                page.goto(admin)
                break
            except Exception:  # connection refused until runserver listens
                time.sleep(0.5)
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
        page.get_by_label("E-mail address").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in", exact=True).click()

        # Straight to the authenticator app: the password is not asked for again.
        expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
        secret = page.get_by_label("Authenticator secret").input_value()
        page.get_by_label("Authenticator code").fill(code_for_secret(secret))
        page.get_by_role("button", name="Set up", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
        page.get_by_role("link", name="Continue to where you were going").click()

        page.get_by_role("link", name="Help requests", exact=True).last.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Help requests")
        expect(page).to_have_url(re.compile(r"/admin/help_requests/helprequest/$"))
        elapsed = time.monotonic() - started
        rows = page.locator("#result_list tbody tr").count()
        screenshot(page, "help-requests")
    except BaseException:
        screenshot(page, "FAILED")
        print("make run printed (last lines):\n" + console.tail())
        raise
    finally:
        context.close()

    print(f"From the block to the help-request list: {elapsed:.1f} s")
    assert elapsed < JOURNEY_SECONDS
    assert rows > 0  # the demo's requests are there to triage
