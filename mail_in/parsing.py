"""Raw RFC 5322 bytes -> ParsedMail: what intake needs to know, decoded. Never raises.

How a message is read (docs/mail-in.md, "Reading a message"):
- The MIME tree is split here with bytes.find on the original bytes (no copy per level) and
  walked with an explicit stack: at most MAX_DEPTH levels and MAX_PARTS parts; what is skipped
  is said in `problems`, in words for staff.
- text/plain is preferred; HTML-only mail becomes text through inscriptis (no markup kept, the
  words of links kept). A forwarded message (message/rfc822) adds its text below a separator.
- Charsets: the declared one; if it is unknown, or the bytes are not valid in it, UTF-8 is tried,
  then Windows-1252 (Latin-1 as the last resort), and `problems` says so.
- Headers: RFC 2047 encoded words, raw 8-bit (UTF-8 or Windows-1252) and raw ISO-2022-JP.
"""

import base64
import binascii
import codecs
import contextlib
import hashlib
import html
import itertools
import re
import textwrap
from dataclasses import dataclass, field, replace
from email.message import Message
from email.utils import getaddresses
from typing import Any

from inscriptis import get_text

MAX_DEPTH = 40  # MIME levels read; deeper parts are skipped (and said)
MAX_PARTS = 1000  # MIME parts read in one message
MAX_HEADER_BYTES = 256 * 1024  # the header block read for one part
MAX_HEADER_CHARS = 16_000  # of one header value kept in ParsedMail.headers
MAX_TEXT_CHARS = 1_000_000  # of the message's text kept (the raw message is kept whole)
# Of HTML handed to inscriptis in one message (about a second of work on dense markup); more
# HTML has its tags stripped instead.
MAX_HTML_CHARS = 500_000
MAX_REFERENCES = 100  # the newest References kept
MAX_RECIPIENTS = 200
MAX_ID_CHARS = 998  # InboundMessage.message_id
MAX_KEY_CHARS = 255  # InboundMessage.message_key
MAX_NAME_CHARS = 200  # of an attachment's file name

TNEF_PROBLEM = (
    "winmail.dat is Outlook's rich-text format (TNEF): it cannot be opened; ask the sender "
    "to send the message as plain text or the files as PDF."
)


@dataclass(frozen=True)
class MailFile:
    """One attached file as it came: checked later by attachments.checks like any upload."""

    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ParsedMail:
    message_id: str  # without the angle brackets; "" when the message has none
    key: str  # the message_id, or sha256:<hex> of the raw bytes (mid-sha256:<hex> if too long)
    sender_name: str
    sender_email: str  # lower-cased; "" when there is no usable one
    subject: str  # decoded; "" when there is none
    text: str  # the whole body as plain text (HTML converted), quotes included
    recipients: tuple[str, ...] = ()  # To, Cc, Delivered-To, X-Original-To, Envelope-To
    in_reply_to: tuple[str, ...] = ()  # Message-IDs, without angle brackets
    references: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased name -> decoded value
    files: tuple[MailFile, ...] = ()
    bounced: tuple[str, ...] = ()  # failed recipients, for a delivery-status report
    problems: tuple[str, ...] = ()  # what could not be read, in words for staff
    # The top-level multipart/report's report-type, lower-cased ("delivery-status" for a DSN,
    # RFC 3464; "disposition-notification" for a read receipt, RFC 8098); "" otherwise.
    report_type: str = ""
    # A message/delivery-status part was found (outside any forwarded message).
    has_delivery_status: bool = False


# --- bytes -> header lines and body ------------------------------------------------------------

_HEADER_LINE = re.compile(rb"([\x21-\x39\x3b-\x7e]+)[ \t]*:(.*)", re.DOTALL)
_MIME_HEADERS = frozenset({"content-type", "content-disposition", "content-transfer-encoding"})


@dataclass
class _Node:
    """One MIME part: its headers and where its body lies in `buf` (no copy is made)."""

    headers: list[tuple[str, bytes]]
    mime: Message  # only the Content-* headers, for email's parameter parsing
    buf: bytes
    start: int
    end: int
    default_type: str = "text/plain"

    def first(self, name: str) -> bytes | None:
        for header, value in self.headers:
            if header == name:
                return value
        return None

    @property
    def content_type(self) -> str:
        if self.mime.get("content-type") is None:
            return self.default_type
        return self.mime.get_content_type()


def _read_node(
    buf: bytes, start: int, end: int, problems: list[str], default_type: str = "text/plain"
) -> _Node:
    """Split buf[start:end] into its header lines and its body (after the first blank line)."""
    pos = start
    if start == 0 and buf.startswith(b"From "):  # a message saved from an mbox file
        eol = buf.find(b"\n", pos, end)
        pos = end if eol == -1 else eol + 1
    limit = min(end, pos + MAX_HEADER_BYTES)
    names: list[str] = []
    values: list[list[bytes]] = []
    while pos < end:
        if pos >= limit:
            problems.append("A header section was too long; only its start was read.")
            break
        eol = buf.find(b"\n", pos, end)
        line_end, next_pos = (end, end) if eol == -1 else (eol, eol + 1)
        if line_end - pos > MAX_HEADER_BYTES:
            problems.append("A header section was too long; only its start was read.")
            break
        line = buf[pos:line_end]
        if line.endswith(b"\r"):
            line = line[:-1]
        if not line:
            pos = next_pos
            break
        if line[:1] in (b" ", b"\t"):
            if not values:
                break  # a body that starts with indented text
            values[-1].append(line)
        else:
            match = _HEADER_LINE.fullmatch(line)
            if match is None:
                break  # not a header line: the body starts here
            names.append(match[1].decode("ascii").lower())
            values.append([match[2].lstrip(b" \t")])
        pos = next_pos
    headers = [(name, b"".join(parts).strip()) for name, parts in zip(names, values, strict=True)]
    mime = Message()
    for name, value in headers:
        if name in _MIME_HEADERS:
            mime[name] = _header_text(value)
    return _Node(headers, mime, buf, pos, end, default_type)


def _split_multipart(
    node: _Node, boundary: str, budget: int
) -> tuple[list[tuple[int, int]], bool, bool]:
    """The byte ranges of a multipart body's parts, whether it was closed, whether cut short.

    Delimiters are found with bytes.find (fast on big bodies); a delimiter line is "--boundary"
    at a line start, then optional "--" and white space (RFC 2046, 5.1.1)."""
    buf, start, end = node.buf, node.start, node.end
    delimiter = b"--" + boundary.encode("utf-8", "replace")
    found: list[tuple[int, int]] = []  # (where the delimiter line starts, where it ends)
    closed = False
    misses = 0
    pos = start
    while pos < end and len(found) <= budget and misses < 10_000:
        hit = buf.find(delimiter, pos, end)
        if hit == -1:
            break
        pos = hit + len(delimiter)
        if hit != start and buf[hit - 1] != 0x0A:
            misses += 1
            continue
        eol = buf.find(b"\n", pos, end)
        line_end = end if eol == -1 else eol + 1
        rest = buf[pos:line_end]
        is_close = rest.startswith(b"--")
        if (rest[2:] if is_close else rest).strip():
            misses += 1
            continue
        found.append((hit, line_end))
        pos = line_end
        if is_close:
            closed = True
            break
    parts = []
    for (_, body_start), (next_hit, _) in itertools.pairwise(found):
        parts.append((body_start, _before_line_end(buf, body_start, next_hit)))
    if found and not closed:
        parts.append((found[-1][1], end))
    cut = len(parts) > budget
    return parts[:budget], closed, cut


def _before_line_end(buf: bytes, start: int, hit: int) -> int:
    """The CRLF (or LF) before a delimiter belongs to the delimiter, not to the part."""
    if hit > start and buf[hit - 1] == 0x0A:
        hit -= 1
        if hit > start and buf[hit - 1] == 0x0D:
            hit -= 1
    return hit


# --- decoding ----------------------------------------------------------------------------------

_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",  # as browsers read it: mail labelled Latin-1 is mostly Windows-1252
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "ascii",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso-8859-8-i": "iso-8859-8",
    "unicode-1-1-utf-7": "utf-7",
    "x-sjis": "shift_jis",
    "shift-jis": "shift_jis",
}
# Python's own codecs that no mail program means (and that turn escapes into any character).
_NOT_MAIL_CODECS = frozenset(
    {"unicode-escape", "raw-unicode-escape", "punycode", "idna", "undefined", "palmos"}
)
_SURROGATES = re.compile("[\ud800-\udfff]")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HEADER_CONTROLS = re.compile("[\x00-\x1f\x7f]")


def _codec(declared: str) -> str | None:
    """The Python codec for a declared charset; None when unknown or not a text encoding."""
    name = declared.strip().strip("\"'").lower()
    name = _CHARSET_ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_MAIL_CODECS:
        return None
    return info.name


def _decode_bytes(data: bytes, declared: str | None) -> tuple[str, str | None]:
    """Text from bytes in their declared charset, never failing; (text, a problem or None)."""
    codec = _codec(declared) if declared else None
    if codec not in (None, "ascii"):
        try:
            return data.decode(codec), None
        except Exception:  # noqa: S110 - the fallbacks below
            pass
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if declared and codec is None:
            return text, f'Unknown character set "{declared[:40]}": the text was read as UTF-8.'
        return text, None
    if codec not in (None, "ascii", "cp1252"):
        text = data.decode(codec, "replace")
        return text, f"Some characters were not valid {declared}; they were replaced."
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if declared and codec is None:
        return text, (
            f'Unknown character set "{declared[:40]}": the text was read as Windows-1252, '
            "so some characters may be wrong."
        )
    if codec == "ascii":
        return text, "The text was not plain ASCII as declared; it was read as Windows-1252."
    return text, None


def _clean(text: str) -> str:
    """No NUL or lone surrogate reaches the database (PostgreSQL refuses both)."""
    return _SURROGATES.sub("\ufffd", text.replace("\x00", ""))


_ENCODED_WORD = re.compile(r"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?]*)\?=")
_QP_HEX = re.compile(rb"=([0-9A-Fa-f]{2})")


def _encoded_word_bytes(encoding: str, payload: str) -> bytes:
    raw = payload.encode("ascii", "replace")
    if encoding in "bB":
        raw = re.sub(rb"[^A-Za-z0-9+/]", b"", raw)
        raw = raw[: len(raw) - len(raw) % 4] if len(raw) % 4 == 1 else raw
        try:
            return base64.b64decode(raw + b"=" * (-len(raw) % 4))
        except (binascii.Error, ValueError):
            return b""
    return _QP_HEX.sub(lambda m: bytes([int(m[1], 16)]), raw.replace(b"_", b" "))


def _decode_words(value: str) -> str:
    """RFC 2047 encoded words decoded; white space between two words is dropped (6.2), and
    adjacent words of one charset are joined before decoding (a character may be split)."""
    if "=?" not in value:
        return value
    out: list[str] = []
    pending = b""
    pending_charset = ""
    after_word = False
    last = 0

    def flush() -> None:
        nonlocal pending, pending_charset
        if pending:
            out.append(_decode_bytes(pending, pending_charset)[0])
        pending, pending_charset = b"", ""

    for match in _ENCODED_WORD.finditer(value):
        between = value[last : match.start()]
        if between and not (after_word and between.isspace()):
            flush()
            out.append(between)
        charset = match[1]
        if pending and charset.lower() != pending_charset.lower():
            flush()
        pending_charset = charset
        pending += _encoded_word_bytes(match[2], match[3])
        after_word = True
        last = match.end()
    flush()
    out.append(value[last:])
    return "".join(out)


def _header_text(value: bytes) -> str:
    """A raw header value as text: UTF-8 (RFC 6532), else Windows-1252; raw ISO-2022-JP too."""
    try:
        text = value.decode("ascii")
    except UnicodeDecodeError:
        text = _decode_bytes(value, None)[0]
    if "\x1b" in text:
        with contextlib.suppress(UnicodeError, LookupError):
            text = text.encode("ascii").decode("iso-2022-jp")
    return text


def _header_value(value: bytes) -> str:
    """A header as people read it: decoded, unfolded, no control characters."""
    text = _decode_words(_header_text(value[: MAX_HEADER_CHARS * 4]))
    return _clean(_HEADER_CONTROLS.sub(" ", text))[:MAX_HEADER_CHARS]


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- addresses and ids -------------------------------------------------------------------------

_ADDRESS = re.compile(r"[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+\.[^@\s<>()\[\],;:\"\\.]+")
_ANGLE_ID = re.compile(r"<([^<>]*)>")


def usable_address(address: str) -> str:
    """The address lower-cased, or "" when it is not one a reply could go to."""
    address = address.strip().lower()
    if len(address) > 254 or not _ADDRESS.fullmatch(address):
        return ""
    return address


def _addresses(values: list[bytes]) -> list[tuple[str, str]]:
    """(name, address) pairs from address headers; names decoded after parsing (a decoded
    comma in a name must not split it)."""
    texts = [_clean(_HEADER_CONTROLS.sub(" ", _header_text(v[:MAX_HEADER_CHARS]))) for v in values]
    try:
        pairs = getaddresses(texts)
    except Exception:  # a malformed header is no address
        return []
    return [(_one_line(_decode_words(name)), address) for name, address in pairs]


def _message_id(value: bytes | None) -> str:
    if value is None:
        return ""
    text = _clean(_header_text(value[:4096]))
    match = _ANGLE_ID.search(text)
    found = match[1] if match else text
    return "".join(found.split()).strip("<>")


def _ids(value: bytes | None, keep: int) -> tuple[str, ...]:
    """Message-IDs from In-Reply-To or References, without brackets, the last `keep` of them."""
    if value is None:
        return ()
    text = _clean(_header_text(value[-64_000:]))
    found = _ANGLE_ID.findall(text) or text.replace(",", " ").split()
    ids: dict[str, None] = {}
    for item in found:
        cleaned = "".join(item.split()).strip("<>")[:MAX_ID_CHARS]
        if cleaned:
            ids[cleaned] = None
    return tuple(ids)[-keep:]


def _key(message_id: str, raw: bytes) -> str:
    if not message_id:
        return "sha256:" + hashlib.sha256(raw).hexdigest()
    if len(message_id) > MAX_KEY_CHARS:
        return "mid-sha256:" + hashlib.sha256(message_id.encode("utf-8")).hexdigest()
    return message_id


# --- the header fields common to parse_message and parse_headers ------------------------------


def _from_headers(top: _Node, raw: bytes) -> dict[str, Any]:
    headers: dict[str, str] = {}
    for name, value in top.headers:
        if name not in headers:
            headers[name] = _header_value(value)
    sender_name, sender_email = "", ""
    for name, address in _addresses([v for n, v in top.headers if n == "from"]):
        if usable_address(address):
            sender_name, sender_email = name, usable_address(address)
            break
        sender_name = sender_name or name
    recipient_headers = ("to", "cc", "delivered-to", "x-original-to", "envelope-to")
    recipients: dict[str, None] = {}
    for _, address in _addresses([v for n, v in top.headers if n in recipient_headers]):
        address = usable_address(address)
        if address and len(recipients) < MAX_RECIPIENTS:
            recipients[address] = None
    full_id = _message_id(top.first("message-id"))
    report_type = ""
    if top.content_type == "multipart/report":
        report_type = str(top.mime.get_param("report-type", "") or "").strip().lower()
    return {
        "message_id": full_id[:MAX_ID_CHARS],
        "key": _key(full_id, raw),
        "sender_name": sender_name[:MAX_NAME_CHARS],
        "sender_email": sender_email,
        "subject": _one_line(headers.get("subject", "")),
        "recipients": tuple(recipients),
        "in_reply_to": _ids(top.first("in-reply-to"), 10),
        "references": _ids(top.first("references"), MAX_REFERENCES),
        "headers": headers,
        "report_type": report_type,
    }


def parse_headers(raw: bytes) -> ParsedMail:
    """Only the header block (for a message too big to read whole): text "" and no files.

    Give it the whole raw message if the key must match parse_message's (the hash is of raw)."""
    problems: list[str] = []
    try:
        top = _read_node(raw, 0, len(raw), problems)
        fields = _from_headers(top, raw)
    except Exception:  # never raise on what a message holds
        return _unreadable(raw)
    return ParsedMail(text="", problems=tuple(dict.fromkeys(problems)), **fields)


def _unreadable(raw: bytes) -> ParsedMail:
    return ParsedMail(
        message_id="",
        key="sha256:" + hashlib.sha256(raw).hexdigest(),
        sender_name="",
        sender_email="",
        subject="",
        text="",
        problems=("The message could not be read at all; staff can see the raw message.",),
    )


# --- the body ----------------------------------------------------------------------------------


@dataclass
class _Walk:
    """What the walk over the MIME tree gathers."""

    texts: list[str] = field(default_factory=list)
    files: list[MailFile] = field(default_factory=list)
    bounced: dict[str, None] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    has_delivery_status: bool = False
    parts: int = 0
    html_chars: int = 0  # of HTML converted so far (MAX_HTML_CHARS)


_SKIPPED_TYPES = frozenset(
    {
        "application/pgp-signature",  # the signature of multipart/signed, not a file to keep
        "application/pkcs7-signature",
        "application/x-pkcs7-signature",
    }
)
_TNEF_TYPES = frozenset({"application/ms-tnef", "application/vnd.ms-tnef"})
_DELIVERY_STATUS = frozenset({"message/delivery-status", "message/global-delivery-status"})
_EXTENSIONS = {
    "application/pdf": ".pdf",
    "application/zip": ".zip",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "text/plain": ".txt",
    "text/html": ".html",
    "text/csv": ".csv",
    "text/calendar": ".ics",
    "message/rfc822": ".eml",
    "application/ms-tnef": ".dat",
}
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset=[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)


def _payload(node: _Node, walk: _Walk) -> bytes:
    """The part's body with its Content-Transfer-Encoding undone."""
    body = memoryview(node.buf)[node.start : node.end]
    encoding = str(node.mime.get("content-transfer-encoding", "")).strip().lower()
    if encoding == "base64":
        try:
            return binascii.a2b_base64(body)
        except (binascii.Error, ValueError):
            cleaned = re.sub(rb"[^A-Za-z0-9+/]", b"", body)
            cleaned = cleaned[: len(cleaned) - len(cleaned) % 4]
            walk.problems.append("A part was not valid base64; what could be read was kept.")
            try:
                return binascii.a2b_base64(cleaned)
            except (binascii.Error, ValueError):
                return b""
    if encoding == "quoted-printable":
        return binascii.a2b_qp(body)
    return bytes(body)


def _charset(node: _Node) -> str | None:
    try:
        value = node.mime.get_param("charset")
    except Exception:  # a broken parameter is no charset
        return None
    if isinstance(value, tuple):  # RFC 2231 form
        value = value[2]
    return str(value).strip() if value else None


def _text_of(node: _Node, walk: _Walk, html_part: bool) -> str:
    data = _payload(node, walk)
    declared = _charset(node)
    if html_part and not declared:
        meta = _META_CHARSET.search(data[:4096])
        declared = meta[1].decode("ascii") if meta else None
    text, problem = _decode_bytes(data, declared)
    if problem:
        walk.problems.append(problem)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if html_part:
        text = _html_to_text(text, walk)
    elif _param(node, "format").lower() == "flowed":
        text = _unflow(text, delete_space=_param(node, "delsp").lower() == "yes")
    return _clean(text)


def _param(node: _Node, name: str) -> str:
    try:
        value = node.mime.get_param(name)
    except Exception:  # a broken parameter is no parameter
        return ""
    return value[2] if isinstance(value, tuple) else str(value or "")


def _unflow(text: str, *, delete_space: bool) -> str:
    """RFC 3676 format=flowed: a line ending in a space goes on in the next line of the same
    quote depth (Apple Mail and Thunderbird send it); quotes come back as "> "."""
    out: list[str] = []
    paragraph: list[str] = []
    depth = -1
    for line in text.split("\n"):
        quotes = len(line) - len(line.lstrip(">"))
        content = line[quotes:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffing undone
        if paragraph and quotes != depth:
            out.append("> " * depth + "".join(paragraph))
            paragraph = []
        depth = quotes
        if content.endswith(" ") and content != "-- ":
            paragraph.append(content[:-1] if delete_space else content)
            continue
        out.append("> " * depth + "".join(paragraph) + content)
        paragraph = []
    if paragraph:
        out.append("> " * depth + "".join(paragraph))
    return "\n".join(out)


def _html_to_text(markup: str, walk: _Walk) -> str:
    budget = max(0, MAX_HTML_CHARS - walk.html_chars)
    walk.html_chars += len(markup)
    # The text is cut at MAX_TEXT_CHARS anyway: stripping far more markup than that is waste.
    head, rest = markup[:budget], markup[budget : budget + 4 * MAX_TEXT_CHARS]
    text = _inscriptis(head, walk) if head else ""
    if rest:
        walk.problems.append(
            "The message has a lot of HTML: past the first "
            f"{MAX_HTML_CHARS:,} characters its tags were simply removed."
        )
        text += "\n" + _strip_tags(rest)
    return text


def _inscriptis(markup: str, walk: _Walk) -> str:
    try:
        # inscriptis indents by the markup's layout; the common indent says nothing in mail.
        return textwrap.dedent("\n".join(line.rstrip() for line in get_text(markup).split("\n")))
    except Exception:  # inscriptis on broken markup: strip the tags instead
        walk.problems.append("The HTML could not be converted cleanly; its tags were removed.")
        return _strip_tags(markup)


_STYLE_OR_SCRIPT = re.compile(r"<(style|script)\b[^<]*</\1\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def _strip_tags(markup: str) -> str:
    """A plain, linear-time fallback: tags (and simple style or script blocks) removed."""
    return html.unescape(_TAG.sub(" ", _STYLE_OR_SCRIPT.sub(" ", markup)))


def _filename(node: _Node) -> str:
    try:
        name = node.mime.get_filename() or ""
    except Exception:  # a broken parameter is no name
        name = ""
    if isinstance(name, tuple):
        name = name[2]
    name = _one_line(_HEADER_CONTROLS.sub(" ", _decode_words(_clean(str(name)))))
    name = re.split(r"[/\\]", name)[-1].strip()
    if len(name) > MAX_NAME_CHARS:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 16:
            name = stem[: MAX_NAME_CHARS - len(extension) - 1] + "." + extension
        else:
            name = name[:MAX_NAME_CHARS]
    return name


def _add_file(node: _Node, walk: _Walk, name: str) -> None:
    content_type = node.content_type
    data = _payload(node, walk)
    if not name and not data:
        return
    if not name:
        extension = _EXTENSIONS.get(content_type, ".bin")
        name = f"attachment-{len(walk.files) + 1}{extension}"
    if content_type in _TNEF_TYPES or name.lower() == "winmail.dat":
        walk.problems.append(TNEF_PROBLEM)
    walk.files.append(MailFile(name=name, content_type=content_type, data=data))


_STATUS_FIELD = re.compile(rb"^([A-Za-z0-9-]+)[ \t]*:[ \t]*(.*)$")


def _read_delivery_status(node: _Node, walk: _Walk) -> None:
    """RFC 3464: per-recipient blocks; the Final- (or Original-) Recipient of each failed one."""
    walk.has_delivery_status = True
    text = _payload(node, walk)[:1_000_000].replace(b"\r\n", b"\n")
    blocks = re.split(rb"\n[ \t]*\n", text)
    for block in blocks[1:]:  # the first block is about the message, the rest each a recipient
        fields: dict[str, bytes] = {}
        for line in re.sub(rb"\n[ \t]+", b" ", block).split(b"\n"):
            match = _STATUS_FIELD.match(line.strip())
            if match:
                fields.setdefault(match[1].decode("ascii").lower(), match[2].strip())
        if fields.get("action", b"").split(b"(")[0].strip().lower() != b"failed":
            continue
        recipient = fields.get("final-recipient") or fields.get("original-recipient") or b""
        address = usable_address(_header_text(recipient.rpartition(b";")[2]).strip("<> "))
        if address:
            walk.bounced[address] = None


def _forward_header(node: _Node) -> str:
    lines = ["---------- Forwarded message ----------"]
    for name in ("from", "date", "subject", "to"):
        value = node.first(name)
        if value is not None:
            lines.append(f"{name.capitalize()}: {_one_line(_header_value(value))}")
    return "\n".join(lines) + "\n"


def _walk(top: _Node, walk: _Walk) -> None:
    """Depth-first over the MIME tree with a stack: document order, no recursion."""
    # (node, depth, may this part be the body text, inside a forwarded message, inside a report)
    stack: list[tuple[_Node, int, bool, bool, bool]] = [(top, 0, True, False, False)]
    while stack:
        node, depth, body_ok, forwarded, in_report = stack.pop()
        try:
            _visit(node, depth, body_ok, forwarded, in_report, stack, walk)
        except Exception:  # one unreadable part must not lose the others
            walk.problems.append("A part of the message could not be read and was skipped.")


def _visit(
    node: _Node,
    depth: int,
    body_ok: bool,
    forwarded: bool,
    in_report: bool,
    stack: list[tuple[_Node, int, bool, bool, bool]],
    walk: _Walk,
) -> None:
    content_type = node.content_type
    maintype = content_type.partition("/")[0]
    if maintype == "multipart":
        boundary = node.mime.get_boundary()
        if not boundary:
            walk.problems.append("A multipart part has no boundary; it was read as plain text.")
            _leaf(node, "text/plain", body_ok, in_report, walk)
            return
        if depth >= MAX_DEPTH:
            walk.problems.append(f"Parts nested more than {MAX_DEPTH} levels deep were not read.")
            return
        budget = MAX_PARTS - walk.parts
        if budget <= 0:
            walk.problems.append(_too_many_parts())
            return
        ranges, closed, cut = _split_multipart(node, boundary, budget)
        if not ranges:
            walk.problems.append(
                "The message's MIME structure is broken (a boundary was not found); "
                "it was read as plain text."
            )
            _leaf(node, "text/plain", body_ok, in_report, walk)
            return
        if not closed:
            walk.problems.append("A multipart part was not closed; it was read to the end.")
        if cut:
            walk.problems.append(_too_many_parts())
        walk.parts += len(ranges)
        subtype = content_type.partition("/")[2]
        child_default = "message/rfc822" if subtype == "digest" else "text/plain"
        children = [_read_node(node.buf, s, e, walk.problems, child_default) for s, e in ranges]
        allowed = _body_choice(subtype, children, body_ok, walk)
        report = in_report or subtype == "report"
        for child, child_ok in reversed(list(zip(children, allowed, strict=True))):
            stack.append((child, depth + 1, child_ok, forwarded, report))
        return
    if content_type in ("message/rfc822", "message/global"):
        if in_report:
            return  # the returned original of a report: our own mail, not the sender's words
        if depth >= MAX_DEPTH:
            walk.problems.append(f"Parts nested more than {MAX_DEPTH} levels deep were not read.")
            return
        data = node.buf
        start, end = node.start, node.end
        encoding = str(node.mime.get("content-transfer-encoding", "")).strip().lower()
        if encoding in ("base64", "quoted-printable"):
            data = _payload(node, walk)
            start, end = 0, len(data)
        inner = _read_node(data, start, end, walk.problems)
        walk.parts += 1
        if body_ok:
            walk.texts.append(_forward_header(inner))
        stack.append((inner, depth + 1, body_ok, True, in_report))
        return
    if content_type in _DELIVERY_STATUS:
        if not forwarded:
            _read_delivery_status(node, walk)
        return
    if in_report and content_type == "text/rfc822-headers":
        return
    _leaf(node, content_type, body_ok, in_report, walk)


def _too_many_parts() -> str:
    return f"The message has more than {MAX_PARTS:,} parts; only the first {MAX_PARTS:,} were read."


def _leaf(node: _Node, content_type: str, body_ok: bool, in_report: bool, walk: _Walk) -> None:
    if content_type in _SKIPPED_TYPES:
        return
    name = _filename(node)
    disposition = str(node.mime.get("content-disposition", "")).partition(";")[0]
    if name or disposition.strip().lower() == "attachment":
        _add_file(node, walk, name)
    elif content_type in ("text/plain", "text/html"):
        if body_ok:
            walk.texts.append(_text_of(node, walk, html_part=content_type == "text/html"))
    else:
        _add_file(node, walk, name)


def _body_choice(subtype: str, children: list[_Node], body_ok: bool, walk: _Walk) -> list[bool]:
    """Which children may give the body text: in alternative, one (plain preferred, RFC 2046
    5.1.4); in related, the root (RFC 2387); otherwise all."""
    if not body_ok or not children:
        return [False] * len(children)
    if subtype == "related":
        return [index == 0 for index in range(len(children))]
    if subtype != "alternative":
        return [True] * len(children)

    def score(child: _Node) -> int:
        content_type = child.content_type
        attachment = str(child.mime.get("content-disposition", "")).lower().startswith("attach")
        if attachment:
            return 0
        if content_type == "text/plain":
            return 3
        if content_type.startswith("multipart/"):
            return 2
        return 1 if content_type == "text/html" else 0

    scores = [score(child) for child in children]
    best = max(range(len(children)), key=lambda index: (scores[index], -index))
    if scores[best] == 3 and any(0 < s < 3 for s in scores):
        # Some mailers send an empty text/plain beside the real HTML: take the HTML then.
        probe = _Walk()
        if not _text_of(children[best], probe, html_part=False).strip():
            best = max(
                (index for index in range(len(children)) if 0 < scores[index] < 3),
                key=lambda index: (scores[index], -index),
            )
    return [index == best for index in range(len(children))]


def parse_message(raw: bytes) -> ParsedMail:
    """Everything intake needs from one raw message. Never raises, whatever the bytes."""
    try:
        walk = _Walk()
        top = _read_node(raw, 0, len(raw), walk.problems)
        fields = _from_headers(top, raw)
        if not top.headers:
            walk.problems.append("The message has no headers; it may not be an e-mail at all.")
        _walk(top, walk)
    except Exception:  # never raise on what a message holds
        fallback = parse_headers(raw)
        return replace(
            fallback,
            problems=(
                *fallback.problems,
                "The message's structure could not be read; only its headers were used.",
            ),
        )
    text = "\n".join(chunk if chunk.endswith("\n") else chunk + "\n" for chunk in walk.texts)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS]
        walk.problems.append(
            f"The text was cut at {MAX_TEXT_CHARS:,} characters; staff can see the whole message."
        )
    return ParsedMail(
        text=_CONTROLS.sub("", text),
        files=tuple(walk.files),
        bounced=tuple(walk.bounced),
        problems=tuple(dict.fromkeys(walk.problems)),
        has_delivery_status=walk.has_delivery_status,
        **fields,
    )
