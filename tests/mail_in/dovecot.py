"""A real Dovecot for the mailbox door's tests: its own config, certificate, users and maildirs.

Dovecot runs in the foreground (`dovecot -F -c <tmp>/dovecot.conf`) on two free ports of
127.0.0.1: IMAP (plain and STARTTLS) and IMAPS, with a self-signed certificate made here for
127.0.0.1 (the tests pass it as `?ca=` in the URL, so TLS is verified as in production). Users
are a passwd-file of throwaway accounts, one per test (`imap_account`); Dovecot re-reads the file
when it changes, so adding one needs no restart. Nothing touches the system's own Dovecot,
its users or its ports.

Run as root (this container, CI), Dovecot refuses to let its login process or a mail user be
root: the login process runs as Debian's `dovenull`, the internal services as `dovecot`, and the
mail as the `dovecot` user, in a folder it can reach (0711 above it). As anyone else, everything
runs as that user.

The tests are skipped, saying why, where Dovecot is not installed; under CI=true a missing Dovecot
fails them instead (.ci/run installs dovecot-imapd), as for clamd (tests/attachments/conftest.py).
"""

import contextlib
import datetime
import grp
import ipaddress
import itertools
import os
import pwd
import secrets
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from imapclient import IMAPClient

from ..daemons import daemon_kill, daemon_start

DOVECOT = "/usr/sbin/dovecot"
_accounts = itertools.count(1)
ACCOUNTS = 40  # written at start, one for each test


def dovecot_path() -> str | None:
    return shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/usr/local/sbin")


def require_dovecot() -> str:
    binary = dovecot_path()
    if binary:
        return binary
    reason = "dovecot is not installed (apt-get install dovecot-imapd): real-IMAP tests not run"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{reason}, and CI must run them", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def self_signed(cert: Path, key: Path) -> None:
    """A certificate for 127.0.0.1 and localhost, valid for two days."""
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:  # pragma: no cover - cryptography is locked; openssl as a fallback
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2",
             "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
            check=True, capture_output=True,
        )  # fmt: skip
        return
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key.chmod(0o600)


@dataclass(frozen=True)
class Account:
    """A throwaway IMAP user on a DovecotServer."""

    server: "DovecotServer"
    name: str
    password: str

    def url(self, folder: str = "INBOX", *, scheme: str = "imaps", **options: str) -> str:
        """The MAIL_IMAP_URL of this account's `folder` (the test CA added as ?ca=)."""
        port = self.server.imaps_port if scheme == "imaps" else self.server.imap_port
        query = "&".join(
            f"{k}={quote(v)}" for k, v in {"ca": str(self.server.cert), **options}.items()
        )
        user = quote(self.name, safe="")
        password = quote(self.password, safe="")
        return f"{scheme}://{user}:{password}@127.0.0.1:{port}/{quote(folder)}?{query}"

    @contextlib.contextmanager
    def client(self) -> Iterator[IMAPClient]:
        """A client of our own, as a person's mail program would be."""
        context = ssl.create_default_context(cafile=str(self.server.cert))
        client = IMAPClient("127.0.0.1", self.server.imaps_port, ssl_context=context, timeout=10)
        client.login(self.name, self.password)
        try:
            yield client
        finally:
            client.logout()

    def deliver(self, *messages: bytes, folder: str = "INBOX") -> None:
        """New mail, by IMAP APPEND (unread, as delivery leaves it)."""
        with self.client() as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            for raw in messages:
                client.append(folder, raw)

    def subjects(self, folder: str = "INBOX") -> list[str]:
        """The Subject of each message in `folder` (empty when there is no such folder), and
        checks that nothing there was marked read by the door (it reads with BODY.PEEK)."""
        with self.client() as client:
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            uids = client.search(["ALL"])
            found = client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (SUBJECT)]", "FLAGS"])
            subjects = []
            for uid in sorted(found):
                header = found[uid][b"BODY[HEADER.FIELDS (SUBJECT)]"].decode().strip()
                subjects.append(header.removeprefix("Subject:").strip())
            return subjects

    def flags(self, folder: str = "INBOX") -> list[tuple[bytes, ...]]:
        with self.client() as client:
            client.select_folder(folder, readonly=True)
            found = client.fetch(client.search(["ALL"]), ["FLAGS"])
            return [found[uid][b"FLAGS"] for uid in sorted(found)]

    def recreate(self, folder: str) -> None:
        """Delete and create `folder` again: a new UIDVALIDITY, UIDs from 1 again."""
        with self.client() as client:
            client.delete_folder(folder)
            client.create_folder(folder)


class DovecotServer:
    """dovecot -F on 127.0.0.1:<free ports>; start, stop, start again; users added any time."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        # Not under pytest's tmp folder: its 0700 parents would keep the mail user out, and
        # Dovecot's sockets need a short path.
        self.root = Path(tempfile.mkdtemp(prefix="psf-dovecot-"))
        self.mail = self.root / "mail"
        self.mail.mkdir()
        self.imap_port, self.imaps_port = free_port(), free_port()
        self.cert, self.key = self.root / "cert.pem", self.root / "key.pem"
        self.users = self.root / "users"
        self.users.write_text("")
        self.process: subprocess.Popen[bytes] | None = None
        self.spare: list[Account] = []
        self_signed(self.cert, self.key)
        if os.geteuid() == 0:
            self.root.chmod(0o711)
            self.mail.chmod(0o711)
            mail_user, login_user = "dovecot", "dovenull"
            self.config_user = "root"  # the auth service reads the users file in a 0700 folder
        else:
            mail_user = login_user = pwd.getpwuid(os.geteuid()).pw_name
            self.config_user = mail_user
        entry = pwd.getpwnam(mail_user)
        self.mail_uid, self.mail_gid = entry.pw_uid, entry.pw_gid
        group = grp.getgrgid(entry.pw_gid).gr_name
        self.config = self.root / "dovecot.conf"
        self.config.write_text(
            f"""
base_dir = {self.root}/run
state_dir = {self.root}/state
instance_name = psf-test-{self.root.name}
log_path = {self.root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{self.cert}
ssl_key = <{self.key}
# Plain LOGIN only on this loopback listener: the tests' imap:// (and STARTTLS) mailboxes.
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = {mail_user}
default_internal_group = {group}
default_login_user = {login_user}
first_valid_uid = 1
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.users}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {self.users}
  default_fields = uid={self.mail_uid} gid={self.mail_gid} home={self.mail}/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
  # No auth penalty: the wrong-password test would delay the next tests' logins by seconds.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service auth {{
  user = {self.config_user}
}}
"""
        )
        self._write_accounts(ACCOUNTS)

    def _write_accounts(self, count: int) -> None:
        """Accounts to hand out, written before the server reads the file: Dovecot notices a
        changed passwd-file only when it looks again, and not within the same second."""
        lines = []
        for _ in range(count):
            name = f"user{next(_accounts)}@example.org"
            password = secrets.token_urlsafe(12) + "@/%"  # characters the URL must encode
            home = self.mail / name
            home.mkdir()
            os.chown(home, self.mail_uid, self.mail_gid)
            lines.append(f"{name}:{{PLAIN}}{password}:::::\n")
            self.spare.append(Account(self, name, password))
        with self.users.open("a") as users:
            users.writelines(lines)

    def add_account(self) -> Account:
        """An account nobody used before (more are written, and waited for, when they run out)."""
        if not self.spare:
            self._write_accounts(ACCOUNTS)
            time.sleep(1.1)  # once per ACCOUNTS tests at most
        return self.spare.pop(0)

    def greets(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.imap_port), timeout=1) as conn:
                return conn.recv(64).startswith(b"* OK")
        except OSError:
            return False

    def start(self, timeout: float = 30) -> None:
        self.process = daemon_start(
            [self.binary, "-F", "-c", str(self.config)],
            log=self.root / "dovecot.out",
            answers=self.greets,
            timeout=timeout,
            what="dovecot",
            output=self.log,
        )

    def remove(self) -> None:
        """Gone, with its folder (users, mail, pid file and all)."""
        daemon_kill(self.process)
        self.process = None
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        parts = [self.root / "dovecot.out", self.root / "dovecot.log"]
        return "\n".join(p.read_text(errors="replace") for p in parts if p.exists())[-4000:]


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    """One Dovecot for the session (per xdist worker), stopped and removed at the end."""
    server = DovecotServer(require_dovecot())
    try:
        server.start()
        yield server
    finally:
        server.remove()


@pytest.fixture
def imap_account(dovecot: DovecotServer) -> Account:
    """A fresh, empty mailbox for one test."""
    return dovecot.add_account()
