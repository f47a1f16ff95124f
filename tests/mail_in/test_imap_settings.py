"""MAIL_IMAP_URL: what it means, that a password never crosses a network in clear, the beat task."""

import socket
import threading

import pytest
from django.conf import settings as django_settings

from mail_in import tasks
from mail_in.imap import MailboxURLError, mailbox_poll, mailbox_url_parse
from mail_in.models import MailboxState


def test_the_url_names_user_password_host_folder_and_options():
    target = mailbox_url_parse(
        "imaps://psf%40python.org:p%40ss%2Fw:rd@imap.example.org/Support%20desk"
        "?ca=/etc/ssl/private-ca.pem&processed=Archive"
    )
    assert (target.username, target.password) == ("psf@python.org", "p@ss/w:rd")
    assert (target.host, target.port, target.security) == ("imap.example.org", 993, "imaps")
    assert (target.folder, target.processed) == ("Support desk", "Archive")
    assert target.ca_file == "/etc/ssl/private-ca.pem"
    assert target.label == "psf@python.org@imap.example.org/Support desk"
    assert "p@ss" not in repr(target)


def test_defaults_inbox_and_processed():
    target = mailbox_url_parse("imaps://psf:secret@imap.example.org")
    assert (target.folder, target.processed, target.ca_file) == ("INBOX", "Processed", None)


@pytest.mark.parametrize(
    ("url", "security", "port"),
    [
        ("imap://psf:secret@imap.example.org/INBOX", "starttls", 143),
        ("imap://psf:secret@10.0.0.5:1143/INBOX", "starttls", 1143),
        ("imap://psf:secret@127.0.0.1/INBOX", "plain", 143),
        ("imap://psf:secret@localhost/INBOX", "plain", 143),
        ("imap://psf:secret@[::1]/INBOX", "plain", 143),
        ("imap://psf:secret@127.0.0.1/INBOX?starttls=yes", "starttls", 143),
    ],
)
def test_plain_imap_is_only_for_loopback_anything_else_needs_starttls(url, security, port):
    target = mailbox_url_parse(url)
    assert (target.security, target.port) == (security, port)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("pop3://psf:secret@mail.example.org", "must start with imaps://"),
        ("imaps://mail.example.org/INBOX", "needs user:password@"),
        ("imaps://psf@mail.example.org/INBOX", "needs user:password@"),
        ("imaps://psf:secret@mail.example.org/INBOX?verify=no", "unknown options: verify"),
        ("imaps://psf:secret@mail.example.org/INBOX?processed=INBOX", "must not be the one"),
        ("imaps://psf:secret@mail.example.org:99999/", "not a URL"),
    ],
)
def test_a_url_that_cannot_be_used_says_why_without_the_password(url, words):
    with pytest.raises(MailboxURLError) as caught:
        mailbox_url_parse(url)
    assert words in str(caught.value) and "secret" not in str(caught.value)


class NoStartTLSServer:
    """An IMAP server on 127.0.0.1 that offers no STARTTLS, and writes down every line it gets."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.received: list[bytes] = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        conn, _ = self.listener.accept()
        with conn, conn.makefile("rwb") as stream:
            stream.write(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n")
            stream.flush()
            for line in stream:
                self.received.append(line)
                tag, _, command = line.decode().partition(" ")
                if command.upper().startswith("CAPABILITY"):
                    stream.write(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n")
                    stream.write(f"{tag} OK done\r\n".encode())
                elif command.upper().startswith("LOGOUT"):
                    stream.write(f"* BYE\r\n{tag} OK bye\r\n".encode())
                    stream.flush()
                    return
                else:
                    stream.write(f"{tag} BAD not here\r\n".encode())
                stream.flush()

    def close(self) -> None:
        self.listener.close()
        self.thread.join(5)


@pytest.mark.django_db
def test_without_starttls_the_password_is_never_sent():
    server = NoStartTLSServer()
    try:
        result = mailbox_poll(url=f"imap://psf:s3cret@127.0.0.1:{server.port}/INBOX?starttls=yes")
    finally:
        server.close()

    assert result.taken == 0 and "STARTTLS" in result.error
    assert not any(b"s3cret" in line or b"LOGIN" in line.upper() for line in server.received)
    assert MailboxState.objects.get().last_error == result.error


def test_the_beat_reads_the_mailbox_every_minute():
    entry = next(
        e
        for e in django_settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "mail_in.tasks.poll_mailbox"
    )
    assert entry["schedule"].total_seconds() == 60


def test_the_task_does_nothing_without_a_mailbox(settings, monkeypatch):
    settings.MAIL_IMAP_URL = ""
    monkeypatch.setattr(tasks, "mailbox_poll", lambda **kw: pytest.fail("read a mailbox"))
    assert tasks.poll_mailbox.apply().result == {}


@pytest.mark.django_db
def test_the_task_never_raises_when_the_mailbox_is_down(settings):
    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]
    settings.MAIL_IMAP_URL = f"imaps://psf:secret@127.0.0.1:{port}/INBOX"

    outcome = tasks.poll_mailbox.apply()

    assert outcome.successful()
    assert outcome.result["taken"] == 0 and "ConnectionRefusedError" in outcome.result["error"]
    assert MailboxState.objects.get().last_error == outcome.result["error"]


def test_the_task_never_raises_even_when_the_database_is_down(settings, monkeypatch):
    settings.MAIL_IMAP_URL = "imaps://psf:secret@127.0.0.1/INBOX"

    def broken(**kwargs):
        raise RuntimeError("database unreachable")

    monkeypatch.setattr(tasks, "mailbox_poll", broken)
    outcome = tasks.poll_mailbox.apply()
    assert outcome.successful() and "error" in outcome.result
