"""Real-world shapes of incoming mail, built here as raw bytes (no test functions in this module).

Each builder returns the bytes a mail server would hand to intake. The headers are the ones the
named clients and servers send; keyword arguments change what a test cares about (sender, recipient,
subject, Message-ID, what a reply answers). Used by the parsing, intake, door and threading tests.
"""

import base64
import hashlib
import quopri
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

SENDER = "Ada Lovelace <ada@example.org>"
TO = "psf@python.org"
DATE = "Mon, 07 Dec 2026 09:14:03 +0000"


def _crlf(text: str) -> bytes:
    """Header and body lines as a mail server delivers them: CRLF line ends."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("ascii")


def _header_block(pairs: list[tuple[str, str | None]]) -> str:
    return "".join(f"{name}: {value}\n" for name, value in pairs if value is not None)


def _mid(message_id: str | None) -> str | None:
    return None if message_id is None else f"<{message_id.strip('<>')}>"


def _head(
    from_: str, to: str, subject: str, message_id: str | None, *more: tuple[str, str | None]
) -> str:
    """The usual first five headers (no Message-ID when it is None), then `more`, in order."""
    return _header_block(
        [
            ("From", from_),
            ("To", to),
            ("Subject", subject),
            ("Date", DATE),
            ("Message-ID", _mid(message_id)),
            *more,
        ]
    )


def small_pdf(text: str = "Venue quote: 500 USD") -> bytes:
    """A real one-page PDF (catalog, page, font, content stream, cross-reference table)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def plain(
    *,
    from_: str = SENDER,
    to: str = TO,
    subject: str = "Sprint venue for PyCon Lagos",
    message_id: str | None = "CAF1x0a2-plain-0001@mail.example.org",
    text: str = "Hello PSF,\n\nCould you help us find a venue for our sprint?\n\nAda\n",
    extra_headers: tuple[tuple[str, str], ...] = (),
) -> bytes:
    """A plain text/plain message: the simplest shape (other helpers vary the headers)."""
    head = _header_block(
        [
            ("Return-Path", f"<{_address(from_)}>"),
            ("Delivered-To", TO),
            ("From", from_),
            ("To", to),
            ("Subject", subject),
            ("Date", DATE),
            ("Message-ID", _mid(message_id)),
            ("MIME-Version", "1.0"),
            ("Content-Type", 'text/plain; charset="UTF-8"'),
            ("Content-Transfer-Encoding", "8bit"),
            *extra_headers,
        ]
    )
    return (head + "\n").replace("\n", "\r\n").encode("utf-8") + text.replace("\n", "\r\n").encode(
        "utf-8"
    )


def _address(value: str) -> str:
    return value.rsplit("<", 1)[-1].rstrip(">").strip()


def outlook_html_only(
    *,
    from_: str = "Grace Hopper <grace@example.com>",
    to: str = TO,
    subject: str = "Grant for our Django Girls workshop",
    message_id: str | None = "DB9PR03MB7323A1B2C3D4E5F6@DB9PR03MB7323.eurprd03.prod.outlook.com",
) -> bytes:
    """Outlook 16 sending HTML only: Word's markup, a style block, windows-1252, QP."""
    html = (
        '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:'
        'office:office" xmlns:w="urn:schemas-microsoft-com:office:word">\n'
        '<head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">\n'
        '<meta name="Generator" content="Microsoft Word 15 (filtered medium)">\n'
        "<style><!--\n/* Font Definitions */\n@font-face {font-family:Calibri;}\n"
        "p.MsoNormal, li.MsoNormal {margin:0cm; font-size:11.0pt; font-family:Calibri;}\n"
        '--></style><!--[if gte mso 9]><xml><o:shapedefaults v:ext="edit" spidmax="1026" />'
        "</xml><![endif]--></head>\n"
        '<body lang="EN-US" link="#0563C1" vlink="#954F72" style="word-wrap:break-word">\n'
        '<div class="WordSection1">\n'
        '<p class="MsoNormal">Dear PSF team,<o:p></o:p></p>\n'
        '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>\n'
        '<p class="MsoNormal">We\u2019re running a Django Girls workshop in Nairobi and would '
        'like to apply for a grant. The details are on <a href="https://example.com/djangogirls">'
        "our workshop page</a>.<o:p></o:p></p>\n"
        '<p class="MsoNormal"><b>Budget:</b> 1\u00a0200 USD<o:p></o:p></p>\n'
        '<p class="MsoNormal">Kind regards,<o:p></o:p></p>\n'
        '<p class="MsoNormal">Grace<o:p></o:p></p>\n'
        "</div>\n</body>\n</html>\n"
    )
    body = quopri.encodestring(html.encode("cp1252")).decode("ascii")
    head = _header_block(
        [
            ("Received", "from DB9PR03MB7323.eurprd03.prod.outlook.com by mx.python.org; " + DATE),
            ("From", from_),
            ("To", to),
            ("Subject", subject),
            ("Thread-Topic", subject),
            ("Thread-Index", "AdrI3k2fJb0c8rP5S7e0l1XWxq4Z3Q=="),
            ("Date", DATE),
            ("Message-ID", _mid(message_id)),
            ("Accept-Language", "en-US"),
            ("Content-Language", "en-US"),
            ("X-MS-Has-Attach", ""),
            ("X-MS-TNEF-Correlator", ""),
            ("X-Mailer", "Microsoft Outlook 16.0"),
            ("Content-Type", 'text/html; charset="windows-1252"'),
            ("Content-Transfer-Encoding", "quoted-printable"),
            ("MIME-Version", "1.0"),
        ]
    )
    return _crlf(head + "\n" + body)


def apple_mail_quoted_printable(
    *,
    from_: str = SENDER,
    to: str = TO,
    subject: str = "Caf\u00e9 meetup: travel support",
    message_id: str | None = "5E2B7D1C-9A44-4F0B-8C3E-1D2F3A4B5C6D@example.org",
) -> bytes:
    """Apple Mail: multipart/alternative, both parts UTF-8 quoted-printable, soft breaks."""
    text = (
        "Hi there,\n\n"
        "I\u2019m organising the Z\u00fcrich Python caf\u00e9 meetup and we\u2019d love some "
        "travel support for two speakers coming from S\u00e3o Paulo. The total would be about "
        "800\u00a0\u20ac, and we can share receipts afterwards.\n\n"
        "Thanks!\nAda\n"
    )
    html = (
        '<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>'
        '<body style="overflow-wrap: break-word;"><div>Hi there,</div><div><br></div><div>'
        + text.split("\n\n")[1].replace("\n", " ")
        + "</div><div><br></div><div>Thanks!</div><div>Ada</div></body></html>"
    )
    boundary = "Apple-Mail=_0B5E6A11-3C7F-4D8E-9F10-2A3B4C5D6E7F"
    encoded_subject = (
        "=?utf-8?Q?"
        + quopri.encodestring(subject.encode("utf-8"), header=True).decode("ascii")
        + "?="
    )
    head = _header_block(
        [
            ("From", from_),
            ("Content-Type", f'multipart/alternative;\n\tboundary="{boundary}"'),
            ("Mime-Version", "1.0 (Mac OS X Mail 16.0 \\(3774.600.62\\))"),
            ("Subject", encoded_subject),
            ("Message-Id", _mid(message_id)),
            ("Date", DATE),
            ("To", to),
            ("X-Mailer", "Apple Mail (2.3774.600.62)"),
        ]
    )
    qp_text = quopri.encodestring(text.encode("utf-8")).decode("ascii")
    qp_html = quopri.encodestring(html.encode("utf-8")).decode("ascii")
    body = (
        f"\n--{boundary}\nContent-Transfer-Encoding: quoted-printable\n"
        f"Content-Type: text/plain;\n\tcharset=utf-8\n\n{qp_text}\n"
        f"--{boundary}\nContent-Transfer-Encoding: quoted-printable\n"
        f"Content-Type: text/html;\n\tcharset=utf-8\n\n{qp_html}\n--{boundary}--\n"
    )
    return _crlf(head + body)


def gmail_reply_with_history(
    *,
    in_reply_to: str = "hd.HR-2026-0042.1@python.org",
    to: str = "psf+HR-2026-0042.k3x9ab2m@python.org",
    from_: str = SENDER,
    subject: str = "Re: [HR-2026-0042] Your request was received",
    message_id: str | None = "CAJ9mXk2gmail-reply-0042@mail.gmail.com",
    references: str | None = None,
    text: str = "Thanks, the venue is booked for 12 March. Do you need the invoice too?",
) -> bytes:
    """A Gmail reply: alternative parts, the answer on top, "On ... wrote:" and quoted history."""
    quoted = (
        f"{text}\n\nAda\n\n"
        "On Mon, 7 Dec 2026 at 09:02, PSF Helpdesk <psf@python.org> wrote:\n\n"
        "> Hello Ada,\n>\n"
        "> We received your request HR-2026-0042 and will answer within five working days.\n"
        "> You can follow it here: https://helpdesk.python.org/requests/status/abc\n>\n"
        "> The PSF Helpdesk\n>\n"
    )
    html = (
        f'<div dir="ltr">{text}<div><br></div><div>Ada</div></div><br>'
        '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, 7 Dec 2026 at 09:02, '
        "PSF Helpdesk &lt;psf@python.org&gt; wrote:<br></div>"
        '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">Hello Ada,<br><br>'
        "We received your request HR-2026-0042 and will answer within five working days."
        "</blockquote></div>"
    )
    boundary = "000000000000a1b2c3d4e5f60718293a"
    in_reply = _mid(in_reply_to)
    refs = references if references is not None else in_reply
    head = _header_block(
        [
            ("Delivered-To", "psf@python.org"),
            ("MIME-Version", "1.0"),
            ("References", refs),
            ("In-Reply-To", in_reply),
            ("From", from_),
            ("Date", DATE),
            ("Message-ID", _mid(message_id)),
            ("Subject", subject),
            ("To", to),
            ("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
        ]
    )
    body = (
        f'\n--{boundary}\nContent-Type: text/plain; charset="UTF-8"\n\n{quoted}\n'
        f'--{boundary}\nContent-Type: text/html; charset="UTF-8"\n\n{html}\n--{boundary}--\n'
    )
    return _crlf(head + body)


JAPANESE_SUBJECT = "PyCon JP の会場費について"
JAPANESE_TEXT = "PSF の皆様\n\nPyCon JP の会場費の支援をお願いできますか。\n\n佐藤\n"


def iso2022jp_subject(
    *,
    from_: str = "=?ISO-2022-JP?B?GyRCOjRGIxsoQg==?= <sato@example.jp>",
    to: str = TO,
    subject: str = JAPANESE_SUBJECT,
    message_id: str | None = "20261207091403.A1B2C3@mail.example.jp",
) -> bytes:
    """A Japanese mailer: ISO-2022-JP everywhere, the subject as B encoded words, 7bit body."""
    encoded = base64.b64encode(subject.encode("iso-2022-jp")).decode("ascii")
    head = _header_block(
        [
            ("From", from_),
            ("To", to),
            ("Subject", f"=?ISO-2022-JP?B?{encoded}?="),
            ("Date", DATE),
            ("Message-Id", _mid(message_id)),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=ISO-2022-JP"),
            ("Content-Transfer-Encoding", "7bit"),
            ("X-Mailer", "Becky! ver. 2.81.04"),
        ]
    )
    body = JAPANESE_TEXT.encode("iso-2022-jp").replace(b"\n", b"\r\n")
    return _crlf(head + "\n") + body


def out_of_office(
    *,
    from_: str = "Grace Hopper <grace@example.com>",
    to: str = "psf+HR-2026-0042.k3x9ab2m@python.org",
    subject: str = "Automatic reply: [HR-2026-0042] Your request was received",
    message_id: str | None = "ooo-7f3e2a@example.com",
    in_reply_to: str = "hd.HR-2026-0042.1@python.org",
) -> bytes:
    """An out-of-office answer as Exchange sends it (RFC 3834 Auto-Submitted: auto-replied)."""
    return plain(
        from_=from_,
        to=to,
        subject=subject,
        message_id=message_id,
        text="I am out of the office until 4 January with limited access to e-mail.\n",
        extra_headers=(
            ("In-Reply-To", f"<{in_reply_to}>"),
            ("Auto-Submitted", "auto-replied"),
            ("X-Auto-Response-Suppress", "All"),
        ),
    )


def postfix_dsn_bounce(
    *,
    failed: str = "nobody@example.net",
    original_message_id: str = "hd.HR-2026-0042.1@python.org",
    to: str = "psf@python.org",
    message_id: str | None = "20261207091500.4F2A31C0A1@mx.python.org",
) -> bytes:
    """Postfix's RFC 3464 delivery-status report for one failed recipient of a mail we sent."""
    boundary = "4F2A31C0A1.1765098900/mx.python.org"
    head = _header_block(
        [
            ("Return-Path", "<>"),
            ("Delivered-To", to),
            ("Date", DATE),
            ("From", "MAILER-DAEMON@mx.python.org (Mail Delivery System)"),
            ("Subject", "Undelivered Mail Returned to Sender"),
            ("To", to),
            ("Auto-Submitted", "auto-replied"),
            ("MIME-Version", "1.0"),
            (
                "Content-Type",
                f'multipart/report; report-type=delivery-status;\n\tboundary="{boundary}"',
            ),
            ("Content-Transfer-Encoding", "7bit"),
            ("Message-Id", _mid(message_id)),
        ]
    )
    body = (
        "This is a MIME-encapsulated message.\n\n"
        f"--{boundary}\nContent-Description: Notification\n"
        "Content-Type: text/plain; charset=us-ascii\n\n"
        "This is the mail system at host mx.python.org.\n\n"
        "I'm sorry to have to inform you that your message could not\n"
        "be delivered to one or more recipients. It's attached below.\n\n"
        "                   The mail system\n\n"
        f"<{failed}>: host mx.example.net[203.0.113.5] said: 550 5.1.1\n"
        f"    <{failed}>: Recipient address rejected: User unknown (in reply to RCPT TO\n"
        "    command)\n\n"
        f"--{boundary}\nContent-Description: Delivery report\n"
        "Content-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.python.org\n"
        "X-Postfix-Queue-ID: 4F2A31C0A1\n"
        "X-Postfix-Sender: rfc822; psf@python.org\n"
        "Arrival-Date: Mon,  7 Dec 2026 09:14:59 +0000 (UTC)\n\n"
        f"Final-Recipient: rfc822; {failed}\n"
        f"Original-Recipient: rfc822;{failed}\n"
        "Action: failed\n"
        "Status: 5.1.1\n"
        "Remote-MTA: dns; mx.example.net\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <" + failed + ">: Recipient address rejected:\n"
        "    User unknown\n\n"
        f"--{boundary}\nContent-Description: Undelivered Message Headers\n"
        "Content-Type: text/rfc822-headers\n\n"
        "From: PSF Helpdesk <psf@python.org>\n"
        f"To: {failed}\n"
        "Subject: [HR-2026-0042] Your request was received\n"
        f"Message-ID: <{original_message_id}>\n"
        "X-PSF-Helpdesk: HR-2026-0042\n"
        "Auto-Submitted: auto-generated\n\n"
        f"--{boundary}--\n"
    )
    return _crlf(head + "\n" + body)


def mailing_list_post(
    *,
    from_: str = "Guido Example <guido@example.org>",
    to: str = "python-dev@python.org",
    subject: str = "[Python-Dev] PEP 9999: a new thing",
    message_id: str | None = "CAP7+vJKlistpost0001@mail.gmail.com",
) -> bytes:
    """A Mailman post that reached us because psf@python.org is subscribed (List-Id, RFC 2919)."""
    return plain(
        from_=from_,
        to=to,
        subject=subject,
        message_id=message_id,
        text="Hi all, I would like to propose a new thing.\n\n-- \nGuido\n",
        extra_headers=(
            ("Cc", "psf@python.org"),
            ("Precedence", "list"),
            ("List-Id", "Python core development <python-dev.python.org>"),
            ("List-Unsubscribe", "<mailto:python-dev-leave@python.org>"),
            ("List-Post", "<mailto:python-dev@python.org>"),
            ("List-Archive", "<https://mail.python.org/archives/list/python-dev@python.org/>"),
            ("Sender", "python-dev-bounces@python.org"),
        ),
    )


def no_message_id(
    *,
    from_: str = SENDER,
    to: str = TO,
    subject: str = "Sent from a script without a Message-ID",
    text: str = "Hello, this came from a cron job that sets no Message-ID.\n",
) -> bytes:
    """A message some scripts and printers send: no Message-ID header at all."""
    return plain(from_=from_, to=to, subject=subject, message_id=None, text=text)


def malformed_mime(
    *,
    from_: str = SENDER,
    to: str = TO,
    subject: str = "Broken boundary",
    message_id: str | None = "broken-boundary-0001@example.org",
) -> bytes:
    """multipart/mixed whose parts use a boundary other than the declared one, and never close."""
    head = _head(
        from_,
        to,
        subject,
        message_id,
        ("MIME-Version", "1.0"),
        ("Content-Type", 'multipart/mixed; boundary="declared-boundary"'),
    )
    body = (
        "--other-boundary\nContent-Type: text/plain; charset=utf-8\n\n"
        "Our conference needs help with the venue deposit.\n\n"
        "--other-boundary\nContent-Type: application/pdf; name=quote.pdf\n"
        "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQKJ!!!not base64\n"
    )
    return _crlf(head + "\n" + body)


def unknown_charset(
    *,
    from_: str = SENDER,
    to: str = TO,
    subject: str = "=?x-made-up-charset?Q?Caf=E9_grant?=",
    message_id: str | None = "unknown-charset-0001@example.org",
) -> bytes:
    """A body and a subject in a charset nobody knows (the bytes are really windows-1252)."""
    head = _head(
        from_,
        to,
        subject,
        message_id,
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=x-made-up-charset"),
        ("Content-Transfer-Encoding", "8bit"),
    )
    return _crlf(head + "\n") + "Our caf\u00e9 meetup needs 300 \u20ac.\r\n".encode("cp1252")


NESTED_DEPTH = 100


def nested_100_levels(
    *,
    from_: str = SENDER,
    to: str = TO,
    subject: str = "Nested a hundred times",
    message_id: str | None = "nested-100-0001@example.org",
    depth: int = NESTED_DEPTH,
) -> bytes:
    """multipart/mixed inside multipart/mixed `depth` times; text at the top and at the bottom."""
    inner = "Content-Type: text/plain; charset=utf-8\n\nThe very bottom.\n"
    for level in range(depth, 0, -1):
        boundary = f"level-{level}"
        inner = (
            f'Content-Type: multipart/mixed; boundary="{boundary}"\n\n'
            f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n\n"
            + ("Please read the note below.\n" if level == 1 else "")
            + f"\n--{boundary}\n{inner}\n--{boundary}--\n"
        )
    head = _head(
        from_,
        to,
        subject,
        message_id,
        ("MIME-Version", "1.0"),
    )
    return _crlf(head + inner)


def headers_only(
    *,
    from_: str = SENDER,
    to: str = TO,
    subject: str = "Only headers",
    message_id: str | None = "headers-only-0001@example.org",
) -> bytes:
    """Headers and nothing after them: not even the blank line."""
    head = _head(from_, to, subject, message_id)
    return _crlf(head)


def binary_junk(*, size: int = 4096, seed: bytes = b"junk") -> bytes:
    """Bytes that are no e-mail at all (deterministic, incompressible-looking)."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(seed + counter.to_bytes(4, "big")).digest()
        counter += 1
    return bytes(out[:size])


def thirty_mb(
    *,
    from_: str = SENDER,
    to: str = TO,
    subject: str = "Photos from the sprint",
    message_id: str | None = "thirty-mb-0001@example.org",
    megabytes: int = 30,
) -> bytes:
    """A message of about `megabytes` MB: a short text and one big base64 attachment.

    The attachment's base64 lines are built once and repeated, so building it costs little."""
    line = base64.b64encode(bytes(range(57))) + b"\r\n"  # 57 bytes -> one 76-char line
    lines = (megabytes * 1024 * 1024) // len(line)
    boundary = "big-boundary-1"
    head = _head(
        from_,
        to,
        subject,
        message_id,
        ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/mixed; boundary="{boundary}"'),
    )
    top = _crlf(
        head + f"\n--{boundary}\nContent-Type: text/plain; charset=utf-8\n\n"
        "The photos from the sprint are attached.\n\n"
        f"--{boundary}\nContent-Type: application/octet-stream; name=photos.tar\n"
        "Content-Disposition: attachment; filename=photos.tar\n"
        "Content-Transfer-Encoding: base64\n\n"
    )
    return top + line * lines + _crlf(f"\n--{boundary}--\n")


def five_hundred_attachments(
    *,
    from_: str = SENDER,
    to: str = TO,
    subject: str = "All our receipts",
    message_id: str | None = "five-hundred-0001@example.org",
    count: int = 500,
) -> bytes:
    """One text part and `count` small text attachments named receipt-001.txt ..."""
    boundary = "many-parts"
    head = _head(
        from_,
        to,
        subject,
        message_id,
        ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/mixed; boundary="{boundary}"'),
    )
    parts = [
        f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n\nHere are all the receipts.\n"
    ]
    for number in range(1, count + 1):
        parts.append(
            f"--{boundary}\nContent-Type: text/plain; charset=utf-8;"
            f" name=receipt-{number:03d}.txt\n"
            f"Content-Disposition: attachment; filename=receipt-{number:03d}.txt\n\n"
            f"Receipt {number}: 10 USD\n"
        )
    return _crlf(head + "\n" + "".join(parts) + f"--{boundary}--\n")


def tnef_winmail(
    *,
    from_: str = "Grace Hopper <grace@example.com>",
    to: str = TO,
    subject: str = "Invoice for the venue",
    message_id: str | None = "tnef-0001@example.com",
) -> bytes:
    """Outlook in rich-text mode: the text part and winmail.dat (application/ms-tnef)."""
    tnef = b"\x78\x9f\x3e\x22" + b"\x01\x06\x90\x08\x00\x04\x00\x00\x00\x00\x00\x01\x00" * 20
    boundary = "_000_tnef_"
    head = _head(
        from_,
        to,
        subject,
        message_id,
        ("X-MS-Has-Attach", "yes"),
        ("X-MS-TNEF-Correlator", "<tnef-0001@example.com>"),
        ("X-Mailer", "Microsoft Outlook 16.0"),
        ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/mixed; boundary="{boundary}"'),
    )
    body = (
        f"--{boundary}\nContent-Type: text/plain; charset=us-ascii\n\n"
        "Please find the invoice attached.\n\n"
        f'--{boundary}\nContent-Type: application/ms-tnef; name="winmail.dat"\n'
        'Content-Disposition: attachment; filename="winmail.dat"\n'
        "Content-Transfer-Encoding: base64\n\n"
        + base64.encodebytes(tnef).decode("ascii")
        + f"\n--{boundary}--\n"
    )
    return _crlf(head + "\n" + body)


def spam_flagged(
    *,
    from_: str = "Prize Office <winner@example.biz>",
    to: str = TO,
    subject: str = "You have won 1,000,000 USD",
    message_id: str | None = "spam-0001@example.biz",
) -> bytes:
    """What SpamAssassin hands on after scoring a message as spam."""
    return plain(
        from_=from_,
        to=to,
        subject=subject,
        message_id=message_id,
        text="Send us your bank details to claim your prize.\n",
        extra_headers=(
            ("X-Spam-Flag", "YES"),
            ("X-Spam-Status", "Yes, score=14.2 required=5.0 tests=ADVANCE_FEE_4_NEW"),
            ("X-Spam-Level", "**************"),
        ),
    )


def with_pdf_attachment(
    *,
    from_: str = SENDER,
    to: str = TO,
    subject: str = "Venue quote attached",
    message_id: str | None = "with-pdf-0001@example.org",
    text: str = "Hello PSF,\n\nThe venue's quote is attached.\n\nAda\n",
    filename: str = "quote.pdf",
    pdf: bytes | None = None,
) -> bytes:
    """A Thunderbird-style multipart/mixed message: the text and one PDF (a real one)."""
    message = EmailMessage()
    message["From"] = from_
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2026, 12, 7, 9, 14, 3, tzinfo=UTC))
    if message_id is not None:
        message["Message-ID"] = f"<{message_id}>"
    message["User-Agent"] = "Mozilla Thunderbird"
    message.set_content(text)
    message.add_attachment(
        small_pdf() if pdf is None else pdf,
        maintype="application",
        subtype="pdf",
        filename=filename,
    )
    return message.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


# Every shape above by name, for tests that run the whole corpus (each called with its defaults).
BUILDERS = {
    "plain": plain,
    "outlook_html_only": outlook_html_only,
    "apple_mail_quoted_printable": apple_mail_quoted_printable,
    "gmail_reply_with_history": gmail_reply_with_history,
    "iso2022jp_subject": iso2022jp_subject,
    "out_of_office": out_of_office,
    "postfix_dsn_bounce": postfix_dsn_bounce,
    "mailing_list_post": mailing_list_post,
    "no_message_id": no_message_id,
    "malformed_mime": malformed_mime,
    "unknown_charset": unknown_charset,
    "nested_100_levels": nested_100_levels,
    "headers_only": headers_only,
    "binary_junk": binary_junk,
    "thirty_mb": thirty_mb,
    "five_hundred_attachments": five_hundred_attachments,
    "tnef_winmail": tnef_winmail,
    "spam_flagged": spam_flagged,
    "with_pdf_attachment": with_pdf_attachment,
}
