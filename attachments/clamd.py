"""The ClamAV daemon: one file streamed to clamd (INSTREAM), one verdict back.

clamdpy speaks clamd's protocol, over TCP or a unix socket (README, "Scanning files with
ClamAV"). Every socket operation has ATTACHMENT_SCAN_TIMEOUT_SECONDS; whatever keeps clamd from
giving a verdict (down, slow, out of memory, a file over its StreamMaxLength) is a
`ScannerUnavailable` with a reason staff can act on, and never a verdict: the caller leaves the
file pending.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit

from clamdpy import ClamdNetworkSocket, ClamdUnixSocket
from clamdpy.exceptions import (
    BufferTooLongError,
    ClamdException,
    ResponseError,
)
from clamdpy.exceptions import ConnectionError as ClamdConnectionError
from django.conf import settings
from django.core.checks import CheckMessage, Error

# Bytes per INSTREAM chunk (clamdpy's default of 1 KiB means a write call per KiB).
CHUNK_BYTES = 64 * 1024
URL_FORMS = "tcp://host:port or unix:///path/to/clamd.ctl"


class ScannerUnavailable(Exception):
    """clamd gave no verdict; the message says why (it is kept as the file's scan detail)."""


@dataclass(frozen=True)
class Verdict:
    infected: bool
    signature: str = ""  # what clamd found, e.g. "Win.Test.EICAR_HDB-1"


def scanner_for(url: str, *, timeout: float) -> ClamdNetworkSocket:
    """The client for ATTACHMENT_SCANNER_URL; ValueError naming the forms it takes."""
    parts = urlsplit(url)
    if parts.scheme == "tcp" and parts.hostname and parts.port:
        return ClamdNetworkSocket(
            host=parts.hostname, port=parts.port, timeout=timeout, max_chunk_size=CHUNK_BYTES
        )
    if parts.scheme == "unix" and parts.path and not parts.netloc:
        return ClamdUnixSocket(path=parts.path, timeout=timeout, max_chunk_size=CHUNK_BYTES)
    raise ValueError(f"ATTACHMENT_SCANNER_URL must be {URL_FORMS}, not {url!r}.")


def _reason(exc: BaseException) -> str:
    """clamdpy's exceptions carry their text in attributes, not in args."""
    if isinstance(exc, BufferTooLongError):
        return "clamd refused the file as longer than its StreamMaxLength (clamd.conf)."
    if isinstance(exc, ClamdConnectionError):
        return f"clamd could not be reached: {exc.msg}"
    if isinstance(exc, ResponseError):
        return f"clamd answered with an error: {exc.error}"
    if isinstance(exc, (BrokenPipeError, ConnectionResetError)):
        # clamd drops a stream past its limit; it may do so before its answer can be read.
        return (
            "clamd closed the connection while the file was sent: longer than its "
            "StreamMaxLength (clamd.conf), or clamd stopped."
        )
    return f"clamd could not be reached: {type(exc).__name__}: {exc}"


def scan_stream(stream: IO[bytes], *, url: str | None = None) -> Verdict:
    """Send `stream` to clamd; its verdict, or ScannerUnavailable with the reason."""
    url = settings.ATTACHMENT_SCANNER_URL if url is None else url
    if not url:
        raise ScannerUnavailable("No scanner is set (ATTACHMENT_SCANNER_URL).")
    client = scanner_for(url, timeout=settings.ATTACHMENT_SCAN_TIMEOUT_SECONDS)
    try:
        result = client.instream(stream)
    except (ClamdException, OSError) as exc:  # OSError: a timeout while sending the chunks
        raise ScannerUnavailable(_reason(exc)) from exc
    if result.status == "FOUND":
        return Verdict(infected=True, signature=result.reason or "unnamed")
    if result.status == "OK":
        return Verdict(infected=False)
    raise ScannerUnavailable(f"clamd could not scan the file: {result.reason}")


def scanner_url_check(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """A system check: a scanner address that cannot work is a start-up error, not a file
    left pending for ever."""
    url = settings.ATTACHMENT_SCANNER_URL
    if not url:
        return []
    try:
        scanner_for(url, timeout=1)
    except ValueError as exc:
        return [Error(str(exc), hint=f"Set it to {URL_FORMS}.", id="attachments.E001")]
    return []
