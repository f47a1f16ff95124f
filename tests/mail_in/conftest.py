"""mail_in's fixtures. The real Dovecot (dovecot, imap_account) lives in tests/mail_in/dovecot.py."""

from .dovecot import dovecot, imap_account  # noqa: F401
