"""mail_in's fixtures: a real Dovecot (dovecot, imap_account: tests/mail_in/dovecot.py), and the
conversation handler help_requests registers, named for the tests that rely on it."""

import pytest

from mail_in import extensions

from .dovecot import dovecot, imap_account  # noqa: F401


@pytest.fixture
def conversations_handler():
    """The handler help_requests registered at start-up (help_requests/mail.py)."""
    handler = extensions.conversations()
    assert handler is not None, "help_requests registers its handler in AppConfig.ready()"
    return handler
