"""Incoming mail in the admin: staff see each message and what it became, read it whole,
download it as it came, and decide on the quarantine; without the permission, nothing."""

import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import STAFF_GROUP
from help_requests.models import HelpRequest
from mail_in.models import InboundMessage, MailboxState
from mail_in.services import mail_intake
from notifications.models import OutboundEmail

from ..factories import StaffFactory
from ..signin import sign_in
from .letters import letter

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("conversations_handler")]

LIST = "/admin/mail_in/inboundmessage/"
Outcome = InboundMessage.Outcome


@pytest.fixture
def mail_staff(client):
    """A plain member of the PSF staff group (not a superuser), signed in."""
    person = StaffFactory(email="mail.reader@python.org", is_superuser=False)
    person.groups.add(Group.objects.get(name=STAFF_GROUP))
    sign_in(client, person)
    return client


@pytest.fixture
def outsider(client):
    """Staff, but without the permissions of the PSF staff group."""
    sign_in(client, StaffFactory(email="events.volunteer@python.org", is_superuser=False))
    return client


def take(raw: bytes) -> InboundMessage:
    return mail_intake(raw=raw, door=InboundMessage.Door.IMAP)[0]


@pytest.fixture
def spam() -> InboundMessage:
    return take(letter(subject="Cheap watches", body="Buy now", headers={"X-Spam-Flag": "YES"}))


def test_the_list_shows_each_message_and_what_it_became(mail_staff, spam):
    new = take(letter(subject="Room for our meetup"))
    request = HelpRequest.objects.get()

    page = mail_staff.get(LIST).content.decode()

    assert "Room for our meetup" in page and "Cheap watches" in page
    assert (
        f'<a href="/admin/help_requests/helprequest/{request.pk}/change/">{new.reference}</a>'
        in page
    )
    assert "Flagged as spam upstream" in page  # the reason, in words
    assert "Quarantined" in page and "New request" in page


def test_a_reply_links_to_the_request_it_is_on(mail_staff):
    take(letter(subject="First"))
    request = HelpRequest.objects.get()
    reply = take(letter(subject=f"Re: [{request.reference}] First"))
    assert reply.outcome == Outcome.REPLY

    page = mail_staff.get(LIST).content.decode()

    assert page.count(f"/admin/help_requests/helprequest/{request.pk}/change/") == 2


def test_the_list_filters_and_searches(mail_staff, spam):
    take(letter(subject="Room for our meetup", sender="ada@example.org"))

    quarantined = mail_staff.get(LIST, {"outcome__exact": "quarantined"}).content.decode()
    by_sender = mail_staff.get(LIST, {"q": "ada@example"}).content.decode()
    by_reason = mail_staff.get(LIST, {"reason__exact": "spam", "door__exact": "imap"})

    assert "Cheap watches" in quarantined and "Room for our meetup" not in quarantined
    assert "Room for our meetup" in by_sender and "Cheap watches" not in by_sender
    assert "Cheap watches" in by_reason.content.decode()


def test_the_list_says_when_intake_is_off(mail_staff, settings):
    settings.MAIL_IMAP_URL = settings.MAIL_INBOUND_SECRET = ""
    assert "Intake is off" in mail_staff.get(LIST).content.decode()

    settings.MAIL_INBOUND_SECRET = "s3cret"
    assert "Intake is off" not in mail_staff.get(LIST).content.decode()


def test_the_list_shows_how_each_mailbox_reads(mail_staff):
    MailboxState.objects.create(
        mailbox="psf@imap.example.org/INBOX",
        last_polled_at=timezone.now(),
        last_error="Connection refused",
    )
    page = mail_staff.get(LIST).content.decode()

    assert "psf@imap.example.org/INBOX" in page and "Connection refused" in page


def test_the_change_page_shows_the_whole_message_and_its_download(mail_staff):
    message = take(
        letter(
            subject="Room", body="Hello\n\n> quoted history\nBye", headers={"Cc": "ada@example.org"}
        )
    )
    page = mail_staff.get(f"{LIST}{message.pk}/change/").content.decode()

    assert "&gt; quoted history" in page  # the whole text, quotes included
    assert "<dt>Cc</dt><dd>ada@example.org</dd>" in page
    assert f"{LIST}{message.pk}/raw/" in page
    assert message.detail in page
    assert 'name="_save"' not in page  # read only


@pytest.mark.parametrize(
    ("section", "label"), [("Headers", "Headers:"), ("The whole message as text", "Text:")]
)
def test_a_section_of_one_field_is_named_by_its_heading(mail_staff, spam, section, label):
    """On screen the heading alone names it (the label is hidden there: static/css/admin.css);
    the section is labelled by its heading, and the label is kept for screen readers."""
    page = mail_staff.get(f"{LIST}{spam.pk}/change/").content.decode()

    found = re.search(
        r'<fieldset class="module aligned one-field" aria-labelledby="([\w-]+)">\s*'
        rf'<h2 id="\1" class="fieldset-heading">{section}</h2>(.*?)</fieldset>',
        page,
        re.S,
    )
    assert found, section
    assert re.findall(r"<label>(.*?)</label>", found[2]) == [label]


def test_staff_download_the_raw_message_and_it_is_recorded(mail_staff, spam):
    response = mail_staff.get(f"{LIST}{spam.pk}/raw/")

    assert response.status_code == 200
    assert response["Content-Type"] == "message/rfc822"
    assert "attachment" in response["Content-Disposition"]
    with spam.raw.open("rb") as handle:
        assert b"".join(response.streaming_content) == handle.read()
    event = AuditEvent.objects.get(action=AuditEvent.Action.FILE_DOWNLOADED)
    assert event.actor_email == "mail.reader@python.org" and event.target_id == str(spam.pk)


def test_the_raw_message_is_gone_after_retention(mail_staff, spam):
    spam.raw.delete(save=True)

    assert mail_staff.get(f"{LIST}{spam.pk}/raw/").status_code == 404
    assert "No longer kept" in mail_staff.get(f"{LIST}{spam.pk}/change/").content.decode()


def test_a_stored_file_lost_from_storage_is_a_404(mail_staff, spam):
    spam.raw.storage.delete(spam.raw.name)

    assert mail_staff.get(f"{LIST}{spam.pk}/raw/").status_code == 404


def test_staff_without_the_permission_see_nothing(outsider, spam):
    assert outsider.get(LIST).status_code == 403
    assert outsider.get(f"{LIST}{spam.pk}/change/").status_code == 403
    assert outsider.get(f"{LIST}{spam.pk}/raw/").status_code == 403
    response = outsider.post(LIST, {"action": "release_messages", "_selected_action": [spam.pk]})
    assert response.status_code == 403
    spam.refresh_from_db()
    assert spam.outcome == Outcome.QUARANTINED


def test_turning_a_quarantined_message_into_a_request(mail_staff, spam):
    response = mail_staff.post(
        LIST, {"action": "release_messages", "_selected_action": [spam.pk]}, follow=True
    )

    spam.refresh_from_db()
    request = HelpRequest.objects.get()
    assert (spam.outcome, spam.reason, spam.target) == (Outcome.NEW_REQUEST, "", request)
    assert spam.reference == request.reference
    assert spam.decided_by.email == "mail.reader@python.org" and spam.decided_at
    assert request.title == "Cheap watches" and request.source == HelpRequest.Source.EMAIL
    assert "1 message(s) turned into a request." in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ADMIN_CHANGED, target_id=str(spam.pk)
    ).exists()


def test_the_buttons_on_the_change_page(mail_staff, spam):
    page = mail_staff.get(f"{LIST}{spam.pk}/change/").content.decode()
    assert 'value="release_messages">Turn into a request</button>' in page
    assert 'value="discard_messages">Discard</button>' in page

    mail_staff.post(
        f"{LIST}{spam.pk}/change/",
        {"CHANGE_FORM-action": "discard_messages", "_selected_action": spam.pk},
    )

    spam.refresh_from_db()
    assert spam.outcome == Outcome.DISCARDED and spam.reason == InboundMessage.Reason.SPAM
    assert not HelpRequest.objects.exists()
    page = mail_staff.get(f"{LIST}{spam.pk}/change/").content.decode()
    assert "Turn into a request</button>" not in page  # decided: no more buttons


def test_only_quarantined_messages_can_be_decided_on(mail_staff, spam):
    new = take(letter(subject="Fine"))
    emails = OutboundEmail.objects.count()

    response = mail_staff.post(
        LIST,
        {"action": "discard_messages", "_selected_action": [new.pk, spam.pk]},
        follow=True,
    )

    page = response.content.decode()
    assert "Fine: Only a quarantined message can be decided on; this one is already" in page
    assert "1 message(s) discarded." in page
    new.refresh_from_db()
    spam.refresh_from_db()
    assert (new.outcome, spam.outcome) == (Outcome.NEW_REQUEST, Outcome.DISCARDED)
    assert OutboundEmail.objects.count() == emails


def action_menu(page: str) -> bool:
    """Django's "Action:" menu, on a list or a change page."""
    return '<select name="action"' in page or '<select name="CHANGE_FORM-action"' in page


def boxes_ticked_for(page: str) -> list[str]:
    """The messages a list offers a box to tick for, by id."""
    return re.findall(r'class="action-select"[^>]*value="(\d+)"', page) + re.findall(
        r'value="(\d+)"[^>]*class="action-select"', page
    )


def test_a_list_of_decided_messages_offers_no_action(mail_staff, spam):
    new = take(letter(subject="Fine"))

    decided = mail_staff.get(LIST, {"outcome__exact": Outcome.NEW_REQUEST}).content.decode()
    assert "Fine" in decided
    assert not action_menu(decided)
    assert 'id="action-toggle"' not in decided and not boxes_ticked_for(decided)

    quarantined = mail_staff.get(LIST, {"outcome__exact": Outcome.QUARANTINED}).content.decode()
    assert action_menu(quarantined) and boxes_ticked_for(quarantined) == [str(spam.pk)]

    both = mail_staff.get(LIST).content.decode()
    assert action_menu(both)
    assert boxes_ticked_for(both) == [str(spam.pk)]  # none for the request it became
    assert "0 of 1 selected" in both
    assert '<td class="action-checkbox"></td>' in both  # an empty cell, not a dash
    assert new.outcome == Outcome.NEW_REQUEST


def test_the_change_page_of_a_decided_message_offers_no_action(mail_staff, spam):
    new = take(letter(subject="Fine"))

    page = mail_staff.get(f"{LIST}{new.pk}/change/").content.decode()
    assert not action_menu(page)
    assert "Turn into a request" not in page and "Discard" not in page

    quarantined = mail_staff.get(f"{LIST}{spam.pk}/change/").content.decode()
    assert not action_menu(quarantined)  # the two buttons are its actions
    assert 'value="release_messages">Turn into a request</button>' in quarantined


def test_a_decision_sent_for_a_decided_message_is_refused_in_the_service_s_words(mail_staff, spam):
    """A page left open while someone else decided: the button still posts."""
    mail_staff.post(
        f"{LIST}{spam.pk}/change/",
        {"CHANGE_FORM-action": "discard_messages", "_selected_action": spam.pk},
    )
    emails = OutboundEmail.objects.count()

    response = mail_staff.post(
        f"{LIST}{spam.pk}/change/",
        {"CHANGE_FORM-action": "release_messages", "_selected_action": spam.pk},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == f"{LIST}{spam.pk}/change/"
    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert errors == [
        "Cheap watches: Only a quarantined message can be decided on; this one is already "
        "“Discarded by staff”."
    ]
    spam.refresh_from_db()
    assert spam.outcome == Outcome.DISCARDED
    assert not HelpRequest.objects.exists() and OutboundEmail.objects.count() == emails


def test_many_refusals_are_counted_not_each_said(mail_staff):
    decided = [take(letter(subject=f"Fine {n}", sender=f"p{n}@example.org")) for n in range(12)]

    response = mail_staff.post(
        LIST,
        {"action": "discard_messages", "_selected_action": [m.pk for m in decided]},
        follow=True,
    )

    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 11
    assert errors[-1] == "2 more message(s) were left as they were."
    assert {m.outcome for m in InboundMessage.objects.all()} == {Outcome.NEW_REQUEST}


def test_a_released_message_whose_raw_is_gone_is_made_from_what_was_recorded(mail_staff, spam):
    spam.raw.delete(save=True)
    mail_staff.post(LIST, {"action": "release_messages", "_selected_action": [spam.pk]})

    request = HelpRequest.objects.get()
    assert (request.title, request.email) == ("Cheap watches", "grace@example.org")
    assert "Buy now" in request.description


def test_nobody_adds_or_deletes_messages_here(mail_staff, spam):
    assert mail_staff.get(f"{LIST}add/").status_code == 403
    assert mail_staff.get(f"{LIST}{spam.pk}/delete/").status_code == 403
    assert InboundMessage.objects.count() == 1
