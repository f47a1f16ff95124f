"""/healthz against a real Redis broker: it reuses one connection, and still notices when the
broker goes away (a pooled connection must not hide a dead broker).

The broker is reached through a small TCP relay the test can cut, in a fresh process that reads
its broker URL from the environment.
"""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import urllib.parse

import pytest

from .conftest import ON_REDIS
from .test_real_services import BASE_DIR

pytestmark = [pytest.mark.redis, pytest.mark.skipif(not ON_REDIS, reason="needs REDIS_URL")]


class Relay:
    """Forwards TCP connections to Redis until cut; counts the connections it was asked for."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        with contextlib.suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)  # wakes the accept() blocked on it
        self.server.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


PROBES = """
import sys, time
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()  # testserver is an allowed host, as in the suite
client = Client()
for n in range(20):
    assert client.get("/healthz").status_code == 200
print("up", flush=True)
sys.stdin.readline()  # the test cuts the relay, then says go
started = time.monotonic()
response = client.get("/healthz")
print(response.status_code, response.json()["broker"], round(time.monotonic() - started, 2))
"""


def test_healthz_keeps_one_broker_connection_and_notices_the_broker_gone():
    redis_url = urllib.parse.urlsplit(os.environ["REDIS_URL"])
    relay = Relay(redis_url.hostname or "127.0.0.1", redis_url.port or 6379)
    probe = subprocess.Popen(
        [sys.executable, "-c", PROBES],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "psf_helpdesk.settings.test",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{relay.port}{redis_url.path or '/0'}",
        },
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert probe.stdout.readline().strip() == "up", probe.stderr.read()
        assert relay.connections <= 2  # twenty probes, not twenty connections
        relay.cut()
        out, err = probe.communicate("go\n", timeout=30)
    finally:
        probe.kill()
        relay.cut()
    status, broker, seconds = out.split()
    assert (status, broker) == ("503", "down"), err
    assert float(seconds) < 5
