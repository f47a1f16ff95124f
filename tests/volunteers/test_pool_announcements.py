"""Staff write an announcement in the admin, preview it, test it on themselves and send it once
to its audience; the public ones are kept in an archive and an Atom feed."""

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.services import STAFF_GROUP
from notifications.models import OutboundEmail
from volunteers.models import Announcement, PoolMailing, PoolMember
from volunteers.services.mailings import announcement_send

from ..concurrency import errors, run_together
from ..conftest import ON_POSTGRES
from ..factories import PoolMemberFactory, StaffFactory
from ..signin import force_sign_in

pytestmark = pytest.mark.django_db

INSTANT = PoolMember.Frequency.AS_ROLES_OPEN
WEEKLY = PoolMember.Frequency.WEEKLY
ANNOUNCEMENTS = PoolMember.Frequency.ANNOUNCEMENTS

ADMIN = "/admin/volunteers/announcement/"
SUBJECT = "Sprint with us at PyCon US"
BODY = "Join the sprints <script>alert(1)</script>\n\nDetails: https://us.pycon.org/2026/"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def deliver(eager_celery, mailoutbox, django_capture_on_commit_callbacks):
    """Do something as the app does it (commit, then the worker's tasks); returns the e-mails
    it delivered."""

    def run(action, *args, **kwargs):
        before = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            response = action(*args, **kwargs)
        return response, mailoutbox[before:]

    return run


def to(messages) -> list[str]:
    return sorted(address for message in messages for address in message.to)


def text(response) -> str:
    return response.content.decode()


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def preview(page: str) -> str:
    found = re.search(r'<div class="announcement-preview">(.*?)</div>', page, re.S)
    assert found, "no preview on the page"
    return found.group(1)


@pytest.fixture
def pool(areas) -> dict[str, PoolMember]:
    def make(email, frequency, *interests, **state):
        return PoolMemberFactory(
            email=email, frequency=frequency, interests=list(interests), **state
        )

    return {
        "instant-web": make("instant-web@example.org", INSTANT, "web"),
        "weekly-web": make("weekly-web@example.org", WEEKLY, "web"),
        "news-web": make("news-web@example.org", ANNOUNCEMENTS, "web", "events"),
        "news-events": make("news-events@example.org", ANNOUNCEMENTS, "events"),
        "weekly-nothing": make("weekly-nothing@example.org", WEEKLY),
        "left-web": make("left@example.org", ANNOUNCEMENTS, "web", unsubscribed_at=timezone.now()),
        "pending-web": make("pending@example.org", INSTANT, "web", confirmed_at=None),
    }


AUDIENCES = {
    "web": (
        ["web"],
        [
            "instant-web@example.org",
            "news-web@example.org",
            "weekly-nothing@example.org",  # ticked no area: open to anything
            "weekly-web@example.org",
        ],
    ),
    "everyone": (
        [],
        [
            "instant-web@example.org",
            "news-events@example.org",
            "news-web@example.org",
            "weekly-nothing@example.org",
            "weekly-web@example.org",
        ],
    ),
}


def write_draft(staff_client, areas: list[str]) -> Announcement:
    response = staff_client.post(
        f"{ADMIN}add/",
        {"subject": SUBJECT, "body": BODY, "areas": areas, "is_public": "on", "_save": "Save"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Announcement.objects.get(subject=SUBJECT, sent_at=None)


# 8. Announcements in the admin --------------------------------------------------------------------


@pytest.mark.parametrize("audience", AUDIENCES)
def test_staff_write_preview_test_and_send_an_announcement_once(
    staff_client, staff, pool, deliver, settings, audience
):
    areas, expected = AUDIENCES[audience]
    draft = write_draft(staff_client, areas)
    assert draft.created_by == staff
    change = f"{ADMIN}{draft.pk}/change/"

    # The draft's page: how members will see it (escaped, links made links) and who gets it.
    page = text(staff_client.get(change))
    shown = preview(page)
    assert SUBJECT in shown
    assert ESCAPED in shown and "<script>alert" not in shown
    assert '<a href="https://us.pycon.org/2026/"' in shown
    assert f"{len(expected)} members, if sent now" in page
    assert "Send a test to me" in page and "Send to the pool" in page

    # A test goes to the staff member who asked, and nobody else.
    response, [test] = deliver(staff_client.post, f"{ADMIN}{draft.pk}/test/")
    assert response.status_code == 302
    assert test.to == [staff.email]
    assert test.subject == f"[Test] {SUBJECT}"
    assert "alert(1)" in test.body
    assert f"A test is on its way to {staff.email}." in said(response)
    assert not PoolMailing.objects.exists()
    draft.refresh_from_db()
    assert draft.sent_at is None

    # The send page says how many it goes to.
    page = text(staff_client.get(f"{ADMIN}{draft.pk}/send/"))
    assert f"It goes to <strong>{len(expected)} members</strong>" in page
    assert f'value="Send to {len(expected)} members"' in page
    assert ESCAPED in preview(page)

    # Sending: each member in the audience gets it once, whatever they chose to hear about.
    response, sent = deliver(staff_client.post, f"{ADMIN}{draft.pk}/send/")
    assert response.status_code == 302
    assert "Sending: the e-mails go out in batches." in said(response)
    assert to(sent) == expected
    assert {message.subject for message in sent} == {SUBJECT}
    assert all(ESCAPED in message.alternatives[0][0] for message in sent)
    draft.refresh_from_db()
    assert (draft.sent_at is not None, draft.sent_by) == (True, staff)

    # Sending again is refused, and sends nothing.
    response, again = deliver(staff_client.post, f"{ADMIN}{draft.pk}/send/")
    assert again == []
    assert f"“{SUBJECT}” was sent already; make a copy to send it again." in said(response)
    assert PoolMailing.objects.count() == 1
    assert "Make a copy to send it again." in text(staff_client.get(f"{ADMIN}{draft.pk}/send/"))

    # The record is read-only now, with its progress.
    page = text(staff_client.get(change))
    assert 'name="subject"' not in page and 'name="body"' not in page
    assert "Send a test to me" not in page and "Send to the pool" not in page
    n = len(expected)
    assert f"{n} queued: {n} sent, 0 failed, 0 waiting" in page
    staff_client.post(change, {"subject": "Changed", "body": "Changed", "_save": "Save"})
    draft.refresh_from_db()
    assert (draft.subject, draft.body) == (SUBJECT, BODY)


def test_the_progress_counts_failed_and_waiting_emails(staff_client, staff, pool, deliver):
    draft = write_draft(staff_client, ["web"])
    deliver(staff_client.post, f"{ADMIN}{draft.pk}/send/")
    rows = OutboundEmail.objects.filter(batch=draft.mailing.batch).order_by("pk")
    OutboundEmail.objects.filter(pk=rows[0].pk).update(status="failed", sent_at=None)
    OutboundEmail.objects.filter(pk=rows[1].pk).update(status="pending", sent_at=None)

    page = text(staff_client.get(f"{ADMIN}{draft.pk}/change/"))

    assert "4 queued: 2 sent, 1 failed, 1 waiting" in page
    assert f'href="/admin/notifications/outboundemail/?batch={draft.mailing.batch}"' in page


def test_make_a_copy_gives_an_unsent_draft_with_the_same_words_and_audience(
    staff_client, staff, pool, deliver
):
    original = write_draft(staff_client, ["web", "events"])
    deliver(staff_client.post, f"{ADMIN}{original.pk}/send/")

    response = staff_client.post(ADMIN, {"action": "make_copy", "_selected_action": [original.pk]})

    assert response.status_code == 302
    copy = Announcement.objects.exclude(pk=original.pk).get()
    assert (copy.subject, copy.body, copy.is_public) == (SUBJECT, BODY, True)
    assert {area.code for area in copy.areas.all()} == {"web", "events"}
    assert (copy.sent_at, copy.created_by) == (None, staff)
    page = text(staff_client.get(f"{ADMIN}{copy.pk}/change/"))
    assert 'name="subject"' in page and "Send to the pool" in page
    # The copy goes out once more, to the same people.
    _, sent = deliver(staff_client.post, f"{ADMIN}{copy.pk}/send/")
    assert len(sent) == 5  # the four in those areas, and one open to anything


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://...")
@pytest.mark.django_db(transaction=True)
def test_two_staff_sending_the_same_announcement_at_once_send_it_once(
    areas, eager_celery, mailoutbox
):
    members = [PoolMemberFactory(frequency=ANNOUNCEMENTS) for _ in range(3)]
    staff = [StaffFactory(), StaffFactory()]
    announcement = Announcement.objects.create(subject=SUBJECT, body="Hello.")

    results = run_together(
        2,
        lambda n: announcement_send(
            announcement=Announcement.objects.get(pk=announcement.pk), by=staff[n]
        ),
    )

    [refused] = errors(results)
    assert isinstance(refused, ValidationError)
    assert PoolMailing.objects.count() == 1
    assert to(m for m in mailoutbox if m.subject == SUBJECT) == sorted(m.email for m in members)


# 9. The public archive and its feed -------------------------------------------------------------


@pytest.fixture
def archive(staff) -> dict[str, Announcement]:
    def make(subject: str, when: datetime | None, public: bool = True, body: str = "Hello.."):
        announcement = Announcement.objects.create(subject=subject, body=body, is_public=public)
        if when is not None:
            with time_machine.travel(when, tick=False):
                announcement_send(announcement=announcement, by=staff)
        return announcement

    return {
        "older": make("Older news", datetime(2026, 1, 5, tzinfo=UTC), body=BODY),
        "newer": make("Newer news", datetime(2026, 2, 5, tzinfo=UTC)),
        "members only": make("Members only", datetime(2026, 3, 5, tzinfo=UTC), public=False),
        "draft": make("Still a draft", None),
    }


def test_the_archive_lists_sent_public_announcements_newest_first(client, archive):
    page = text(client.get("/pool/announcements/"))

    listed = re.findall(r'<h2 class="h5 mb-1"><a href="([^"]+)">([^<]+)</a>', page)
    assert listed == [
        (f"/pool/announcements/{archive['newer'].pk}/", "Newer news"),
        (f"/pool/announcements/{archive['older'].pk}/", "Older news"),
    ]
    assert "Members only" not in page and "Still a draft" not in page


def test_a_draft_or_members_only_announcement_is_not_found(client, archive):
    for key in ("draft", "members only"):
        assert client.get(f"/pool/announcements/{archive[key].pk}/").status_code == 404
    assert client.get("/pool/announcements/999999/").status_code == 404
    assert client.get(f"/pool/announcements/{archive['newer'].pk}/").status_code == 200


def test_an_archived_announcement_shows_its_body_as_text(client, archive):
    page = text(client.get(f"/pool/announcements/{archive['older'].pk}/"))

    assert "<h1>Older news</h1>" in page
    assert ESCAPED in page
    assert "<script>alert(1)" not in page
    assert '<a href="https://us.pycon.org/2026/"' in page
    assert "Monday 5 January 2026" in page


def test_the_atom_feed_lists_the_same_announcements(client, archive):
    response = client.get("/pool/announcements/feed/")

    assert response["Content-Type"].startswith("application/atom+xml")
    atom = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(response.content)  # noqa: S314 (our own feed)
    entries = feed.findall("a:entry", atom)
    assert [entry.findtext("a:title", namespaces=atom) for entry in entries] == [
        "Newer news",
        "Older news",
    ]
    links = [entry.find("a:link", atom).get("href") for entry in entries]
    assert links == [
        f"http://testserver/pool/announcements/{archive['newer'].pk}/",
        f"http://testserver/pool/announcements/{archive['older'].pk}/",
    ]
    summary = entries[1].find("a:summary", atom)
    assert summary.get("type") == "html"
    # Once the XML is read, the summary is HTML that shows the tag as text.
    assert ESCAPED in summary.text and "<script" not in summary.text


@pytest.fixture
def triager_client(client):
    """A browser session of a member of the PSF staff group (not a superuser)."""
    triager = StaffFactory(email="announcer@python.org", is_superuser=False)
    triager.groups.add(Group.objects.get(name=STAFF_GROUP))
    force_sign_in(client, triager)
    return client


@pytest.mark.parametrize("line_break", ["\r\n", "\n", "\r", "\u2028"], ids=repr)
def test_a_subject_with_a_line_break_is_refused_in_the_admin_and_never_sent(
    triager_client, staff, pool, deliver, line_break
):
    subject = f"Sprint with us{line_break}Bcc: everyone@example.org"
    response = triager_client.post(
        f"{ADMIN}add/", {"subject": subject, "body": BODY, "is_public": "on", "_save": "Save"}
    )

    assert response.status_code == 200
    assert "The subject must fit on one line" in text(response)
    assert not Announcement.objects.exists()
    # A draft written before the rule is not sent until its subject is mended.
    old = Announcement.objects.create(subject=subject, body=BODY, created_by=staff)
    response, sent = deliver(triager_client.post, f"{ADMIN}{old.pk}/send/")
    assert sent == []
    assert "The subject must fit on one line" in " ".join(said(response))
    old.refresh_from_db()
    assert old.sent_at is None and not PoolMailing.objects.exists()
