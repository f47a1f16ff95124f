"""Reading mail: each real-world shape in the corpus reads as a person would expect (no DB)."""

import hashlib
import time

import pytest

from mail_in import parsing
from mail_in.classify import Kind, classify, visible_reply
from mail_in.parsing import (
    MAX_DEPTH,
    MAX_HTML_CHARS,
    MAX_PARTS,
    TNEF_PROBLEM,
    ParsedMail,
    parse_headers,
    parse_message,
)

from . import corpus


def _crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("utf-8")


def test_a_plain_message_gives_its_sender_subject_text_and_recipients():
    mail = parse_message(corpus.plain(to="PSF <PSF@Python.org>, board@python.org"))

    assert mail.sender_name == "Ada Lovelace"
    assert mail.sender_email == "ada@example.org"
    assert mail.subject == "Sprint venue for PyCon Lagos"
    assert mail.text == "Hello PSF,\n\nCould you help us find a venue for our sprint?\n\nAda"
    assert mail.message_id == "CAF1x0a2-plain-0001@mail.example.org"
    assert mail.key == mail.message_id
    # Delivered-To and To, lower-cased, once each.
    assert mail.recipients == ("psf@python.org", "board@python.org")
    assert mail.headers["subject"] == "Sprint venue for PyCon Lagos"
    assert mail.problems == ()
    assert classify(mail) is Kind.NORMAL


def test_outlook_html_only_mail_becomes_text_without_markup_but_with_its_words():
    mail = parse_message(corpus.outlook_html_only())

    assert "We\u2019re running a Django Girls workshop in Nairobi" in mail.text  # from windows-1252
    assert "our workshop page" in mail.text  # a link's words stay
    assert "Budget: 1 200 USD" in mail.text.replace("\u00a0", " ")
    for markup in ("<", ">", "MsoNormal", "font-family", "o:p", "mso 9", "&nbsp;"):
        assert markup not in mail.text
    assert mail.text.startswith("Dear PSF team,")  # no indent left by the layout
    assert classify(mail) is Kind.NORMAL


def test_apple_mail_quoted_printable_is_decoded_and_the_plain_alternative_preferred():
    mail = parse_message(corpus.apple_mail_quoted_printable())

    assert mail.subject == "Caf\u00e9 meetup: travel support"
    assert "Z\u00fcrich Python caf\u00e9 meetup" in mail.text
    assert "S\u00e3o Paulo" in mail.text
    assert "800\u00a0\u20ac" in mail.text
    assert "=E2" not in mail.text and "=\n" not in mail.text  # no quoted-printable left
    assert mail.text.count("Hi there,") == 1  # the HTML alternative is not added too
    assert "<div>" not in mail.text


def test_a_gmail_reply_threads_by_its_ids_and_shows_only_the_new_words():
    mail = parse_message(
        corpus.gmail_reply_with_history(
            in_reply_to="hd.HR-2026-0042.1@python.org",
            to="PSF Helpdesk <psf+HR-2026-0042.k3x9ab2m@python.org>",
        )
    )

    assert mail.in_reply_to == ("hd.HR-2026-0042.1@python.org",)
    assert mail.references == ("hd.HR-2026-0042.1@python.org",)
    assert "psf+hr-2026-0042.k3x9ab2m@python.org" in mail.recipients
    assert "> Hello Ada," in mail.text  # the whole text keeps the history for staff

    shown = visible_reply(mail.text)
    assert "the venue is booked for 12 March" in shown
    assert "wrote:" not in shown
    assert "Hello Ada" not in shown
    assert "five working days" not in shown


def test_a_japanese_iso_2022_jp_subject_sender_and_text_decode():
    mail = parse_message(corpus.iso2022jp_subject())

    assert mail.subject == corpus.JAPANESE_SUBJECT
    assert mail.sender_name == "\u4f50\u85e4"
    assert mail.sender_email == "sato@example.jp"
    assert "PyCon JP \u306e\u4f1a\u5834\u8cbb\u306e\u652f\u63f4" in mail.text
    assert mail.problems == ()


def test_an_out_of_office_reply_is_an_auto_reply():
    mail = parse_message(corpus.out_of_office(in_reply_to="hd.HR-2026-0042.1@python.org"))

    assert classify(mail) is Kind.AUTO_REPLY
    assert mail.in_reply_to == ("hd.HR-2026-0042.1@python.org",)


def test_a_postfix_bounce_names_the_failed_address_and_is_a_bounce():
    mail = parse_message(corpus.postfix_dsn_bounce(failed="Gone.Person@Example.NET"))

    assert mail.bounced == ("gone.person@example.net",)
    assert mail.report_type == "delivery-status"
    assert mail.has_delivery_status
    assert "could not\nbe delivered" in mail.text
    assert mail.files == ()  # the returned headers are not an attachment
    # Our loop header inside the returned original does not make the bounce our own mail.
    assert classify(mail) is Kind.BOUNCE


def test_a_delivery_report_lists_only_the_failed_recipients():
    raw = corpus.postfix_dsn_bounce(failed="gone@example.net").replace(
        b"Action: failed\r\n",
        b"Action: failed\r\n\r\nFinal-Recipient: rfc822; later@example.net\r\n"
        b"Action: delayed\r\nStatus: 4.4.1\r\n\r\nOriginal-Recipient: rfc822;<also@example.net>"
        b"\r\nAction: FAILED\r\nStatus: 5.1.1\r\n",
        1,
    )

    assert parse_message(raw).bounced == ("gone@example.net", "also@example.net")


def test_a_mailer_daemon_with_a_delivery_status_part_is_a_bounce_even_without_report():
    status = (
        "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; gone@example.net\n"
        "Action: failed\nStatus: 5.1.1\n"
    )
    raw = _crlf(
        "From: MAILER-DAEMON\nSubject: failure notice\nMessage-ID: <qmail-1@mx.example.net>\n"
        'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\n'
        f"Sorry.\n--b\nContent-Type: message/delivery-status\n\n{status}\n--b--\n"
    )
    mail = parse_message(raw)

    assert mail.sender_email == ""
    assert mail.bounced == ("gone@example.net",)
    assert classify(mail) is Kind.BOUNCE


def test_a_mailing_list_post_is_list_mail():
    mail = parse_message(corpus.mailing_list_post())

    assert classify(mail) is Kind.LIST
    assert "psf@python.org" in mail.recipients


def test_a_message_without_message_id_is_keyed_by_the_hash_of_its_bytes():
    raw = corpus.no_message_id()
    mail = parse_message(raw)

    assert mail.message_id == ""
    assert mail.key == "sha256:" + hashlib.sha256(raw).hexdigest()
    assert parse_message(raw).key == mail.key
    assert parse_message(raw + b"\r\n").key != mail.key


def test_a_very_long_message_id_is_kept_cut_and_keyed_by_its_hash():
    long_id = "x" * 1200 + "@example.org"
    mail = parse_message(corpus.plain(message_id=long_id))

    assert mail.message_id == long_id[:998]
    assert mail.key == "mid-sha256:" + hashlib.sha256(long_id.encode()).hexdigest()
    assert len(mail.key) <= 255
    medium = "y" * 250 + "@example.org"
    assert parse_message(corpus.plain(message_id=medium)).key == "mid-sha256:" + (
        hashlib.sha256(medium.encode()).hexdigest()
    )
    exact = "z" * 243 + "@example.org"  # 255 characters: the key itself
    assert parse_message(corpus.plain(message_id=exact)).key == exact


def test_broken_mime_is_read_as_text_and_said():
    mail = parse_message(corpus.malformed_mime())

    assert "Our conference needs help with the venue deposit." in mail.text
    assert any("MIME structure is broken" in problem for problem in mail.problems)


def test_an_unknown_charset_is_read_as_windows_1252_and_said():
    mail = parse_message(corpus.unknown_charset())

    assert mail.text == "Our caf\u00e9 meetup needs 300 \u20ac."
    assert mail.subject == "Caf\u00e9 grant"
    assert any('Unknown character set "x-made-up-charset"' in p for p in mail.problems)


def test_a_hundred_levels_of_nesting_keep_the_top_and_say_what_was_skipped():
    mail = parse_message(corpus.nested_100_levels())

    assert "Please read the note below." in mail.text
    assert "The very bottom." not in mail.text
    assert f"Parts nested more than {MAX_DEPTH} levels deep were not read." in mail.problems


def test_nesting_within_the_cap_is_read_to_the_bottom():
    mail = parse_message(corpus.nested_100_levels(depth=MAX_DEPTH - 1))

    assert "The very bottom." in mail.text
    assert mail.problems == ()


def test_a_message_of_only_headers_has_empty_text():
    mail = parse_message(corpus.headers_only())

    assert mail.text == ""
    assert mail.subject == "Only headers"
    assert mail.sender_email == "ada@example.org"
    assert mail.key == "headers-only-0001@example.org"


def test_binary_junk_gives_a_key_and_a_problem_but_no_sender():
    raw = corpus.binary_junk()
    mail = parse_message(raw)

    assert mail.key == "sha256:" + hashlib.sha256(raw).hexdigest()
    assert mail.sender_email == ""
    assert mail.subject == ""
    assert "\x00" not in mail.text
    assert "The message has no headers; it may not be an e-mail at all." in mail.problems


def test_a_thirty_megabyte_message_parses_quickly_with_its_big_file():
    raw = corpus.thirty_mb()
    assert len(raw) > 30_000_000

    started = time.process_time()  # this process's CPU time: other load on the machine aside
    mail = parse_message(raw)
    elapsed = time.process_time() - started

    assert elapsed < 1.5
    assert mail.text == "The photos from the sprint are attached."
    [photos] = mail.files
    assert photos.name == "photos.tar"
    assert len(photos.data) > 22_000_000
    assert photos.data[:57] == bytes(range(57))


def test_five_hundred_attachments_all_arrive_in_order():
    mail = parse_message(corpus.five_hundred_attachments())

    assert [file.name for file in mail.files] == [f"receipt-{n:03d}.txt" for n in range(1, 501)]
    assert mail.files[41].data == b"Receipt 42: 10 USD"
    assert mail.text == "Here are all the receipts."
    assert mail.problems == ()


def test_more_parts_than_the_cap_are_cut_and_said():
    mail = parse_message(corpus.five_hundred_attachments(count=MAX_PARTS + 50))

    assert len(mail.files) == MAX_PARTS - 1  # the text is one of the parts read
    assert any(f"more than {MAX_PARTS:,} parts" in problem for problem in mail.problems)


def test_the_part_cap_counts_parts_at_every_level():
    inner = "Content-Type: multipart/mixed; boundary=in\n\n--in\n\nx\n--in\n\ny\n--in--\n"
    raw = _crlf(
        "From: ada@example.org\nContent-Type: multipart/mixed; boundary=out\n\n"
        + "".join(f"--out\n{inner}" for _ in range(MAX_PARTS // 2))
        + "--out--\n"
    )
    mail = parse_message(raw)

    assert any(f"more than {MAX_PARTS:,} parts" in problem for problem in mail.problems)
    assert not any("broken" in problem for problem in mail.problems)
    # Each part is counted once, wherever it is: 500 outer, then 250 inner pairs.
    assert mail.text.count("x") == mail.text.count("y") == MAX_PARTS // 4


def test_a_flood_of_html_is_converted_up_to_a_budget_then_stripped():
    paragraph = "<p style='color:red'>Words <b>here</b></p>"
    big = paragraph * (MAX_HTML_CHARS // len(paragraph) + 10)
    raw = _crlf(
        "From: ada@example.org\nContent-Type: multipart/mixed; boundary=b\n\n"
        f"--b\nContent-Type: text/html\n\n{big}\n--b\nContent-Type: text/html\n\n"
        "<style>p {color: red}</style><p>The end</p>\n--b--\n"
    )
    started = time.process_time()
    mail = parse_message(raw)

    assert time.process_time() - started < 3
    assert "<" not in mail.text and "color" not in mail.text
    assert mail.text.rstrip().endswith("The end")
    assert any("a lot of HTML" in problem for problem in mail.problems)


def test_winmail_dat_is_kept_as_a_file_and_said_in_words():
    mail = parse_message(corpus.tnef_winmail())

    [tnef] = mail.files
    assert (tnef.name, tnef.content_type) == ("winmail.dat", "application/ms-tnef")
    assert tnef.data.startswith(b"\x78\x9f\x3e\x22")
    assert TNEF_PROBLEM in mail.problems
    assert "winmail.dat" in TNEF_PROBLEM and "plain text or the files as PDF" in TNEF_PROBLEM
    assert mail.text == "Please find the invoice attached."


def test_spam_flagged_upstream_is_spam():
    assert classify(parse_message(corpus.spam_flagged())) is Kind.SPAM


def test_a_pdf_attachment_arrives_byte_for_byte():
    mail = parse_message(corpus.with_pdf_attachment(filename="Quote 2026.pdf"))

    [pdf] = mail.files
    assert pdf.name == "Quote 2026.pdf"
    assert pdf.content_type == "application/pdf"
    assert pdf.data == corpus.small_pdf()
    assert pdf.data.startswith(b"%PDF-1.4") and pdf.data.rstrip().endswith(b"%%EOF")
    assert mail.text == "Hello PSF,\n\nThe venue's quote is attached.\n\nAda"


@pytest.mark.parametrize(
    "builder",
    [
        corpus.plain,
        corpus.outlook_html_only,
        corpus.apple_mail_quoted_printable,
        corpus.gmail_reply_with_history,
        corpus.iso2022jp_subject,
        corpus.postfix_dsn_bounce,
        corpus.with_pdf_attachment,
        corpus.headers_only,
        corpus.binary_junk,
    ],
)
def test_reading_only_the_headers_gives_the_same_header_fields(builder):
    raw = builder()
    whole, head = parse_message(raw), parse_headers(raw)

    assert (head.text, head.files) == ("", ())
    for name in ParsedMail.__dataclass_fields__:
        if name not in ("text", "files", "bounced", "problems", "has_delivery_status"):
            assert getattr(head, name) == getattr(whole, name), name


# --- details of headers ------------------------------------------------------------------------


def test_an_encoded_name_with_a_comma_stays_one_sender():
    raw = corpus.plain(from_="=?utf-8?q?Lovelace=2C_Ada?= <ADA@Example.ORG>")
    mail = parse_message(raw)

    assert (mail.sender_name, mail.sender_email) == ("Lovelace, Ada", "ada@example.org")


def test_raw_utf8_headers_and_a_folded_subject_read_as_one_line():
    raw = (
        b"From: J\xc3\xbcrgen M\xc3\xbcller <juergen@example.de>\r\n"
        b"To: psf@python.org\r\nSubject: F\xc3\xb6rderung f\xc3\xbcr\r\n  unser\r\n\tSprint\r\n"
        b"Message-ID: <raw-8bit@example.de>\r\n\r\nHallo!\r\n"
    )
    mail = parse_message(raw)

    assert mail.sender_name == "J\u00fcrgen M\u00fcller"
    assert mail.subject == "F\u00f6rderung f\u00fcr unser Sprint"
    assert mail.text == "Hallo!"


def test_encoded_words_split_inside_a_character_join_before_decoding():
    word = "日本語".encode()
    first = "=?UTF-8?B?" + __import__("base64").b64encode(word[:4]).decode() + "?="
    second = "=?UTF-8?B?" + __import__("base64").b64encode(word[4:]).decode() + "?="
    mail = parse_message(corpus.plain(subject=f"{first}\r\n {second} and more"))

    assert mail.subject == "日本語 and more"


def test_raw_iso_2022_jp_in_a_subject_decodes():
    raw = (
        b"From: sato@example.jp\r\nSubject: "
        + "会議".encode("iso-2022-jp")
        + b"\r\nMessage-ID: <jis@example.jp>\r\n\r\nhi\r\n"
    )
    assert parse_message(raw).subject == "会議"


def test_a_message_saved_from_an_mbox_file_reads_past_its_from_line():
    raw = b"From ada@example.org Mon Dec  7 09:14:03 2026\r\n" + corpus.plain()
    mail = parse_message(raw)

    assert (mail.sender_email, mail.subject) == ("ada@example.org", "Sprint venue for PyCon Lagos")


def test_no_subject_is_empty_and_unusable_senders_are_empty():
    raw = _crlf("From: undisclosed-recipients:;\nTo: psf@python.org\n\nhello\n")
    mail = parse_message(raw)

    assert mail.subject == ""
    assert mail.sender_email == ""
    for sender in ("MAILER-DAEMON", "Ada <not an address>", "<@>", "a@b"):
        assert parse_message(corpus.plain(from_=sender)).sender_email == "", sender


def test_recipients_come_from_every_delivery_header_once():
    raw = _crlf(
        "From: ada@example.org\nTo: PSF <psf@python.org>, Board <BOARD@python.org>\n"
        "Cc: psf@python.org, grants@python.org\nDelivered-To: psf@python.org\n"
        "Delivered-To: archive@python.org\nX-Original-To: psf+HR-2026-0042.abcd@python.org\n"
        "Envelope-To: envelope@python.org\nBcc: secret@python.org\n\nhi\n"
    )
    assert parse_message(raw).recipients == (
        "psf@python.org",
        "board@python.org",
        "grants@python.org",
        "archive@python.org",
        "psf+hr-2026-0042.abcd@python.org",
        "envelope@python.org",
    )


def test_ids_lose_their_brackets_and_headers_keep_the_first_of_each():
    raw = _crlf(
        "From: ada@example.org\nIn-Reply-To: <a@x.org> (comment)\n"
        "References: <r1@x.org>\n <r2@x.org>\t<a@x.org>\nX-Thing: first\nX-Thing: second\n\nhi\n"
    )
    mail = parse_message(raw)

    assert mail.in_reply_to == ("a@x.org",)
    assert mail.references == ("r1@x.org", "r2@x.org", "a@x.org")
    assert mail.headers["x-thing"] == "first"


# --- details of bodies -------------------------------------------------------------------------


def test_a_forwarded_message_adds_its_text_and_its_files():
    inner = corpus.with_pdf_attachment(
        from_="Grace <grace@example.com>", subject="The quote", text="Here it is.\n"
    )
    raw = (
        _crlf(
            "From: ada@example.org\nSubject: Fwd: The quote\nMessage-ID: <fwd@example.org>\n"
            'Content-Type: multipart/mixed; boundary="outer"\n\n--outer\n'
            "Content-Type: text/plain\n\nSee Grace's mail below.\n--outer\n"
            "Content-Type: message/rfc822\nContent-Disposition: attachment\n\n"
        )
        + inner
        + _crlf("\n--outer--\n")
    )
    mail = parse_message(raw)

    assert mail.text.startswith("See Grace's mail below.")
    assert "---------- Forwarded message ----------" in mail.text
    assert "From: Grace <grace@example.com>" in mail.text
    assert "Here it is." in mail.text
    assert [file.name for file in mail.files] == ["quote.pdf"]
    assert mail.subject == "Fwd: The quote"  # the outer message's own headers


def test_an_empty_plain_alternative_gives_way_to_the_html():
    raw = _crlf(
        "From: ada@example.org\nContent-Type: multipart/alternative; boundary=b\n\n"
        "--b\nContent-Type: text/plain\n\n \n--b\nContent-Type: text/html\n\n"
        "<p>The <b>real</b> words</p>\n--b--\n"
    )
    assert parse_message(raw).text == "The real words"


def test_related_images_become_files_and_signature_parts_are_dropped():
    raw = _crlf(
        "From: ada@example.org\nContent-Type: multipart/signed; boundary=s;"
        ' protocol="application/pgp-signature"\n\n'
        "--s\nContent-Type: multipart/related; boundary=r\n\n"
        "--r\nContent-Type: text/html; charset=utf-8\n\n<p>Logo: <img src=cid:l></p>\n"
        "--r\nContent-Type: image/png\nContent-Transfer-Encoding: base64\nContent-ID: <l>\n\n"
        "iVBORw0KGgo=\n--r--\n"
        "--s\nContent-Type: application/pgp-signature; name=signature.asc\n\n"
        "-----BEGIN PGP SIGNATURE-----\n--s--\n"
    )
    mail = parse_message(raw)

    assert mail.text == "Logo:"
    assert [(f.name, f.content_type, f.data) for f in mail.files] == [
        ("attachment-1.png", "image/png", b"\x89PNG\r\n\x1a\n")
    ]


def test_attachment_names_are_decoded_and_made_safe():
    def named(disposition: str, content_type: str = "application/octet-stream") -> str:
        raw = _crlf(
            "From: ada@example.org\nContent-Type: multipart/mixed; boundary=b\n\n"
            f"--b\nContent-Type: text/plain\n\nhi\n--b\nContent-Type: {content_type}\n"
            f"Content-Disposition: {disposition}\n\ndata\n--b--\n"
        )
        [file] = parse_message(raw).files
        return file.name

    assert named("attachment; filename*=utf-8''caf%C3%A9.pdf") == "caf\u00e9.pdf"
    assert (
        named('attachment; filename="=?utf-8?q?r=C3=A9sum=C3=A9.pdf?="') == "r\u00e9sum\u00e9.pdf"
    )
    assert named('attachment; filename="..\\\\..\\\\windows\\\\evil.exe"') == "evil.exe"
    assert named('attachment; filename="/etc/passwd"') == "passwd"
    assert named("attachment") == "attachment-1.bin"
    long_name = named(f'attachment; filename="{"a" * 300}.pdf"')
    assert len(long_name) == 200 and long_name.endswith(".pdf")


def test_a_declared_charset_that_does_not_fit_falls_back_and_says_so():
    def body(charset: str, data: bytes) -> ParsedMail:
        return parse_message(
            _crlf(f"From: ada@example.org\nContent-Type: text/plain; charset={charset}\n\n") + data
        )

    # Labelled ASCII but UTF-8: read as UTF-8 without fuss.
    assert body("us-ascii", "na\u00efve".encode()).text == "na\u00efve"
    # Labelled Latin-1, with Windows-1252's quotes: read as browsers read it.
    assert body("iso-8859-1", b"\x93quoted\x94").text == "\u201cquoted\u201d"
    # Labelled Shift_JIS with a broken byte: the rest stays Japanese, the break is said.
    broken = body("shift_jis", "日本".encode("shift_jis") + b"\x81")
    assert broken.text.startswith("日本")
    assert any("not valid shift_jis" in problem for problem in broken.problems)
    # A codec that is no text encoding is an unknown charset.
    assert any("Unknown character set" in p for p in body("base64", b"\xe9t\xe9").problems)


def test_text_never_holds_nul_or_lone_surrogates():
    mail = parse_message(
        _crlf("From: ada@example.org\nSubject: a\x00b\nContent-Type: text/plain; charset=utf-7\n\n")
        + b"+2D0-x\x00y\r\n"  # UTF-7 for half of a surrogate pair, then a NUL
    )
    assert mail.text == "\ufffdxy"
    assert mail.subject == "a b"


def test_python_only_codecs_are_no_charsets():
    mail = parse_message(
        _crlf("From: ada@example.org\nContent-Type: text/plain; charset=unicode_escape\n\n")
        + b"\\u00e9t\\u00e9"
    )
    assert mail.text == "\\u00e9t\\u00e9"
    assert any('Unknown character set "unicode_escape"' in p for p in mail.problems)


def test_format_flowed_lines_join_into_paragraphs_and_quotes_stay():
    body = (
        "We would like to ask for help with the \nvenue for our sprint in \nMarch.\n\n"
        "> Could you tell us \n> more?\n\n"
        " >not a quote, space-stuffed\n-- \nAda\n"
    )
    raw = _crlf(
        "From: ada@example.org\nContent-Type: text/plain; charset=utf-8; format=flowed\n\n" + body
    )
    assert parse_message(raw).text == (
        "We would like to ask for help with the venue for our sprint in March.\n\n"
        "> Could you tell us more?\n\n>not a quote, space-stuffed\n-- \nAda"
    )
    delsp = _crlf(
        "From: sato@example.jp\nContent-Type: text/plain; charset=utf-8; format=flowed; "
        "delsp=yes\n\n\u4f1a\u8b70\u306e \n\u8cc7\u91d1\n"
    )
    assert parse_message(delsp).text == "\u4f1a\u8b70\u306e\u8cc7\u91d1"  # no space put in


def test_a_fault_inside_the_walk_still_gives_the_headers_and_says_so(monkeypatch):
    def broken(*args, **kwargs):
        raise RecursionError("deep")

    monkeypatch.setattr(parsing, "_walk", broken)
    mail = parse_message(corpus.plain())

    assert (mail.sender_email, mail.subject) == ("ada@example.org", "Sprint venue for PyCon Lagos")
    assert mail.key == "CAF1x0a2-plain-0001@mail.example.org"
    assert mail.text == ""
    assert "The message's structure could not be read; only its headers were used." in (
        mail.problems
    )


def test_a_fault_in_one_part_skips_only_that_part(monkeypatch):
    real = parsing._add_file

    def picky(node, walk, name):
        if name == "receipt-002.txt":
            raise ValueError("odd part")
        real(node, walk, name)

    monkeypatch.setattr(parsing, "_add_file", picky)
    mail = parse_message(corpus.five_hundred_attachments(count=3))

    assert [file.name for file in mail.files] == ["receipt-001.txt", "receipt-003.txt"]
    assert "A part of the message could not be read and was skipped." in mail.problems
