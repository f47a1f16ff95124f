"""mail_in's fixtures. The real Dovecot (dovecot, imap_account): tests/mail_in/dovecot.py."""

from .dovecot import dovecot, imap_account  # noqa: F401
