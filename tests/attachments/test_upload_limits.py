"""The attachment limits hold while an upload streams: the file over its size, the files over the
total and the eleventh file are dropped by name, and a body far over the limit is cut off after a
few kilobytes, under Django's request parsing and under the real gunicorn."""

import os
import re
import select
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.handlers.wsgi import WSGIRequest

from attachments.uploads import FORM_ALLOWANCE, MB, refused_uploads

from ..end_to_end.stack import free_port, wait_until

BOUNDARY = "----psfhelpdeskboundary"
ROOT = Path(__file__).resolve().parents[2]


def part(name: str, value: bytes, filename: str | None = None) -> bytes:
    disposition = f'form-data; name="{name}"'
    if filename is not None:
        disposition += f'; filename="{filename}"'
    head = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n"
    if filename is not None:
        head += "Content-Type: application/octet-stream\r\n"
    return head.encode() + b"\r\n" + value + b"\r\n"


def body(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


class CountingInput:
    """wsgi.input that counts what is read; `size` bytes long, `head` then filler."""

    def __init__(self, head: bytes, size: int) -> None:
        self.head, self.size, self.read_bytes = head, size, 0

    def _take(self, size: int | None) -> bytes:
        left = self.size - self.read_bytes
        size = left if size is None or size < 0 else min(size, left)
        start = self.read_bytes
        data = self.head[start : start + size]
        data += b"x" * (size - len(data))
        self.read_bytes += len(data)
        return data

    def read(self, size: int | None = -1) -> bytes:
        return self._take(size)

    def readline(self, size: int | None = -1) -> bytes:
        return self._take(size)


def post(data: bytes, *, content_length: int | None = None, stream=None) -> WSGIRequest:
    """A POST as the WSGI server hands it over, parsed with the settings' upload handlers."""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/help/new/",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(len(data) if content_length is None else content_length),
        "wsgi.input": stream or CountingInput(data, len(data)),
    }
    return WSGIRequest(environ)


def kept(request: WSGIRequest) -> list[str]:
    return [str(f.name) for f in request.FILES.getlist("files")]


def test_a_file_over_its_limit_is_refused_by_name_and_the_rest_is_kept():
    request = post(
        body(
            part("csrfmiddlewaretoken", b"token"),
            part("files", b"%PDF-1.4 quote", "quote.pdf"),
            part("files", b"x" * (10 * MB + 1), "budget.xlsx"),
            part("files", b"receipt", "receipt.txt"),
            part("title", b"Our sprint"),
        )
    )

    assert kept(request) == ["quote.pdf", "receipt.txt"]
    assert request.POST["title"] == "Our sprint"  # fields after the dropped file still arrive
    assert refused_uploads(request) == ["budget.xlsx is over 10 MB."]
    assert request.FILES["files"].read() == b"receipt"


def test_files_over_the_total_together_are_refused_from_the_one_that_crosses_it():
    # 9 + 9 + 7.5 MB: each under 10 MB, the body under the cut-off, the third past 25 MB.
    request = post(
        body(
            part("files", b"a" * (9 * MB), "venue.pdf"),
            part("files", b"b" * (9 * MB), "catering.pdf"),
            part("files", b"c" * (15 * MB // 2), "travel.pdf"),
            part("title", b"Budget"),
        )
    )

    assert kept(request) == ["venue.pdf", "catering.pdf"]
    assert refused_uploads(request) == [
        "Your files came to more than 25 MB together; send fewer or smaller files."
    ]
    assert request.POST["title"] == "Budget"


def test_an_eleventh_file_is_refused_by_name():
    files = [part("files", f"receipt {n}".encode(), f"receipt-{n}.txt") for n in range(1, 12)]
    request = post(body(*files))

    assert kept(request) == [f"receipt-{n}.txt" for n in range(1, 11)]
    assert refused_uploads(request) == [
        "receipt-11.txt was not sent: you can send up to 10 files at a time."
    ]


def test_a_body_far_over_the_limit_is_cut_off_before_it_is_read():
    head = body(
        part("csrfmiddlewaretoken", b"token"),
        part("name", b"Ada"),
        part("files", b"x" * (4 * MB), "huge.iso"),
    )[: 2 * MB]  # a 2 GB body: its fields, then a file that never ends
    stream = CountingInput(head, 2 * 1024 * MB)
    request = post(b"", content_length=stream.size, stream=stream)

    assert request.POST["csrfmiddlewaretoken"] == "token"  # the page can still answer
    assert request.POST["name"] == "Ada"
    assert kept(request) == []
    assert refused_uploads(request) == [
        "Your files came to more than 25 MB together; send fewer or smaller files."
    ]
    assert stream.read_bytes <= 128 * 1024  # the fields and the file's first chunk, no more


def test_a_body_of_fields_far_over_the_limit_is_read_no_further_than_the_allowance():
    head = part("name", b"")[: -len(b"\r\n")]  # the field's value is the endless filler
    stream = CountingInput(head, 2 * 1024 * MB)
    request = post(b"", content_length=stream.size, stream=stream)

    request.POST  # noqa: B018 (parses)
    assert stream.read_bytes <= FORM_ALLOWANCE
    assert kept(request) == []
    assert refused_uploads(request)


def test_a_10_mb_upload_is_kept_whole_in_a_temporary_file_not_in_memory():
    content = os.urandom(10 * MB)
    request = post(body(part("csrfmiddlewaretoken", b"t"), part("files", content, "budget.xlsx")))

    upload = request.FILES["files"]
    assert isinstance(upload, TemporaryUploadedFile)
    assert upload.size == 10 * MB
    assert upload.read() == content
    assert refused_uploads(request) == []


def test_a_request_without_files_has_no_refusals():
    request = post(body(part("title", b"Hello")))

    assert request.POST["title"] == "Hello"
    assert refused_uploads(request) == []


def rss_kb(pid: int) -> int:
    found = re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text())
    assert found
    return int(found[1])


@pytest.fixture
def gunicorn(tmp_path):
    """The app as the Procfile serves it: gunicorn's sync workers (one, to watch its memory)."""
    port = free_port()
    gunicorn_bin = Path(sys.executable).parent / "gunicorn"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.attachments.upload_settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(gunicorn_bin), "tests.attachments.upload_app:application",
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_until(lambda: _answers(port), 30, "gunicorn to answer")
        workers = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(server.pid)], capture_output=True, text=True
        ).stdout.split()
        yield port, int(workers[0])
    finally:
        server.terminate()
        server.wait(10)
        log.close()


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"GET /upload/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            return sock.recv(12).startswith(b"HTTP/1.1")
    except OSError:
        return False


def test_gunicorn_answers_a_2_gb_upload_at_once_without_reading_it(gunicorn):
    port, worker = gunicorn
    size = 2 * 1024 * MB
    head = body(part("name", b"Ada"), part("files", b"", "huge.iso"))
    head = head[: head.rindex(b"\r\n--")]  # the file goes on: a client still sending
    rss_before = rss_kb(worker)
    started = time.monotonic()
    response = b""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(
            b"POST /upload/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n".encode()
            + f"Content-Length: {size}\r\n\r\n".encode()
            + head
        )
        # A trickle, as a slow client sends, until the answer comes (or 10 s: 2 GB at this pace
        # would take days, so an answer means the worker stopped reading).
        while time.monotonic() - started < 10:
            readable, _, _ = select.select([sock], [], [], 0.05)
            if readable:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                response += chunk
                continue
            try:
                sock.sendall(b"x" * 64 * 1024)
            except OSError:
                break
    elapsed = time.monotonic() - started

    assert response.startswith(b"HTTP/1.1 413"), response[:200]
    assert b"more than 25 MB together" in response
    assert b"fields=['name']" in response  # what was typed ahead of the file is there
    assert elapsed < 5
    assert rss_kb(worker) - rss_before < 10 * 1024  # kB: nothing of the body was kept
