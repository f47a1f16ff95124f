"""Mail that intake hands to help requests (help_requests/mail.py): a new message becomes a
request from "e-mail" with the web form's receipt, a reply lands as the submitter's reply, a
recent closing is undone by a reply and an old one is not; refused files are noted for staff."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from pytest_django.asserts import assertContains

from attachments.models import Attachment
from help_requests.mail import NO_SUBJECT, NO_TEXT, HelpRequestConversations
from help_requests.models import Comment, HelpRequest, HelpRequestEvent
from help_requests.services import help_request_submit, help_request_triage
from insights.periods import last_days
from insights.selectors.help import help_time_to_close
from mail_in.addresses import reference_from_address
from mail_in.extensions import ReplyRefused, conversations
from mail_in.models import InboundMessage
from mail_in.parsing import MailFile, ParsedMail
from notifications.models import OutboundEmail

from ..signin import sign_in
from .attachment_helpers import PDF, TEXT
from .test_admin import change_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery", "stored")]

PHISH = "URGENT: your PSF account is suspended, verify at https://evil.example/login"
HANDLER = HelpRequestConversations()


def mail(
    text: str = "Could the PSF lend us a projector for PyCon Lagos?",
    *,
    subject: str = "Projector for PyCon Lagos",
    sender: str = "grace@example.org",
    name: str = "Grace Hopper",
    files: tuple[MailFile, ...] = (),
) -> ParsedMail:
    return ParsedMail(
        message_id="m1@mail.example",
        key="m1@mail.example",
        sender_name=name,
        sender_email=sender,
        subject=subject,
        text=text,
        files=files,
    )


def message() -> InboundMessage:
    """The record intake made of the message (what the handler is given, not what it reads)."""
    return InboundMessage(door=InboundMessage.Door.COMMAND, size=1, message_key="m1@mail.example")


def sent_to(mailoutbox, address: str):
    return [m for m in mailoutbox if m.to == [address]]


def test_the_handler_of_conversations_is_help_requests():
    handler = conversations()
    assert isinstance(handler, HelpRequestConversations)
    assert handler.prefix == "HR"


def test_a_new_message_becomes_a_request_from_e_mail(
    help_kinds, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        routed = HANDLER.start(mail=mail(), message=message())

    help_request = routed.target
    assert isinstance(help_request, HelpRequest)
    assert routed.reference == help_request.reference
    assert (help_request.source, help_request.name, help_request.email) == (
        HelpRequest.Source.EMAIL,
        "Grace Hopper",
        "grace@example.org",
    )
    assert help_request.title == "Projector for PyCon Lagos"
    assert help_request.description == "Could the PSF lend us a projector for PyCon Lagos?"
    (staff,) = sent_to(mailoutbox, "psf@python.org")
    assert "by e-mail" in staff.body
    assert staff.reply_to == []  # staff answer in the admin


def test_its_receipt_is_the_web_form_s_our_words_only_and_replying_to_it_reaches_the_request(
    help_kinds, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        routed = HANDLER.start(
            mail=mail(PHISH * 3, subject=PHISH, name=PHISH[:60], sender="victim@example.org"),
            message=message(),
        )

    (receipt,) = sent_to(mailoutbox, "victim@example.org")
    html = receipt.alternatives[0].content
    for part in (receipt.subject, receipt.body, html):
        assert "evil.example" not in part
        assert "URGENT" not in part
    assert routed.reference in receipt.subject
    assert f"/help/status/{routed.target.token}/" in receipt.body
    (reply_to,) = receipt.reply_to
    assert reference_from_address(reply_to) == (routed.reference, True)
    headers = receipt.message()
    assert headers["Auto-Submitted"] == "auto-replied"  # an automatic answer to their mail
    assert headers["X-PSF-Helpdesk"] == "1"


def test_a_message_without_subject_or_text_still_makes_a_request(help_kinds):
    routed = HANDLER.start(mail=mail(" \n", subject=""), message=message())

    assert (routed.target.title, routed.target.description) == (NO_SUBJECT, NO_TEXT)


def test_a_long_subject_is_cut_to_the_title_s_length(help_kinds):
    routed = HANDLER.start(mail=mail(subject="Projector " * 40), message=message())

    assert len(routed.target.title) == 200
    assert routed.target.title.startswith("Projector Projector")


def test_files_are_checked_like_uploads_and_the_refused_ones_are_noted_for_staff(
    help_kinds, mailoutbox, django_capture_on_commit_callbacks
):
    files = (
        MailFile("quote.pdf", "application/pdf", PDF),
        MailFile("setup.exe", "application/octet-stream", b"MZ\x90\x00" + b"\x00" * 200),
        MailFile("empty.txt", "text/plain", b""),
    )
    with django_capture_on_commit_callbacks(execute=True):
        routed = HANDLER.start(mail=mail(files=files), message=message())

    (kept,) = Attachment.objects.all()
    assert (kept.name, kept.owner) == ("quote.pdf", routed.target)
    (note,) = Comment.objects.filter(request=routed.target)
    assert not note.is_public
    assert "setup.exe is not a file type we accept" in note.body
    assert "empty.txt is empty" in note.body
    assert "quote.pdf" not in note.body
    assert routed.detail == note.body  # in Incoming mail too
    (receipt,) = sent_to(mailoutbox, "grace@example.org")
    assert "setup.exe" not in receipt.body  # the sender's file names are their text
    assert "you sent 1 file" in receipt.body


def test_no_more_files_are_kept_than_the_form_takes(help_kinds, settings):
    settings.ATTACHMENT_MAX_FILES = 2
    files = tuple(MailFile(f"budget-{n}.txt", "text/plain", TEXT) for n in range(3))

    routed = HANDLER.start(mail=mail(files=files), message=message())

    assert sorted(a.name for a in Attachment.objects.all()) == ["budget-0.txt", "budget-1.txt"]
    assert "budget-2.txt: more than 2 files came with the message." in routed.detail


def test_the_owner_of_a_reference(help_request, help_kinds):
    anonymous = help_request_submit(
        type=HelpRequest.Type.SUGGESTION, title="More sprints", description="Please."
    )

    assert HANDLER.owner_email(help_request.reference) == "grace@example.org"
    assert HANDLER.owner_email(help_request.reference.lower()) == "grace@example.org"
    assert HANDLER.owner_email(anonymous.reference) == ""
    assert HANDLER.owner_email("HR-1999-0001") is None


def test_a_reply_lands_as_the_submitter_s_reply_and_staff_see_it_came_by_e_mail(
    help_request, client, triager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        routed = HANDLER.reply(
            reference=help_request.reference,
            mail=mail("The meetup is on 14 March.", subject="Re: your request"),
            message=message(),
        )

    reply = routed.target
    assert isinstance(reply, Comment)
    assert (reply.request, reply.body, reply.by_submitter, reply.by_email) == (
        help_request,
        "The meetup is on 14 March.",
        True,
        True,
    )
    assert routed.reference == help_request.reference
    (told,) = sent_to(mailoutbox, "psf@python.org")
    assert "by e-mail" in told.body
    assert told.reply_to == []  # staff answer in the admin
    # In the request's thread, after staff's "new request" e-mail.
    new = OutboundEmail.objects.get(template="help_requests/new_staff")
    assert told.message()["In-Reply-To"] == f"<{new.message_id}>"
    sign_in(client, triager)
    assertContains(client.get(change_url(help_request)), "reply by e-mail")


def test_a_reply_by_e_mail_answers_a_waiting_question(help_request, staff):
    help_request_triage(
        help_request=help_request,
        by=staff,
        status=HelpRequest.Status.WAITING,
        public_reply="Which dates is the meetup on?",
    )

    HANDLER.reply(reference=help_request.reference, mail=mail("14 March."), message=message())

    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.NEW  # where it was before staff asked
    assert help_request.answer_due is not None  # an answer is owed again


def close(help_request: HelpRequest, staff, status=HelpRequest.Status.RESOLVED) -> None:
    help_request_triage(help_request=help_request, by=staff, status=status)


@pytest.mark.parametrize("status", [HelpRequest.Status.RESOLVED, HelpRequest.Status.DECLINED])
def test_a_reply_within_the_reopen_days_reopens_a_closed_request(
    help_request, staff, settings, status
):
    close(help_request, staff, status)
    later = timezone.now() + timedelta(days=settings.HELPDESK_REOPEN_DAYS - 1)

    with time_machine.travel(later):
        HANDLER.reply(
            reference=help_request.reference, mail=mail("It broke again."), message=message()
        )
        insights = help_time_to_close(last_days(60, "the last 60 days"))

    assert "were reopened (1 of 1)" in insights.summary
    help_request.refresh_from_db()
    assert (help_request.status, help_request.closed_at) == (HelpRequest.Status.TRIAGED, None)
    # Recorded as status changes are, so Insights counts it as reopened.
    reopened = help_request.events.filter(field=HelpRequestEvent.Field.STATUS).last()
    assert (reopened.old, reopened.new) == (status, HelpRequest.Status.TRIAGED)
    told = OutboundEmail.objects.filter(template="help_requests/submitter_reply").get()
    assert told.context["reopened"]


@pytest.mark.parametrize("status", [HelpRequest.Status.RESOLVED, HelpRequest.Status.SPAM])
def test_a_reply_after_the_reopen_days_or_to_spam_goes_to_staff(
    help_request, staff, settings, status
):
    close(help_request, staff, status)
    days = settings.HELPDESK_REOPEN_DAYS + 1 if status == HelpRequest.Status.RESOLVED else 0
    before = (Comment.objects.count(), OutboundEmail.objects.count())

    with (
        time_machine.travel(timezone.now() + timedelta(days=days)),
        pytest.raises(ReplyRefused) as refused,
    ):
        HANDLER.reply(
            reference=help_request.reference, mail=mail("It broke again."), message=message()
        )

    assert refused.value.reason == InboundMessage.Reason.CLOSED
    assert help_request.reference in refused.value.detail
    assert (Comment.objects.count(), OutboundEmail.objects.count()) == before
    help_request.refresh_from_db()
    assert help_request.status == status


def test_a_reply_to_a_request_deleted_meanwhile_goes_to_staff(help_kinds):
    with pytest.raises(ReplyRefused) as refused:
        HANDLER.reply(reference="HR-1999-0001", mail=mail(), message=message())
    assert refused.value.reason == InboundMessage.Reason.CLOSED


def test_a_reply_s_refused_files_are_noted_for_staff(help_request):
    files = (
        MailFile("minutes.txt", "text/plain", TEXT),
        MailFile("virus.exe", "application/octet-stream", b"MZ\x90\x00" + b"\x00" * 200),
    )

    routed = HANDLER.reply(
        reference=help_request.reference,
        mail=mail("Minutes attached.", files=files),
        message=message(),
    )

    (kept,) = Attachment.objects.all()
    assert (kept.name, kept.owner) == ("minutes.txt", routed.target)
    note = Comment.objects.get(request=help_request, is_public=False)
    assert "virus.exe is not a file type we accept" in note.body
    assert routed.detail == note.body


def test_staff_see_and_filter_the_requests_that_came_by_e_mail(help_request, client, triager):
    by_mail = HANDLER.start(mail=mail(), message=message()).target
    sign_in(client, triager)

    page = client.get("/admin/help_requests/helprequest/", {"source__exact": "email"})

    assert [row.pk for row in page.context["cl"].result_list] == [by_mail.pk]
    assertContains(page, '<td class="field-source">E-mail</td>', html=True)
    assertContains(client.get(change_url(by_mail)), "E-mail")
