"""One SMTP connection per worker, kept open from one send to the next.

A pool mailing sends thousands of e-mails through one worker; opening a connection for each
(TCP, TLS, login) costs more than the sending. The connection is kept while its last use was less
than IDLE_SECONDS ago (servers drop idle clients after a minute or more) and the mailer's settings
are unchanged. A send that fails closes it, so the next send starts afresh. Other backends
(console, in-memory) cost nothing to open and get a fresh instance each time.
"""

import contextlib
import smtplib
import threading
import time

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend

IDLE_SECONDS = 30
_kept = threading.local()  # .connection, .config, .used_at: per thread, as SMTP is one dialogue


def _drop() -> None:
    """Forget the kept connection, closing its socket without QUIT: after a failure or a stall
    the server may never answer, and a QUIT would wait for it up to the SMTP timeout."""
    connection = getattr(_kept, "connection", None)
    _kept.connection = None
    if connection is not None and connection.connection is not None:
        with contextlib.suppress(OSError):
            connection.connection.close()
        connection.connection = None


def _connection() -> tuple[BaseEmailBackend, bool]:
    """The default mailer's connection, and whether it is one kept from an earlier send."""
    config = repr(settings.MAILERS.get("default"))
    connection = getattr(_kept, "connection", None)
    if connection is not None:
        fresh_enough = time.monotonic() - _kept.used_at < IDLE_SECONDS
        if fresh_enough and _kept.config == config:
            return connection, True
        _drop()
    connection = mailers.default
    if isinstance(connection, SmtpBackend):
        connection.open()
        _kept.connection, _kept.config = connection, config
    return connection, False


def smtp_send(message: EmailMessage) -> None:
    """Send `message` on the kept connection; raise as EmailMessage.send() does on failure."""
    connection, kept = _connection()
    try:
        try:
            connection.send_messages([message])
        except smtplib.SMTPServerDisconnected:
            if not kept:
                raise
            # The server closed the kept connection while it was idle: once more, on a new one.
            _drop()
            connection, _ = _connection()
            connection.send_messages([message])
    except BaseException:
        _drop()
        raise
    _kept.used_at = time.monotonic()
