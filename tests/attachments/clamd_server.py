"""A real clamd for the tests: its own config, socket and signature database in a tmp folder.

The official signatures need a network the test machines do not have, so the database is made
here from the EICAR test file: one MD5 signature (md5:size:name, a .hdb file), which clamd
reports as "PSF.Test.EICAR.UNOFFICIAL".
"""

import hashlib
import os
import shutil
import socket
import struct
import subprocess
import time
from pathlib import Path

from ..daemons import daemon_start, daemon_stop

# The EICAR anti-virus test file, put together here so that this source file is not itself
# flagged by a virus scanner.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "PSF.Test.EICAR"


def clamd_path() -> str | None:
    """clamd, on PATH or where Debian's clamav-daemon puts it (/usr/sbin, not on every PATH)."""
    return shutil.which("clamd") or shutil.which("clamd", path="/usr/sbin:/usr/local/sbin")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ClamdServer:
    """clamd in the foreground on 127.0.0.1:<free port> and a unix socket; start, stop, again."""

    def __init__(self, root: Path, binary: str) -> None:
        self.root = root
        self.binary = binary
        self.port = free_port()
        self.socket_path = root / "clamd.sock"
        self.process: subprocess.Popen[bytes] | None = None
        database = root / "db"
        database.mkdir(parents=True, exist_ok=True)
        md5 = hashlib.md5(EICAR, usedforsecurity=False).hexdigest()
        (database / "psf-test.hdb").write_text(f"{md5}:{len(EICAR)}:{SIGNATURE}\n")
        self.config = root / "clamd.conf"
        self.config.write_text(
            "\n".join(
                [
                    "Foreground yes",
                    f"DatabaseDirectory {database}",
                    "TCPAddr 127.0.0.1",
                    f"TCPSocket {self.port}",
                    f"LocalSocket {self.socket_path}",
                    f"LogFile {root / 'clamd.log'}",
                    "LogClean yes",
                    "MaxThreads 4",
                    "StreamMaxLength 12M",
                    "",
                ]
            )
        )

    @property
    def tcp_url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    @property
    def unix_url(self) -> str:
        return f"unix://{self.socket_path}"

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"zPING\0")
                return conn.recv(16).startswith(b"PONG")
        except OSError:
            return False

    def start(self, timeout: float = 60) -> None:
        self.process = daemon_start(  # clamd keeps its own log too
            [self.binary, "--config-file", str(self.config)],
            log=self.root / "clamd.out",
            answers=self.ping,
            timeout=timeout,
            what="clamd",
            output=lambda: (self.root / "clamd.out").read_text(errors="replace"),
            poll=0.05,
        )

    def stop(self) -> None:
        daemon_stop(self.process)
        self.process = None
        if self.socket_path.exists():
            os.unlink(self.socket_path)

    def scans_logged(self) -> list[str]:
        """clamd's own log of what it scanned, one line per stream (LogClean is on)."""
        log = self.root / "clamd.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        return [line for line in text.splitlines() if "instream(" in line]

    def scans_before_a_marker(self) -> list[str]:
        """The streams scanned so far: a stream of our own is scanned last, and the lines logged
        before its own line are returned (clamd logs each stream as it finishes it, so whatever
        was scanned before the marker is in the log by then; no waiting for what does not come).
        """
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as conn:
            marker = f"instream(127.0.0.1@{conn.getsockname()[1]}):"
            conn.sendall(b"zINSTREAM\0" + struct.pack("!L", 6) + b"marker" + struct.pack("!L", 0))
            assert conn.recv(64).startswith(b"stream: OK")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            lines = self.scans_logged()
            for position, line in enumerate(lines):
                if line.startswith(marker):
                    return lines[:position]
            time.sleep(0.01)
        raise AssertionError(f"clamd never logged the marker stream: {lines}")
