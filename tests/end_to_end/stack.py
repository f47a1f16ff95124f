"""Real processes for end-to-end tests: a Redis server, gunicorn, a Celery worker, SMTP sink."""

import asyncio
import contextlib
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage as Message
from functools import cached_property
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@dataclass
class Received:
    rcpt_tos: list[str]
    content: bytes
    at: float

    @cached_property
    def message(self) -> Message:
        """Parsed when first read, not while the sender waits for the server's answer: a sink
        that parsed each message before answering would slow bigger e-mails more than small
        ones (make bench compares the portal's e-mails with a one-line one)."""
        return message_from_bytes(self.content, policy=policy.default)


@dataclass
class SmtpSink:
    """A real SMTP server on a free port that keeps every message it is given."""

    port: int = field(default_factory=free_port)
    messages: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(Received(list(envelope.rcpt_tos), envelope.content, time.monotonic()))
        return "250 OK"

    def __enter__(self) -> "SmtpSink":
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.rcpt_tos]


class RedisServer:
    """A throw-away redis-server on a free port, which a test can stop and start again."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed"
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: _port_open(self.port), 10, "redis-server to listen")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        wait_until(lambda: not _port_open(self.port), 10, "redis-server to stop")


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class Processes:
    """Start project processes with one environment, log each to a file, stop them all."""

    def __init__(self, env: dict[str, str], logdir: Path) -> None:
        self.env = {**os.environ, **env}
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.logdir = logdir
        self.running: list[subprocess.Popen] = []

    def run(self, *args: str, **extra_env: str) -> str:
        result = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **extra_env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def start(self, name: str, *command: str) -> subprocess.Popen:
        log = open(self.logdir / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [str(BIN / command[0]), *command[1:]],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running.append(process)
        return process

    def start_web(self, port: int) -> str:
        self.start(
            "web",
            "gunicorn",
            "psf_helpdesk.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "30",
        )
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: _port_open(port), 30, "gunicorn to listen")
        return base

    def start_worker(self) -> None:
        self.start(
            "worker",
            "celery",
            "-A",
            "psf_helpdesk",
            "worker",
            "-l",
            "info",
            "--concurrency",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        )
        wait_until(
            lambda: b"ready." in (self.logdir / "worker.log").read_bytes(),
            60,
            "the Celery worker to be ready",
        )

    def stop_all(self) -> None:
        for process in reversed(self.running):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


# One TLS handler for every opener: build_opener would otherwise load the CA bundle each time
# (about 44 ms of CPU a call), which under load competes with the server for the CPU.
_HTTPS = urllib.request.HTTPSHandler(context=ssl.create_default_context())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def submit_help_request(
    base: str, fields: dict[str, str | list[str]]
) -> tuple[int, str, float, float]:
    """GET the form for its CSRF token, POST it like a browser.

    Returns the status, the Location header, when the POST started (time.monotonic) and how
    many seconds it took.
    """
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(jar), _NoRedirect, _HTTPS
    )
    page = opener.open(f"{base}/help/new/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}, doseq=True).encode()
    started = time.monotonic()
    try:
        response = opener.open(f"{base}/help/new/", data=body, timeout=30)
        status, location = response.status, ""
    except urllib.error.HTTPError as redirect:
        status, location = redirect.code, redirect.headers.get("Location", "")
    return status, location, started, time.monotonic() - started


@dataclass
class StallingSmtpSink(SmtpSink):
    """An SMTP server that takes the DATA of the next `stall` messages and never answers it, as
    a server that hangs mid-send; `stalled` counts the messages it is sitting on."""

    stall: int = 0
    stalled: int = 0

    async def handle_DATA(self, server, session, envelope):
        if self.stall > 0:
            self.stall -= 1
            self.stalled += 1
            await asyncio.sleep(3600)
        return await super().handle_DATA(server, session, envelope)


class PostgresServer:
    """A throw-away PostgreSQL cluster on a free port, which a test can stop and start again.

    Made with the machine's own PostgreSQL binaries, run as the `postgres` user when we are root
    (initdb refuses root).
    """

    def __init__(self) -> None:
        self.port = free_port()
        binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        assert binaries, "PostgreSQL server binaries are not installed"
        self.bin = binaries[-1].parent
        self.workdir = Path(tempfile.mkdtemp(prefix="psf-pg-"))
        self.workdir.chmod(0o755)
        self.data = self.workdir / "data"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=60)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.workdir, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
            str(self.workdir / "postgres.log"), "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)
