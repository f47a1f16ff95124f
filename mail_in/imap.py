"""The mailbox door: read new mail from one IMAP folder, take each message in once, then move it.

docs/mail-in.md, "Doors", explains the order of the steps; README, "Mail in", the URL. In short:

- MAIL_IMAP_URL names the mailbox: `imaps://user%40host:password@imap.example.org:993/INBOX`.
  `imap://` means STARTTLS, required, except to a loopback address (a local test server or
  bridge), where it may be plain. TLS is always verified; `?ca=/path/ca.pem` adds a CA file for a
  private or self-signed server. `?processed=Folder` renames the folder read mail goes to.
- MailboxState keeps UIDVALIDITY and the last UID taken in. A new UIDVALIDITY starts again from
  UID 0: what was taken in before is stopped by intake's unique message key.
- Each message is one transaction: `mail_intake` and the new `last_uid`. Only after the commit is
  the message moved to "Processed". A worker killed in between leaves it in the folder; the next
  run finds it at or below `last_uid` (or, after a reset, as a duplicate) and moves it then.
- On PostgreSQL one worker reads a mailbox at a time (an advisory lock for the whole poll); the
  row lock of each message's transaction re-checks `last_uid` on every database.
- An unreachable server, a refused login or a broken connection is recorded on MailboxState
  (`last_error`, `last_polled_at`) and returned, never raised: nothing was moved that was not
  committed, so the next run reads everything that is left.
"""

import ipaddress
import logging
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from itertools import batched
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from imapclient import IMAPClient, SocketTimeout
from imapclient.exceptions import IMAPClientError

from .models import InboundMessage, MailboxState
from .services import mail_intake

logger = logging.getLogger(__name__)

# UIDs asked for their size in one FETCH, and bytes of message fetched in one FETCH.
UID_BATCH = 100
FETCH_BYTES = 8 * 1024 * 1024
CONNECT_SECONDS = 10
READ_SECONDS = 60
# pg_try_advisory_lock(LOCK_SPACE, MailboxState.pk): the first key says "a mailbox poll".
LOCK_SPACE = 21021

Security = Literal["imaps", "starttls", "plain"]
_OPTIONS = frozenset({"ca", "processed", "starttls"})
_YES = frozenset({"1", "yes", "true", "on"})


class MailboxURLError(ValueError):
    """MAIL_IMAP_URL cannot be used; the message names what is wrong, never the password."""


@dataclass(frozen=True)
class MailboxURL:
    host: str
    port: int
    security: Security
    username: str
    password: str
    folder: str
    processed: str
    ca_file: str | None

    @property
    def label(self) -> str:
        """MailboxState.mailbox: user@host/folder, without the password."""
        return f"{self.username}@{self.host}/{self.folder}"[:300]

    def __repr__(self) -> str:  # never the password, in a traceback or a debugger
        return f"MailboxURL({self.security}://{self.label}:{self.port})"


@dataclass
class PollResult:
    """What one poll did: messages newly taken in, ones taken in before, and what went wrong."""

    mailbox: str = ""
    taken: int = 0
    duplicates: int = 0
    errors: int = 0
    moved_late: int = 0  # committed by an earlier run that stopped before moving them
    busy: bool = False  # another worker was reading this mailbox: nothing done
    error: str = ""  # why the mailbox could not be read (or not to the end)

    @property
    def ok(self) -> bool:
        return not self.error

    def counts(self) -> dict[str, int | bool | str]:
        return {
            "mailbox": self.mailbox,
            "taken": self.taken,
            "duplicates": self.duplicates,
            "errors": self.errors,
            "moved_late": self.moved_late,
            "busy": self.busy,
            "error": self.error,
        }


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def mailbox_url_parse(url: str) -> MailboxURL:
    """MAIL_IMAP_URL -> MailboxURL; MailboxURLError says what is wrong (never the password)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise MailboxURLError(f"MAIL_IMAP_URL is not a URL ({exc})") from None
    if parts.scheme not in {"imaps", "imap"}:
        raise MailboxURLError("MAIL_IMAP_URL must start with imaps:// (or imap:// for STARTTLS)")
    host = parts.hostname or ""
    if not host:
        raise MailboxURLError("MAIL_IMAP_URL names no host")
    if not parts.username or parts.password is None:
        raise MailboxURLError(
            "MAIL_IMAP_URL needs user:password@ before the host (write @ in the user as %40)"
        )
    options = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(options) - _OPTIONS
    if unknown:
        raise MailboxURLError(f"MAIL_IMAP_URL has unknown options: {', '.join(sorted(unknown))}")
    starttls = options.get("starttls", ["no"])[-1].lower() in _YES
    security: Security
    if parts.scheme == "imaps":
        security = "imaps"
    elif starttls or not _is_loopback(host):
        # A password never crosses a network in clear: plain IMAP is for a loopback server only.
        security = "starttls"
    else:
        security = "plain"
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    processed = options.get("processed", ["Processed"])[-1] or "Processed"
    if processed == folder:
        raise MailboxURLError("MAIL_IMAP_URL: the processed folder must not be the one read")
    return MailboxURL(
        host=host,
        port=port or (993 if security == "imaps" else 143),
        security=security,
        username=unquote(parts.username),
        password=unquote(parts.password),
        folder=folder,
        processed=processed,
        ca_file=options.get("ca", [""])[-1] or None,
    )


def _describe(exc: BaseException, target: MailboxURL) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    if target.password:
        text = text.replace(target.password, "[password]")
    return text[:1000]


@contextmanager
def _connected(target: MailboxURL) -> Iterator[IMAPClient]:
    """A logged-in client; TLS is verified before the password is sent, whatever the mode."""
    context = ssl.create_default_context(cafile=target.ca_file)
    client = IMAPClient(
        target.host,
        port=target.port,
        ssl=target.security == "imaps",
        ssl_context=context,
        timeout=SocketTimeout(connect=CONNECT_SECONDS, read=READ_SECONDS),
    )
    try:
        if target.security == "starttls":
            # Raises when the server does not offer it: the login below is never reached.
            client.starttls(context)
        client.login(target.username, target.password)
        yield client
    finally:
        try:
            client.logout()
        except (IMAPClientError, OSError):
            with suppress(IMAPClientError, OSError):
                client.shutdown()


@contextmanager
def mailbox_lock(state: MailboxState) -> Iterator[bool]:
    """True when this process may read the mailbox; False when another worker is reading it.

    PostgreSQL: a session advisory lock on the state's id, held for the whole poll and released
    even when the worker dies (its connection closes). A row lock (select_for_update) could not
    be held across the poll: each message commits on its own, and that commit would end it.
    Other databases have no such lock; the per-message row lock and the unique message key
    still take each message in once."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_SPACE, state.pk])
        held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_SPACE, state.pk])


def mailbox_poll(*, url: str | None = None) -> PollResult:
    """Read MAIL_IMAP_URL (or `url`) once: new messages in, each moved after its commit.

    Never raises for the mailbox's sake (down, refused, broken): the error is recorded on the
    MailboxState and returned in PollResult.error. A database that is down does raise."""
    given = settings.MAIL_IMAP_URL if url is None else url
    if not given:
        return PollResult(error="MAIL_IMAP_URL is not set: no mailbox to read")
    try:
        target = mailbox_url_parse(given)
    except MailboxURLError as exc:
        return PollResult(error=str(exc))
    state, _ = MailboxState.objects.get_or_create(mailbox=target.label)
    result = PollResult(mailbox=target.label)
    with mailbox_lock(state) as held:
        if not held:
            result.busy = True
            return result
        try:
            with _connected(target) as client:
                _read(client, target, state.pk, result)
        except (IMAPClientError, OSError) as exc:  # OSError: refused, TLS, time-outs
            result.error = _describe(exc, target)
        now = timezone.now()
        changes: dict[str, object] = {"last_polled_at": now, "last_error": result.error}
        if result.ok:
            changes["last_ok_at"] = now
        MailboxState.objects.filter(pk=state.pk).update(**changes)
    log = logger.warning if result.error else logger.info
    log("mail.poll", extra=result.counts())
    return result


def _restart_if_new_uidvalidity(state_pk: int, uidvalidity: int) -> int:
    """The last UID taken in under this UIDVALIDITY; 0 (and recorded) when it changed."""
    with transaction.atomic():
        state = MailboxState.objects.select_for_update().get(pk=state_pk)
        if state.uidvalidity != uidvalidity:
            state.uidvalidity, state.last_uid = uidvalidity, 0
            state.save(update_fields=["uidvalidity", "last_uid"])
        return state.last_uid


def _move(client: IMAPClient, target: MailboxURL, uids: list[int]) -> None:
    """To the processed folder: MOVE where the server has it, else COPY, \\Deleted, UID EXPUNGE.

    Without UIDPLUS the copies stay flagged \\Deleted in the folder (a plain EXPUNGE would also
    remove what people flagged); the search for leftovers skips them."""
    if not uids:
        return
    if client.has_capability("MOVE"):
        client.move(uids, target.processed)
        return
    client.copy(uids, target.processed)
    client.add_flags(uids, [b"\\Deleted"])
    if client.has_capability("UIDPLUS"):
        client.uid_expunge(uids)


def _uids(client: IMAPClient, criteria: list[str | bytes]) -> list[int]:
    return sorted(int(uid) for uid in client.search(criteria))


def _read(client: IMAPClient, target: MailboxURL, state_pk: int, result: PollResult) -> None:
    if not client.folder_exists(target.processed):
        client.create_folder(target.processed)
    selected = client.select_folder(target.folder)
    uidvalidity = int(selected[b"UIDVALIDITY"])
    last_uid = _restart_if_new_uidvalidity(state_pk, uidvalidity)

    # Committed by an earlier run that stopped before moving them: move them now.
    if last_uid:
        leftover = [
            uid
            for uid in _uids(client, ["UID", f"1:{last_uid}", "NOT", "DELETED"])
            if uid <= last_uid
        ]
        _move(client, target, leftover)
        result.moved_late += len(leftover)

    # "n:*" always matches the highest UID, even one below n: keep only the new ones.
    new = [uid for uid in _uids(client, ["UID", f"{last_uid + 1}:*"]) if uid > last_uid]
    limit = settings.MAIL_MAX_MESSAGE_MB * 1024 * 1024
    for chunk in batched(new, UID_BATCH):
        sizes = client.fetch(list(chunk), ["RFC822.SIZE"])
        for group in _fetch_groups([uid for uid in chunk if uid in sizes], sizes, limit):
            for uid, raw in _fetch(client, group, sizes, limit):
                if not _take_in(state_pk, uidvalidity, uid, raw, result):
                    return
                # After the commit, never before: a crash here leaves it for the next run.
                _move(client, target, [uid])


def _fetch_groups(
    uids: list[int], sizes: dict[int, dict[bytes, object]], limit: int
) -> Iterator[list[int]]:
    """UIDs in order, in groups of at most FETCH_BYTES (a message over it is a group alone)."""
    group: list[int] = []
    total = 0
    for uid in uids:
        size = int(sizes[uid].get(b"RFC822.SIZE", 0) or 0)  # type: ignore[call-overload]
        if group and total + min(size, limit + 1) > FETCH_BYTES:
            yield group
            group, total = [], 0
        group.append(uid)
        total += min(size, limit + 1)
    if group:
        yield group


def _fetch(
    client: IMAPClient, group: list[int], sizes: dict[int, dict[bytes, object]], limit: int
) -> Iterator[tuple[int, bytes]]:
    """(uid, raw) in UID order, read with BODY.PEEK so nothing is marked read.

    A message over MAIL_MAX_MESSAGE_MB is read only up to the limit plus one byte: enough for
    intake to see its headers and that it is too big (it quarantines it for size), never the
    whole of a 2 GB message in memory."""
    whole = [uid for uid in group if int(sizes[uid][b"RFC822.SIZE"]) <= limit]  # type: ignore[call-overload]
    fetched: dict[int, bytes] = {}
    if whole:
        for uid, data in client.fetch(whole, ["BODY.PEEK[]"]).items():
            if b"BODY[]" in data:
                fetched[uid] = bytes(data[b"BODY[]"])
    for uid in group:
        if uid in whole:
            continue
        data = client.fetch([uid], [f"BODY.PEEK[]<0.{limit + 1}>"]).get(uid, {})
        if b"BODY[]<0>" in data:
            fetched[uid] = bytes(data[b"BODY[]<0>"])
    for uid in group:
        if uid in fetched:  # gone since the search (deleted by someone): nothing to take
            yield uid, fetched[uid]


def _take_in(state_pk: int, uidvalidity: int, uid: int, raw: bytes, result: PollResult) -> bool:
    """One message, one transaction: intake and the new last_uid. False: stop this poll."""
    try:
        with transaction.atomic():
            state = MailboxState.objects.select_for_update().get(pk=state_pk)
            if state.uidvalidity != uidvalidity or uid <= state.last_uid:
                return False  # another worker got here first (or reset the state): stop
            _, created = mail_intake(raw=raw, door=InboundMessage.Door.IMAP)
            state.last_uid = uid
            state.save(update_fields=["last_uid"])
    except Exception as exc:  # the database or storage, not the message: intake never raises on it
        result.errors += 1
        result.error = f"UID {uid} could not be taken in ({type(exc).__name__}: {exc})"[:1000]
        logger.exception("mail.poll_message_failed", extra={"mailbox": result.mailbox, "uid": uid})
        return False
    if created:
        result.taken += 1
    else:
        result.duplicates += 1
    return True
