"""What kind of mail a message is (RFC 3834, 2919, 3464) and what of a reply is shown (no DB)."""

import pytest

from mail_in.classify import Kind, classify, visible_reply
from mail_in.parsing import parse_message

from . import corpus


def _kind(*headers: tuple[str, str]) -> Kind:
    return classify(parse_message(corpus.plain(extra_headers=headers)))


@pytest.mark.parametrize(
    ("builder", "kind"),
    [
        (corpus.plain, Kind.NORMAL),
        (corpus.outlook_html_only, Kind.NORMAL),
        (corpus.apple_mail_quoted_printable, Kind.NORMAL),
        (corpus.gmail_reply_with_history, Kind.NORMAL),
        (corpus.iso2022jp_subject, Kind.NORMAL),
        (corpus.out_of_office, Kind.AUTO_REPLY),
        (corpus.postfix_dsn_bounce, Kind.BOUNCE),
        (corpus.mailing_list_post, Kind.LIST),
        (corpus.no_message_id, Kind.NORMAL),
        (corpus.malformed_mime, Kind.NORMAL),
        (corpus.unknown_charset, Kind.NORMAL),
        (corpus.nested_100_levels, Kind.NORMAL),
        (corpus.headers_only, Kind.NORMAL),
        (corpus.binary_junk, Kind.NORMAL),
        (corpus.five_hundred_attachments, Kind.NORMAL),
        (corpus.tnef_winmail, Kind.NORMAL),
        (corpus.spam_flagged, Kind.SPAM),
        (corpus.with_pdf_attachment, Kind.NORMAL),
    ],
)
def test_each_corpus_message_is_of_the_kind_a_person_would_say(builder, kind):
    assert classify(parse_message(builder())) is kind


def test_the_corpus_list_names_every_builder():
    builders = {
        name
        for name, value in vars(corpus).items()
        if callable(value)
        and getattr(value, "__module__", "") == corpus.__name__
        and not name.startswith("_")  # the builders' own helpers
    }
    assert builders - {"small_pdf"} == set(corpus.BUILDERS)


@pytest.mark.parametrize(
    "value",
    ["auto-replied", "auto-generated", "Auto-Replied; owner-email=a@b.org", "auto-notified", ""],
)
def test_auto_submitted_other_than_no_is_an_auto_reply(value):
    assert _kind(("Auto-Submitted", value)) is Kind.AUTO_REPLY


@pytest.mark.parametrize("value", ["no", "No", " NO ", "no; comment=x", "no (a person wrote this)"])
def test_auto_submitted_no_is_a_person(value):
    assert _kind(("Auto-Submitted", value)) is Kind.NORMAL


@pytest.mark.parametrize(
    "header",
    [("X-Autoreply", "yes"), ("X-Autorespond", "Out of office"), ("X-Autoreply", "")],
)
def test_autoreply_and_autorespond_headers_mark_an_auto_reply(header):
    assert _kind(header) is Kind.AUTO_REPLY


@pytest.mark.parametrize("value", ["bulk", "Junk", " list "])
def test_precedence_bulk_junk_or_list_is_an_auto_reply(value):
    assert _kind(("Precedence", value)) is Kind.AUTO_REPLY


def test_precedence_first_class_or_normal_is_a_person():
    assert _kind(("Precedence", "first-class")) is Kind.NORMAL


def test_x_auto_response_suppress_asks_not_to_be_answered_but_is_no_auto_reply_mark():
    # Outlook puts it on meeting requests and some people's mail: RFC 3834 does not name it.
    assert _kind(("X-Auto-Response-Suppress", "All")) is Kind.NORMAL
    assert _kind(("X-Auto-Response-Suppress", "OOF, AutoReply")) is Kind.NORMAL


def test_list_id_makes_list_mail_and_a_list_s_precedence_does_not_hide_it():
    assert _kind(("List-Id", "<python-dev.python.org>")) is Kind.LIST
    assert _kind(("List-Id", "<x.example.org>"), ("Precedence", "list")) is Kind.LIST
    # List-Unsubscribe alone (newsletters, our own pool mailings) is not list mail.
    assert _kind(("List-Unsubscribe", "<mailto:leave@example.org>")) is Kind.NORMAL


def test_an_auto_reply_from_a_list_is_still_an_auto_reply():
    assert _kind(("List-Id", "<x.example.org>"), ("Auto-Submitted", "auto-replied")) is (
        Kind.AUTO_REPLY
    )


def test_spam_flag_yes_is_spam_and_no_is_not():
    assert _kind(("X-Spam-Flag", "YES")) is Kind.SPAM
    assert _kind(("X-Spam-Flag", " yes ")) is Kind.SPAM
    assert _kind(("X-Spam-Flag", "NO")) is Kind.NORMAL
    assert _kind(("X-Spam-Status", "Yes, score=9")) is Kind.NORMAL


def test_our_loop_header_makes_our_own_mail_whatever_its_value_and_comes_first():
    assert _kind(("X-PSF-Helpdesk", "")) is Kind.OWN
    assert (
        _kind(
            ("X-PSF-Helpdesk", "HR-2026-0042"),
            ("Auto-Submitted", "auto-generated"),
            ("List-Id", "<x.example.org>"),
            ("X-Spam-Flag", "YES"),
        )
        is Kind.OWN
    )


def test_a_message_id_of_our_domain_alone_is_not_our_own_mail():
    assert classify(parse_message(corpus.plain(message_id="hd.1@python.org"))) is Kind.NORMAL


def test_a_bounce_comes_before_its_auto_submitted_header_and_spam():
    raw = corpus.postfix_dsn_bounce().replace(
        b"MIME-Version", b"X-Spam-Flag: YES\r\nMIME-Version", 1
    )
    assert classify(parse_message(raw)) is Kind.BOUNCE


def test_a_delivery_status_part_from_a_person_is_not_a_bounce():
    raw = corpus.postfix_dsn_bounce().replace(
        b"multipart/report; report-type=delivery-status", b"multipart/mixed", 1
    )
    person = raw.replace(
        b"From: MAILER-DAEMON@mx.python.org (Mail Delivery System)",
        b"From: Ada <ada@example.org>",
    ).replace(b"Auto-Submitted: auto-replied\r\n", b"")
    assert classify(parse_message(person)) is Kind.NORMAL
    postmaster = raw.replace(b"From: MAILER-DAEMON@", b"From: postmaster@")
    assert classify(parse_message(postmaster)) is Kind.BOUNCE


def test_a_read_receipt_is_an_auto_reply():
    raw = corpus.postfix_dsn_bounce().replace(
        b"report-type=delivery-status", b"report-type=disposition-notification"
    )
    raw = raw.replace(b"Content-Type: message/delivery-status", b"Content-Type: text/plain")
    raw = raw.replace(b"Auto-Submitted: auto-replied\r\n", b"").replace(b"MAILER-DAEMON", b"ada")
    assert classify(parse_message(raw)) is Kind.AUTO_REPLY


def test_visible_reply_drops_the_outlook_history_block():
    text = (
        "Yes, Thursday works for us.\n\n"
        "From: PSF Helpdesk <psf@python.org>\nSent: Monday, 7 December 2026 09:02\n"
        "To: Grace <grace@example.com>\nSubject: [HR-2026-0042] A question\n\n"
        "Could you tell us which day suits you?\n"
    )
    shown = visible_reply(text)

    assert shown == "Yes, Thursday works for us."


def test_visible_reply_drops_a_german_wrote_line():
    text = (
        "Danke, passt.\n\nAm 07.12.2026 um 09:02 schrieb PSF Helpdesk <psf@python.org>:\n> Hallo\n"
    )
    assert visible_reply(text) == "Danke, passt."


def test_visible_reply_keeps_the_text_when_stripping_would_leave_nothing():
    only_quote = "On Mon, 7 Dec 2026 at 09:02, PSF <psf@python.org> wrote:\n> Hello\n"
    assert visible_reply(only_quote) == only_quote
    assert visible_reply("") == ""
    assert visible_reply("Just one line.") == "Just one line."
