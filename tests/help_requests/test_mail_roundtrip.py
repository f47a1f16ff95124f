"""A staff reply sent from the admin, answered from a mail client, lands on its request once.

The submitter answers either the way most clients do (In-Reply-To naming the e-mail they got,
no References, sent to psf@) or to the plus address alone (a client that keeps only Reply-To).
Either way intake (mail_in.services.mail_intake) must find the request: the submitter has two,
and the subject names neither, so only the thread can tell. The same message fed twice is one
reply (docs/mail-in.md, "Threads")."""

from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from help_requests.models import Comment, HelpRequest
from help_requests.services import help_request_submit
from mail_in.models import InboundMessage
from mail_in.services import mail_intake
from notifications.models import OutboundEmail

from ..signin import sign_in
from .test_admin import change_form_data, change_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

SUBMITTER = "grace@example.org"


def submit(title: str) -> HelpRequest:
    return help_request_submit(
        title=title,
        description="For our monthly meetup.",
        name="Grace Hopper",
        email=SUBMITTER,
        area=HelpRequest.Area.COMMUNITY,
    )


@pytest.fixture
def staff_reply(client, triager, help_kinds, mailoutbox, django_capture_on_commit_callbacks):
    """Two requests from Grace; a plain staff member answers the older one in the admin. The
    e-mail she received, as sent."""
    answered = submit("Venue money for PyLadies Lagos")
    submit("Stickers for PyLadies Lagos")
    sign_in(client, triager)
    page = client.get(change_url(answered))
    data = change_form_data(page, public_reply="Which date is the meetup?")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(answered), data)
    assert response.status_code == 302
    (sent,) = [m for m in mailoutbox if m.to == [SUBMITTER] and "replied" in m.subject]
    return answered, sent


def answer(*, to: str, in_reply_to: str = "") -> bytes:
    """Grace's answer as her mail client sends it: her words above the quoted e-mail."""
    message = EmailMessage()
    message["From"] = f"Grace Hopper <{SUBMITTER}>"
    message["To"] = to
    message["Subject"] = "Re: The PSF replied to your request"  # no reference in it
    message["Message-ID"] = make_msgid(domain="mail.example.org")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    message.set_content(
        "It is on 14 March.\n\nOn Monday, PSF Helpdesk wrote:\n> Which date is the meetup?\n"
    )
    return message.as_bytes()


def submitter_replies(help_request: HelpRequest) -> list[Comment]:
    return list(Comment.objects.filter(request=help_request, by_submitter=True))


@pytest.mark.parametrize("way", ["in-reply-to only", "plus address only"])
def test_an_answer_from_a_mail_client_lands_on_the_request_once(staff_reply, way):
    answered, sent = staff_reply
    row = OutboundEmail.objects.get(to=SUBMITTER, template="help_requests/reply")
    assert sent.message()["Message-ID"] == f"<{row.message_id}>"
    if way == "in-reply-to only":
        raw = answer(to="psf@python.org", in_reply_to=sent.message()["Message-ID"])
    else:
        (plus,) = sent.reply_to
        raw = answer(to=plus)

    first, taken = mail_intake(raw=raw, door=InboundMessage.Door.COMMAND)
    again, taken_again = mail_intake(raw=raw, door=InboundMessage.Door.COMMAND)

    assert (taken, taken_again) == (True, False)
    assert again.pk == first.pk
    assert first.outcome == InboundMessage.Outcome.REPLY
    assert first.reference == answered.reference
    (reply,) = submitter_replies(answered)
    assert reply.body.startswith("It is on 14 March.")
    assert first.target == reply
    # Grace's other request got nothing, and no request was made of the answer.
    assert HelpRequest.objects.count() == 2
    assert Comment.objects.filter(by_submitter=True).count() == 1
