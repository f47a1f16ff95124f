"""Small raw messages for the doors' tests: what they become is intake's business, not theirs."""

import secrets


def raw_message(
    n: int = 1,
    *,
    subject: str | None = None,
    sender: str | None = None,
    message_id: str | None = "",
    body: str = "Could the PSF help us find a venue?",
) -> bytes:
    """One plain message; a fresh Message-ID unless given (None: no Message-ID header)."""
    if message_id == "":
        message_id = f"{secrets.token_hex(8)}.{n}@mail.example.org"
    lines = [
        f"From: Person {n} <{sender or f'person{n}@example.org'}>",
        "To: psf@python.org",
        f"Subject: {subject or f'Question {n}'}",
        "Date: Mon, 07 Dec 2026 09:00:00 +0000",
    ]
    if message_id is not None:
        lines.append(f"Message-ID: <{message_id}>")
    lines += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "", body, ""]
    return "\r\n".join(lines).encode()
