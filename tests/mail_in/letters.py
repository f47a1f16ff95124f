"""Messages as mail clients and mail servers write them, built for the intake tests."""

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.utils import timezone


def letter(
    *,
    sender: str = "Grace Hopper <grace@example.org>",
    to: str = "psf@python.org",
    subject: str = "Help with our meetup",
    body: str = "Could the PSF help us find a room?",
    message_id: str | None = "",
    headers: dict[str, str] | None = None,
) -> bytes:
    """A plain text message; message_id="" makes a fresh one, None leaves it out."""
    message = EmailMessage()
    if sender:
        message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    if message_id is not None:
        message["Message-ID"] = f"<{message_id}>" if message_id else make_msgid("grace")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()


def bounce(*, failed: str, diagnostic: str = "smtp; 550 5.1.1 User unknown") -> bytes:
    """A Postfix delivery-status report (RFC 3464) for one failed recipient."""
    report = EmailMessage()
    report["From"] = "MAILER-DAEMON@mx.example.org (Mail Delivery System)"
    report["To"] = "noreply@python.org"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Message-ID"] = make_msgid("bounce")
    report["Auto-Submitted"] = "auto-replied"  # Postfix marks its reports too
    report.set_content("I'm sorry to have to inform you that your message could not be delivered.")
    report.make_mixed()
    status = EmailMessage()
    status.set_content(
        f"Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; {failed}\n"
        f"Action: failed\nStatus: 5.1.1\nDiagnostic-Code: {diagnostic}\n",
        subtype="delivery-status",
    )
    report.attach(status)
    raw = report.as_bytes()
    # EmailMessage cannot spell multipart/report itself; the bytes are what servers send.
    return raw.replace(
        b"Content-Type: multipart/mixed;",
        b"Content-Type: multipart/report; report-type=delivery-status;",
        1,
    )
