"""Starting and stopping the real daemons some tests talk to (clamd, Dovecot): in the
foreground, logging to a file, and waited for until they answer."""

import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path


def daemon_start(
    command: Sequence[str],
    *,
    log: Path,
    answers: Callable[[], bool],
    timeout: float,
    what: str,
    output: Callable[[], str],
    poll: float = 0.02,
) -> subprocess.Popen:
    """Run `command`, its output appended to `log`, until `answers()`; RuntimeError with
    `output()` when it exits first or stays silent for `timeout` seconds."""
    with log.open("ab") as out:
        process = subprocess.Popen(  # a session of its own: daemon_kill ends it, children too
            list(command),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{output()}")
        if answers():
            return process
        time.sleep(poll)
    daemon_stop(process)
    raise RuntimeError(f"{what} did not answer within {timeout} s:\n{output()}")


def daemon_stop(process: subprocess.Popen | None) -> None:
    """Terminate, and kill what does not stop within ten seconds; waits until it is gone."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def daemon_kill(process: subprocess.Popen | None) -> None:
    """Kill the daemon and every process it started, at once: for the end of a session, when
    nothing it would tidy on a clean stop (a pid file, a socket) is kept (Dovecot takes over a
    second to stop cleanly)."""
    if process is not None and process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
