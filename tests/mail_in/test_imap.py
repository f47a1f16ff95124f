"""The mailbox door against a real Dovecot: new mail in once, moved after its commit, nothing lost.

What a message becomes is intake's business (tests/mail_in/test_intake*.py); here: each message
is recorded exactly once, moved to Processed only after its commit, and a mailbox that is down,
reset or read by two workers loses nothing and takes nothing twice.
"""

import threading

import pytest
from django.db import DatabaseError, connections

from mail_in import imap
from mail_in.imap import mailbox_poll
from mail_in.models import InboundMessage, MailboxState

from ..concurrency import errors, run_together
from ..conftest import ON_POSTGRES
from .dovecot import Account, free_port
from .mails import raw_message

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """A worker killed where this is raised (not an Exception: nothing may catch it)."""


def state_of(account: Account, folder: str = "INBOX") -> MailboxState:
    return MailboxState.objects.get(mailbox=f"{account.name}@127.0.0.1/{folder}")


def test_new_mail_is_taken_in_once_and_moved_to_processed_unread(imap_account):
    imap_account.deliver(*(raw_message(n) for n in (1, 2, 3)))

    result = mailbox_poll(url=imap_account.url())

    assert (result.taken, result.duplicates, result.errors, result.error) == (3, 0, 0, "")
    assert sorted(InboundMessage.objects.values_list("subject", "door")) == [
        ("Question 1", "imap"),
        ("Question 2", "imap"),
        ("Question 3", "imap"),
    ]
    assert imap_account.subjects("INBOX") == []
    assert imap_account.subjects("Processed") == ["Question 1", "Question 2", "Question 3"]
    assert not any(b"\\Seen" in flags for flags in imap_account.flags("Processed"))
    state = state_of(imap_account)
    assert state.last_uid == 3 and state.uidvalidity
    assert state.last_ok_at is not None and state.last_error == ""
    assert "password" not in state.mailbox and imap_account.password not in state.mailbox


def test_a_second_poll_takes_nothing_and_then_only_what_is_new(imap_account):
    imap_account.deliver(raw_message(1), raw_message(2))
    mailbox_poll(url=imap_account.url())

    again = mailbox_poll(url=imap_account.url())
    assert (again.taken, again.duplicates, again.moved_late) == (0, 0, 0)

    imap_account.deliver(raw_message(3))
    later = mailbox_poll(url=imap_account.url())
    assert (later.taken, later.duplicates) == (1, 0)
    assert InboundMessage.objects.count() == 3
    assert imap_account.subjects("Processed") == ["Question 1", "Question 2", "Question 3"]


def test_a_worker_killed_between_commit_and_move_makes_no_duplicate(imap_account, monkeypatch):
    imap_account.deliver(raw_message(1), raw_message(2))
    real_move = imap._move

    def killed(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(imap, "_move", killed)
    with pytest.raises(Killed):
        mailbox_poll(url=imap_account.url())
    # The first message is committed; it was never moved, and the second never read.
    assert list(InboundMessage.objects.values_list("subject", flat=True)) == ["Question 1"]
    assert imap_account.subjects("INBOX") == ["Question 1", "Question 2"]

    monkeypatch.setattr(imap, "_move", real_move)
    result = mailbox_poll(url=imap_account.url())

    assert (result.taken, result.duplicates, result.moved_late) == (1, 0, 1)
    assert sorted(InboundMessage.objects.values_list("subject", flat=True)) == [
        "Question 1",
        "Question 2",
    ]
    assert imap_account.subjects("INBOX") == []
    assert imap_account.subjects("Processed") == ["Question 1", "Question 2"]


def test_a_kill_before_the_move_then_a_lost_state_still_makes_no_duplicate(
    imap_account, monkeypatch
):
    imap_account.deliver(raw_message(1))
    real_move = imap._move
    monkeypatch.setattr(imap, "_move", lambda *a, **k: (_ for _ in ()).throw(Killed))
    with pytest.raises(Killed):
        mailbox_poll(url=imap_account.url())
    MailboxState.objects.all().delete()  # e.g. restored from an older backup
    monkeypatch.setattr(imap, "_move", real_move)

    result = mailbox_poll(url=imap_account.url())

    assert (result.taken, result.duplicates) == (0, 1)
    assert InboundMessage.objects.count() == 1
    assert imap_account.subjects("INBOX") == []
    assert imap_account.subjects("Processed") == ["Question 1"]


def test_a_message_that_cannot_be_stored_stays_in_the_mailbox(imap_account, monkeypatch):
    """The move comes after the commit: when the commit fails, nothing is moved."""
    imap_account.deliver(raw_message(1), raw_message(2))

    def database_down(**kwargs):
        raise DatabaseError("could not write")

    monkeypatch.setattr(imap, "mail_intake", database_down)
    failed = mailbox_poll(url=imap_account.url())

    assert (failed.taken, failed.errors) == (0, 1)
    assert "UID 1" in failed.error and "could not write" in failed.error
    assert state_of(imap_account).last_error == failed.error
    assert imap_account.subjects("INBOX") == ["Question 1", "Question 2"]
    assert imap_account.subjects("Processed") == []

    monkeypatch.undo()
    result = mailbox_poll(url=imap_account.url())
    assert (result.taken, result.errors, result.error) == (2, 0, "")
    assert state_of(imap_account).last_error == ""
    assert imap_account.subjects("Processed") == ["Question 1", "Question 2"]


def test_a_message_another_worker_took_meanwhile_is_not_taken_again(imap_account, monkeypatch):
    """Each message's transaction re-reads last_uid under the row lock: a poll that read the
    state before another worker moved it on takes nothing twice (on any database)."""
    imap_account.deliver(raw_message(1), raw_message(2))
    real_move = imap._move
    monkeypatch.setattr(imap, "_move", lambda *args: None)  # the other worker, not moved yet
    mailbox_poll(url=imap_account.url())
    assert state_of(imap_account).last_uid == 2
    calls: list[int] = []
    intake = imap.mail_intake

    def counted(*, raw, door):
        calls.append(1)
        return intake(raw=raw, door=door)

    monkeypatch.setattr(imap, "_move", real_move)
    monkeypatch.setattr(imap, "_restart_if_new_uidvalidity", lambda state_pk, uidvalidity: 0)
    monkeypatch.setattr(imap, "mail_intake", counted)

    result = mailbox_poll(url=imap_account.url())

    assert (result.taken, result.duplicates, calls) == (0, 0, [])
    assert InboundMessage.objects.count() == 2


def test_a_new_uidvalidity_reads_the_folder_again_without_duplicates(imap_account):
    first = raw_message(1)
    imap_account.deliver(first, raw_message(2), folder="Support")
    mailbox_poll(url=imap_account.url("Support"))
    before = state_of(imap_account, "Support")
    assert before.last_uid == 2

    # The folder is made anew (a server migration, a restore): UIDs start from 1 again. One
    # message taken in before comes back; one is new, with a UID below the old last_uid.
    imap_account.recreate("Support")
    imap_account.deliver(first, raw_message(3), folder="Support")
    result = mailbox_poll(url=imap_account.url("Support"))

    assert (result.taken, result.duplicates) == (1, 1)
    assert InboundMessage.objects.count() == 3
    after = state_of(imap_account, "Support")
    assert after.uidvalidity != before.uidvalidity and after.last_uid == 2
    assert imap_account.subjects("Support") == []


def test_a_mailbox_that_is_down_loses_nothing_and_is_read_when_it_is_back(imap_account):
    imap_account.deliver(raw_message(1), raw_message(2))
    # The same mailbox on a port nobody listens on: what a stopped server answers.
    listening = f"127.0.0.1:{imap_account.server.imaps_port}/"
    down_url = imap_account.url().replace(listening, f"127.0.0.1:{free_port()}/")

    down = mailbox_poll(url=down_url)

    assert down.taken == 0 and "ConnectionRefusedError" in down.error
    state = state_of(imap_account)
    assert state.last_error == down.error and state.last_polled_at is not None
    assert state.last_ok_at is None
    assert not InboundMessage.objects.exists()

    back = mailbox_poll(url=imap_account.url())

    assert (back.taken, back.error) == (2, "")
    state.refresh_from_db()
    assert state.last_error == "" and state.last_ok_at is not None
    assert imap_account.subjects("Processed") == ["Question 1", "Question 2"]


def test_a_refused_login_is_recorded_without_the_password(imap_account):
    imap_account.deliver(raw_message(1))
    wrong = imap_account.url().replace(
        imap_account.url().split("@127.0.0.1")[0].rsplit(":", 1)[1], "wrong%40password"
    )

    result = mailbox_poll(url=wrong)

    assert result.taken == 0 and "LoginError" in result.error
    assert "wrong" not in state_of(imap_account).last_error
    assert imap_account.subjects("INBOX") == ["Question 1"]


def test_tls_is_verified_a_self_signed_server_needs_its_ca(imap_account):
    imap_account.deliver(raw_message(1))
    without_ca = imap_account.url().split("?")[0]

    result = mailbox_poll(url=without_ca)

    assert result.taken == 0 and "CERTIFICATE_VERIFY_FAILED" in result.error
    assert imap_account.subjects("INBOX") == ["Question 1"]


@pytest.mark.parametrize("options", [{}, {"starttls": "yes"}])
def test_imap_with_starttls_or_plain_on_loopback(imap_account, options):
    imap_account.deliver(raw_message(1))
    result = mailbox_poll(url=imap_account.url(scheme="imap", **options))
    assert (result.taken, result.error) == (1, "")


def test_without_move_the_message_is_copied_deleted_and_expunged(imap_account, monkeypatch):
    imap_account.deliver(raw_message(1), raw_message(2))
    has = imap.IMAPClient.has_capability
    monkeypatch.setattr(
        imap.IMAPClient, "has_capability", lambda self, name: name != "MOVE" and has(self, name)
    )

    result = mailbox_poll(url=imap_account.url(processed="Done"))

    assert result.taken == 2
    assert imap_account.subjects("INBOX") == []
    assert imap_account.subjects("Done") == ["Question 1", "Question 2"]


def test_a_message_over_the_size_limit_is_read_only_up_to_it(imap_account, settings, monkeypatch):
    settings.MAIL_MAX_MESSAGE_MB = 1
    limit = 1024 * 1024
    imap_account.deliver(raw_message(1, body="x" * (limit + 200_000)), raw_message(2))
    seen: list[int] = []
    intake = imap.mail_intake

    def measured(*, raw, door):
        seen.append(len(raw))
        return intake(raw=raw, door=door)

    monkeypatch.setattr(imap, "mail_intake", measured)
    result = mailbox_poll(url=imap_account.url())

    assert result.taken == 2
    assert seen[0] == limit + 1 and seen[1] < 1000
    assert imap_account.subjects("Processed") == ["Question 1", "Question 2"]


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://...")
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_take_each_message_once(imap_account):
    imap_account.deliver(*(raw_message(n) for n in range(1, 7)))

    results = run_together(3, lambda n: mailbox_poll(url=imap_account.url()))

    assert not errors(results)
    assert sum(r.taken for r in results) == 6 and sum(r.duplicates for r in results) == 0
    assert InboundMessage.objects.count() == 6
    assert imap_account.subjects("INBOX") == []
    assert len(imap_account.subjects("Processed")) == 6


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://...")
@pytest.mark.django_db(transaction=True)
def test_a_second_worker_returns_without_reading_while_the_first_reads(imap_account):
    imap_account.deliver(raw_message(1))
    url = imap_account.url()
    state = MailboxState.objects.create(mailbox=f"{imap_account.name}@127.0.0.1/INBOX")
    reading, done = threading.Event(), threading.Event()

    def first_worker() -> None:
        try:
            with imap.mailbox_lock(state) as held:
                assert held
                reading.set()
                done.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=first_worker)
    thread.start()
    try:
        assert reading.wait(10)
        second = mailbox_poll(url=url)
    finally:
        done.set()
        thread.join(10)

    assert second.busy and second.taken == 0
    assert not InboundMessage.objects.exists()
    assert imap_account.subjects("INBOX") == ["Question 1"]
    assert mailbox_poll(url=url).taken == 1  # the lock went with the first worker
