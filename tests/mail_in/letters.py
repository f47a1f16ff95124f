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
    """A Postfix delivery-status report (RFC 3464) for one failed recipient, as Postfix writes
    it (it marks its reports Auto-Submitted too)."""
    return f"""\
From: MAILER-DAEMON@mx.example.org (Mail Delivery System)
To: noreply@python.org
Subject: Undelivered Mail Returned to Sender
Message-ID: {make_msgid("bounce")}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
 boundary="B1"

--B1
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not be delivered.

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; {failed}
Action: failed
Status: 5.1.1
Diagnostic-Code: {diagnostic}

--B1--
""".replace("\n", "\r\n").encode()
