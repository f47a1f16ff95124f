"""What the PSF decides: answer times, volunteer and pool periods, how long personal data is
kept (base.py imports this module; README's "Configuration" lists each variable)."""

import environ

env = environ.Env()

# Help requests: staff promise a first answer within this many working days.
HELPDESK_FIRST_ANSWER_WORKING_DAYS = env.int("HELPDESK_FIRST_ANSWER_WORKING_DAYS", default=3)

# The Insights dashboard keeps each chart's figures this many seconds in the process that drew
# them (the page, then its pictures, read them once); 0 reads afresh every time.
INSIGHTS_CACHE_SECONDS = env.int("INSIGHTS_CACHE_SECONDS", default=60)

# Volunteers: an interest still "new" after this many days is escalated to staff; an unconfirmed
# pool sign-up is deleted after this many days.
VOLUNTEER_INTEREST_ESCALATE_DAYS = env.int("VOLUNTEER_INTEREST_ESCALATE_DAYS", default=7)
POOL_CONFIRM_DAYS = env.int("POOL_CONFIRM_DAYS", default=7)
# Pool mail goes out at most this many e-mails a minute (one batch a minute), for the provider.
POOL_MAIL_PER_MINUTE = env.int("POOL_MAIL_PER_MINUTE", default=600)

# Privacy: how long personal data is kept. /privacy/ states these very values, and the daily
# retention job (privacy.tasks.run_retention) applies them.
RETENTION_SPAM_DAYS = env.int("RETENTION_SPAM_DAYS", default=30)
RETENTION_CLOSED_REQUEST_MONTHS = env.int("RETENTION_CLOSED_REQUEST_MONTHS", default=24)
RETENTION_POOL_LEFT_DAYS = env.int("RETENTION_POOL_LEFT_DAYS", default=30)
RETENTION_EMAIL_CONTEXT_DAYS = env.int("RETENTION_EMAIL_CONTEXT_DAYS", default=90)
# An e-mailed link to someone's data works once, for this long (and its session as long again).
PRIVACY_LINK_MINUTES = env.int("PRIVACY_LINK_MINUTES", default=60)

# Attachments: limits on what people send (checked while the upload streams, and again on the
# files), and the ClamAV daemon that scans each file (tcp://host:3310 or unix:///path/clamd.ctl).
# Without a scanner files are kept as "not scanned"; prod.py refuses to start without one unless
# ATTACHMENT_SCAN_REQUIRED=false.
ATTACHMENT_MAX_FILE_MB = env.int("ATTACHMENT_MAX_FILE_MB", default=10)
ATTACHMENT_MAX_TOTAL_MB = env.int("ATTACHMENT_MAX_TOTAL_MB", default=25)
ATTACHMENT_MAX_FILES = env.int("ATTACHMENT_MAX_FILES", default=10)
ATTACHMENT_SCANNER_URL = env("ATTACHMENT_SCANNER_URL", default="")
ATTACHMENT_SCAN_REQUIRED = env.bool("ATTACHMENT_SCAN_REQUIRED", default=False)
# Each socket operation with clamd (connect, send, the verdict) may take this long; a scan that
# times out leaves the file pending for the sweeper (attachments/scanning.py).
ATTACHMENT_SCAN_TIMEOUT_SECONDS = env.int("ATTACHMENT_SCAN_TIMEOUT_SECONDS", default=30)

# Mail in (mail_in/): psf@ read over IMAPS every minute, and/or a mail server or provider posting
# raw messages to /mail/inbound/ signed with MAIL_INBOUND_SECRET. With neither, intake is off.
# Replies thread back through plus addresses on MAIL_REPLY_TO (psf+HR-2026-0042.k3x9ab2m@...).
MAIL_IMAP_URL = env("MAIL_IMAP_URL", default="")
MAIL_INBOUND_SECRET = env("MAIL_INBOUND_SECRET", default="")
MAIL_REPLY_TO = env("MAIL_REPLY_TO", default="psf@python.org")
# A message over this size is quarantined unread; one sender gets at most this many messages an
# hour taken in (the rest wait in quarantine); raw messages are deleted after this many days.
MAIL_MAX_MESSAGE_MB = env.int("MAIL_MAX_MESSAGE_MB", default=25)
MAIL_SENDER_HOURLY_CAP = env.int("MAIL_SENDER_HOURLY_CAP", default=10)
MAIL_RETENTION_DAYS = env.int("MAIL_RETENTION_DAYS", default=90)
# A reply by mail reopens a resolved or declined request closed at most this many days ago; an
# older one goes to staff to decide.
HELPDESK_REOPEN_DAYS = env.int("HELPDESK_REOPEN_DAYS", default=30)
