"""Property tests: random bytes and random MIME trees never make reading mail raise (no DB)."""

import base64
import quopri
import urllib.parse

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mail_in.classify import Kind, classify, visible_reply
from mail_in.parsing import MailFile, ParsedMail, parse_headers, parse_message

# Examples: the profile (tests/conftest.py).
FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _holds_up(mail: ParsedMail) -> None:
    """What intake relies on, whatever came in."""
    assert mail.key and len(mail.key) <= 255
    assert len(mail.message_id) <= 998
    for text in (mail.text, mail.subject, mail.sender_name, *mail.headers.values()):
        assert "\x00" not in text
        text.encode("utf-8")  # no lone surrogates (PostgreSQL would refuse them)
    assert mail.sender_email == mail.sender_email.lower()
    assert all(isinstance(file, MailFile) and file.name for file in mail.files)
    assert all(isinstance(file.data, bytes) and len(file.name) <= 200 for file in mail.files)
    assert isinstance(classify(mail), Kind)
    assert isinstance(visible_reply(mail.text), str)


HEADERISH = st.sampled_from(
    [
        b"",
        b"From: Ada <ada@example.org>\r\nSubject: =?utf-8?b?w6k=?=\r\n",
        b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n",
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\n"
        b"Content-Type: message/delivery-status\r\n\r\n",
        b"Content-Type: text/html; charset=x-bogus\r\nContent-Transfer-Encoding: base64\r\n\r\n",
        b"Message-ID: <",
    ]
)


@FAST
@given(head=HEADERISH, junk=st.binary(max_size=3000))
def test_random_bytes_never_raise_and_always_give_a_key(head, junk):
    raw = head + junk
    _holds_up(parse_message(raw))
    _holds_up(parse_headers(raw))


# --- random MIME trees -------------------------------------------------------------------------

CHARSETS = ["utf-8", "iso-8859-1", "iso-2022-jp", "shift_jis", "x-bogus", "base64", "utf-7", ""]
ENCODINGS = ["7bit", "8bit", "base64", "quoted-printable", "x-uuencode", ""]
LEAF_TYPES = [
    "text/plain",
    "text/html",
    "text/calendar",
    "application/pdf",
    "image/png",
    "application/ms-tnef",
    "message/delivery-status",
    "text/rfc822-headers",
    "application/pgp-signature",
    "nonsense",
]
SUBTYPES = ["mixed", "alternative", "related", "report", "digest", "signed"]

leaves = st.fixed_dictionaries(
    {
        "type": st.sampled_from(LEAF_TYPES),
        "charset": st.sampled_from(CHARSETS),
        "encoding": st.sampled_from(ENCODINGS),
        "filename": st.one_of(st.none(), st.text(max_size=30)),
        "body": st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode)),
    }
)


def _multipart(children):
    return st.fixed_dictionaries(
        {
            "type": st.sampled_from(SUBTYPES).map(lambda subtype: "multipart/" + subtype),
            "boundary": st.text(alphabet="abcXYZ0123456789'()+_,-./:=? ", min_size=1, max_size=20),
            "close": st.booleans(),
            "children": st.lists(children, max_size=4),
        }
    )


def _message(children):
    return st.fixed_dictionaries({"type": st.just("message/rfc822"), "inner": children})


trees = st.recursive(leaves, lambda c: st.one_of(_multipart(c), _message(c)), max_leaves=8)


def _render(node: dict) -> bytes:
    kind = node["type"]
    if kind.startswith("multipart/"):
        boundary = node["boundary"].encode()
        out = b'Content-Type: %s; boundary="%s"\r\n\r\npreamble\r\n' % (kind.encode(), boundary)
        for child in node["children"]:
            out += b"--" + boundary + b"\r\n" + _render(child) + b"\r\n"
        return out + (b"--" + boundary + b"--\r\n" if node["close"] else b"")
    if kind == "message/rfc822":
        inner = _render(node["inner"])
        return b"Content-Type: message/rfc822\r\n\r\nFrom: x@example.org\r\n" + inner
    head = b"Content-Type: " + kind.encode()
    if node["charset"]:
        head += b"; charset=" + node["charset"].encode()
    if node["filename"] is not None:
        quoted = urllib.parse.quote(node["filename"], safe="")
        head += b"\r\nContent-Disposition: attachment; filename*=utf-8''" + quoted.encode()
    body = node["body"]
    if node["encoding"]:
        head += b"\r\nContent-Transfer-Encoding: " + node["encoding"].encode()
        if node["encoding"] == "base64":
            body = base64.encodebytes(body)
        elif node["encoding"] == "quoted-printable":
            body = quopri.encodestring(body)
    return head + b"\r\n\r\n" + body


@settings(FAST)
@given(tree=trees, subject=st.text(max_size=40), sender=st.text(max_size=40))
def test_random_mime_trees_never_raise(tree, subject, sender):
    head = f"From: {sender}\r\nSubject: {subject}\r\nMessage-ID: <{len(subject)}@example.org>\r\n"
    raw = head.encode("utf-8", "surrogateescape") + b"MIME-Version: 1.0\r\n" + _render(tree)
    mail = parse_message(raw)

    _holds_up(mail)
    if "\n" not in subject + sender:  # else the header block ends early: a hash key then
        assert mail.key == f"{len(subject)}@example.org"


# --- well-formed trees: every file and every text arrives --------------------------------------

WORDS = st.text(alphabet="abcdefghij klmnop", min_size=1, max_size=30).map(str.strip).filter(bool)
plain_leaves = st.builds(lambda words: {"text": words}, WORDS)
file_leaves = st.builds(
    lambda name, data: {"file": name + ".bin", "data": data},
    st.text(alphabet="abcdefgh", min_size=1, max_size=10),
    st.binary(max_size=100),
)
mixed_trees = st.recursive(
    st.one_of(plain_leaves, file_leaves),
    lambda children: st.lists(children, min_size=1, max_size=4).map(lambda kids: {"kids": kids}),
    max_leaves=15,
)


def _render_mixed(node: dict, path: str = "0") -> bytes:
    if "text" in node:
        return b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + node["text"].encode()
    if "file" in node:
        return (
            b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
            b'Content-Disposition: attachment; filename="%s"\r\n\r\n'
            % node["file"].encode()
            + base64.encodebytes(node["data"])
        )
    boundary = f"=_part_{path}".encode()
    out = b'Content-Type: multipart/mixed; boundary="%s"\r\n\r\n' % boundary
    for index, kid in enumerate(node["kids"]):
        out += b"--" + boundary + b"\r\n" + _render_mixed(kid, f"{path}_{index}") + b"\r\n"
    return out + b"--" + boundary + b"--\r\n"


def _expected(node: dict, texts: list[str], files: list[tuple[str, bytes]]) -> None:
    if "text" in node:
        texts.append(node["text"])
    elif "file" in node:
        files.append((node["file"], node["data"]))
    else:
        for kid in node["kids"]:
            _expected(kid, texts, files)


@FAST
@given(tree=mixed_trees)
def test_every_text_and_file_of_a_well_formed_tree_arrives_in_order(tree):
    raw = b"From: ada@example.org\r\nMIME-Version: 1.0\r\n" + _render_mixed(tree)
    texts: list[str] = []
    files: list[tuple[str, bytes]] = []
    _expected(tree, texts, files)

    mail = parse_message(raw)

    assert [(file.name, file.data) for file in mail.files] == files
    assert mail.text == "\n\n".join(texts)  # parts one blank line apart
    assert mail.problems == ()
