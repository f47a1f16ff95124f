"""Pool mail reaches only people who may be mailed, each person chooses what they hear from the
link in every e-mail, and every pool e-mail carries a one-click way out (RFC 8058)."""

import re
import secrets
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from volunteers.models import (
    POOL_CONSENT_TEXT,
    POOL_PREFERENCES_CONSENT_TEXT,
    Announcement,
    PoolConsent,
    PoolMember,
    Role,
)
from volunteers.services import (
    pool_join,
    pool_member_confirm,
    pool_member_suppress,
    pool_member_unsubscribe,
    role_set_status,
)
from volunteers.services.mailings import announcement_send, pool_weekly_digest

from ..factories import PoolMemberFactory, RoleFactory, StaffFactory

pytestmark = pytest.mark.django_db

INSTANT = PoolMember.Frequency.AS_ROLES_OPEN
WEEKLY = PoolMember.Frequency.WEEKLY
ANNOUNCEMENTS = PoolMember.Frequency.ANNOUNCEMENTS
BOUNCING = PoolMember.Suppression.BOUNCING
COMPLAINED = PoolMember.Suppression.COMPLAINED

LAST_WEEK = datetime(2026, 3, 4, 12, tzinfo=UTC)  # a Wednesday in ISO week 2026-W10
DIGEST_DAY = date(2026, 3, 9)  # the Monday after


@pytest.fixture
def deliver(eager_celery, mailoutbox, django_capture_on_commit_callbacks):
    """Do something as the app does it (commit, then the worker's tasks); returns the e-mails
    it delivered."""

    def run(action, *args, **kwargs) -> list:
        before = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            action(*args, **kwargs)
        return mailoutbox[before:]

    return run


def to(messages) -> list[str]:
    return sorted(address for message in messages for address in message.to)


def html_of(message) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


def link(text: str, settings, path: str) -> str:
    """The one absolute link to `path`<token>/ in an e-mail."""
    links = set(re.findall(re.escape(f"{settings.SITE_URL}{path}") + r"[\w-]+/", text))
    assert len(links) == 1, f"expected one {path} link, found {links}"
    return links.pop()


def draft(area, **fields) -> Role:
    return RoleFactory(area=area, status=Role.Status.DRAFT, opened_at=None, **fields)


def open_role(area, **fields) -> Role:
    role = draft(area, **fields)
    role_set_status(role=role, status=Role.Status.OPEN)
    return role


def send_role(deliver, area, **fields) -> list:
    role = draft(area, **fields)
    return deliver(role_set_status, role=role, status=Role.Status.OPEN)


def send_digest(deliver, area) -> list:
    with time_machine.travel(LAST_WEEK, tick=False):
        open_role(area, title="Last week's role")
    with time_machine.travel(datetime(2026, 3, 9, 7, tzinfo=UTC), tick=False):
        return deliver(pool_weekly_digest, today=DIGEST_DAY)


def send_announcement(deliver, area, **fields) -> list:
    announcement = Announcement.objects.create(
        subject="PyCon US sprints", body="Come and sprint with us.", **fields
    )
    return deliver(announcement_send, announcement=announcement, by=StaffFactory())


class Forms(HTMLParser):
    """The forms of a page: their attributes, fields (name, value, checked) and buttons."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._open: dict | None = None
        self._button: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._open = {**attributes, "fields": [], "buttons": []}
            self.forms.append(self._open)
        elif self._open is not None and tag in ("input", "textarea", "select"):
            self._open["fields"].append(attributes)
            if attributes.get("type") == "submit":
                self._open["buttons"].append(attributes.get("value", ""))
        elif self._open is not None and tag == "button":
            self._button = []

    def handle_data(self, data):
        if self._button is not None:
            self._button.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None
        elif tag == "button" and self._button is not None and self._open is not None:
            self._open["buttons"].append("".join(self._button).strip())
            self._button = None

    def with_button(self, label: str) -> dict | None:
        return next((form for form in self.forms if label in form["buttons"]), None)


def checked(form: dict, name: str) -> set[str]:
    return {
        field["value"]
        for field in form["fields"]
        if field.get("name") == name and "checked" in field
    }


# 5. Left, unconfirmed and suppressed members are never mailed -----------------------------------

KINDS = {
    "role opening": (INSTANT, send_role),
    "weekly digest": (WEEKLY, send_digest),
    "announcement": (ANNOUNCEMENTS, send_announcement),
}


@pytest.mark.parametrize("kind", KINDS)
def test_only_confirmed_members_still_in_the_pool_get_pool_mail(areas, deliver, kind):
    frequency, send = KINDS[kind]

    def make(email: str, **fields) -> PoolMember:
        return PoolMemberFactory(email=email, frequency=frequency, interests=["web"], **fields)

    make("in@example.org")
    make("left@example.org", unsubscribed_at=timezone.now())
    make("unconfirmed@example.org", confirmed_at=None)
    pool_member_suppress(member=make("bouncing@example.org"), reason=BOUNCING)
    pool_member_suppress(member=make("complained@example.org"), reason=COMPLAINED)
    # Left, then asked to come back, and has not used the new link yet.
    back = make("coming-back@example.org")
    pool_member_unsubscribe(member=back)
    pool_join(email=back.email, name="Back", consent_text=POOL_CONSENT_TEXT, frequency=frequency)

    sent = send(deliver, areas["web"])

    assert to(sent) == ["in@example.org"]


def suppressed_member_joins_again(areas, deliver, reason=BOUNCING) -> tuple[PoolMember, list]:
    member = PoolMemberFactory(email="ada@example.org", frequency=INSTANT, interests=["web"])
    pool_member_suppress(member=member, reason=reason)
    sent = deliver(
        pool_join,
        email="Ada@Example.org",
        name="Ada Lovelace",
        interests=[areas["web"]],
        consent_text=POOL_CONSENT_TEXT,
        frequency=INSTANT,
    )
    return member, sent


def test_a_suppressed_member_who_joins_again_is_mailed_again_once_confirmed(
    client, areas, deliver, settings
):
    member, [confirmation] = suppressed_member_joins_again(areas, deliver)
    assert confirmation.subject == "Please confirm you want to join the PSF volunteer pool"
    confirm_url = link(confirmation.body, settings, "/pool/confirm/")
    # Until the link is used, the address still gets nothing.
    assert send_role(deliver, areas["web"]) == []

    [welcome] = deliver(client.post, confirm_url.removeprefix(settings.SITE_URL))

    assert welcome.to == [member.email]
    assert welcome.subject == "Welcome to the PSF volunteer pool"
    member.refresh_from_db()
    assert (member.suppressed_at, member.suppressed_reason) == (None, "")
    assert member.is_subscribed
    [news] = send_role(deliver, areas["web"], title="Mail admin")
    assert (news.to, news.subject) == ([member.email], "A new volunteer role: Mail admin")


@pytest.mark.parametrize("state", ["suppressed", "left"])
def test_the_link_sent_to_someone_coming_back_offers_the_confirm_button(
    client, areas, deliver, settings, state
):
    """The link in the e-mail is opened first (GET): its page must let the person confirm."""
    if state == "suppressed":
        member, [confirmation] = suppressed_member_joins_again(areas, deliver)
    else:
        member = PoolMemberFactory(email="ada@example.org", frequency=INSTANT)
        pool_member_unsubscribe(member=member)
        [confirmation] = deliver(
            pool_join, email=member.email, name="Ada", consent_text=POOL_CONSENT_TEXT
        )
    confirm_url = link(confirmation.body, settings, "/pool/confirm/")

    page = client.get(confirm_url.removeprefix(settings.SITE_URL))

    assert page.status_code == 200
    html = page.content.decode()
    main = html.split("<main", 1)[-1].split(">", 1)[-1]
    said = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip()
    button = Forms(html).with_button("Confirm and join")
    assert button is not None, f"no way to confirm; the page says: {said[:200]}"
    assert button.get("method", "").lower() == "post"


# 6. Preferences through the link in every e-mail ------------------------------------------------


@pytest.fixture
def member(areas) -> PoolMember:
    return PoolMemberFactory(
        email="ada@example.org", name="Ada", frequency=WEEKLY, interests=["web", "events"]
    )


def test_the_preferences_page_shows_what_the_member_chose(client, member):
    response = client.get(member.preferences_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert "Your volunteer pool choices" in page
    assert "ada@example.org" in page
    form = Forms(page).with_button("Save my choices")
    assert checked(form, "frequency") == {"weekly"}
    assert checked(form, "interests") == {"web", "events"}
    assert POOL_PREFERENCES_CONSENT_TEXT in page


def test_a_member_saves_new_choices_with_a_plain_form_and_the_wording_is_kept(areas, member):
    browser = Client(enforce_csrf_checks=True)  # a browser without JavaScript: the form only
    page = browser.get(member.preferences_url()).content.decode()
    form = Forms(page).with_button("Save my choices")
    assert form["method"].lower() == "post"
    assert form.get("action", "") in ("", member.preferences_url())
    [csrf] = [f["value"] for f in form["fields"] if f.get("name") == "csrfmiddlewaretoken"]

    response = browser.post(
        form.get("action") or member.preferences_url(),
        {"csrfmiddlewaretoken": csrf, "frequency": "instant", "interests": ["support", "web"]},
    )

    assert response.status_code == 302
    assert response["Location"] == member.preferences_url()
    again = browser.get(response["Location"]).content.decode()
    assert "Your choices are saved." in again
    form = Forms(again).with_button("Save my choices")
    assert checked(form, "frequency") == {"instant"}
    assert checked(form, "interests") == {"support", "web"}
    member.refresh_from_db()
    assert member.frequency == INSTANT
    assert {area.code for area in member.interests.all()} == {"support", "web"}
    [consent] = PoolConsent.objects.filter(member=member)
    assert consent.text == POOL_PREFERENCES_CONSENT_TEXT
    assert (consent.frequency, consent.areas) == ("instant", ["support", "web"])


def test_what_a_member_chooses_is_what_they_are_sent(client, areas, member, deliver):
    client.post(member.preferences_url(), {"frequency": "announcements", "interests": ["web"]})
    assert send_role(deliver, areas["web"]) == []

    client.post(member.preferences_url(), {"frequency": "instant", "interests": ["support"]})
    assert send_role(deliver, areas["web"]) == []
    [news] = send_role(deliver, areas["support"], title="Python help desk")

    assert (news.to, news.subject) == ([member.email], "A new volunteer role: Python help desk")
    assert PoolConsent.objects.filter(member=member).count() == 2


def test_a_choice_that_is_not_offered_saves_nothing(client, member):
    response = client.post(member.preferences_url(), {"frequency": "daily", "interests": ["web"]})

    assert response.status_code == 200
    assert "Choose what you would like to hear about." in response.content.decode()
    member.refresh_from_db()
    assert member.frequency == WEEKLY
    assert not PoolConsent.objects.exists()


def test_a_wrong_preferences_link_is_not_found(client, member):
    for token in (secrets.token_urlsafe(32), member.unsubscribe_token):
        assert client.get(f"/pool/preferences/{token}/").status_code == 404
        assert client.post(f"/pool/preferences/{token}/", {"frequency": "instant"}).status_code == (
            404
        )


@pytest.mark.parametrize(
    "state", [{"unsubscribed_at": timezone.now()}, {"confirmed_at": None}], ids=["left", "pending"]
)
def test_someone_not_in_the_pool_is_told_so_and_can_change_nothing(client, areas, state):
    gone = PoolMemberFactory(email="gone@example.org", frequency=WEEKLY, **state)

    page = client.get(gone.preferences_url())
    posted = client.post(gone.preferences_url(), {"frequency": "instant"})

    for response in (page, posted):
        assert response.status_code == 200
        assert "Not in the volunteer pool" in response.content.decode()
        assert "Save my choices" not in response.content.decode()
    gone.refresh_from_db()
    assert gone.frequency == WEEKLY
    assert not PoolConsent.objects.exists()


def test_the_preferences_link_from_before_someone_left_is_dead_once_they_are_back(
    client, areas, deliver, settings
):
    """Links from before someone left stay dead (as the confirm and unsubscribe links do): the
    old preferences page would change the returned member's choices and show their new
    unsubscribe link."""
    member = PoolMemberFactory(email="ada@example.org", interests=["web"])
    old_preferences, old_leave = member.preferences_url(), member.unsubscribe_url()
    pool_member_unsubscribe(member=member)
    [confirmation] = deliver(
        pool_join, email=member.email, name="Ada", consent_text=POOL_CONSENT_TEXT
    )
    client.post(link(confirmation.body, settings, "/pool/confirm/").removeprefix(settings.SITE_URL))
    member.refresh_from_db()
    assert member.is_subscribed
    assert client.get(old_leave).status_code == 404

    response = client.get(old_preferences)

    assert response.status_code == 404, (
        "the old link still opens the page, with the new leave link "
        f"{member.unsubscribe_url()} in it: {member.unsubscribe_url() in response.content.decode()}"
    )


# 7. RFC 8058 headers and the preferences link on every pool e-mail ------------------------------


def welcome(areas, deliver):
    pending = PoolMemberFactory(email="ada@example.org", confirmed_at=None, interests=["web"])
    return pending, deliver(pool_member_confirm, signup=pending.signups.get())


def already_member(areas, deliver):
    member = PoolMemberFactory(email="ada@example.org")
    return member, deliver(
        pool_join, email="ada@example.org", name="Ada", consent_text=POOL_CONSENT_TEXT
    )


def role_opened(areas, deliver):
    member = PoolMemberFactory(email="ada@example.org", frequency=INSTANT, interests=["web"])
    return member, send_role(deliver, areas["web"])


def digest(areas, deliver):
    member = PoolMemberFactory(email="ada@example.org", frequency=WEEKLY, interests=["web"])
    return member, send_digest(deliver, areas["web"])


def announcement(areas, deliver):
    member = PoolMemberFactory(email="ada@example.org", frequency=ANNOUNCEMENTS)
    return member, send_announcement(deliver, areas["web"])


MAILS = {
    "welcome": (welcome, "Welcome to the PSF volunteer pool"),
    "already a member": (already_member, "You are already in the PSF volunteer pool"),
    "role opened": (role_opened, "A new volunteer role: "),
    "weekly digest": (digest, "New volunteer roles this week (1)"),
    "announcement": (announcement, "PyCon US sprints"),
}


@pytest.mark.parametrize("mail", MAILS)
def test_every_pool_email_has_one_click_unsubscribe_and_the_preferences_link(
    client, areas, deliver, settings, mail
):
    make, subject = MAILS[mail]
    member, [message] = make(areas, deliver)
    member.refresh_from_db()
    assert message.subject.startswith(subject)
    unsubscribe = f"{settings.SITE_URL}{member.unsubscribe_url()}"
    one_click = f"{settings.SITE_URL}{member.unsubscribe_one_click_url()}"
    preferences = f"{settings.SITE_URL}{member.preferences_url()}"

    # As the mail client reads them, after the message is put on the wire.
    wire = message.message()
    assert wire["List-Unsubscribe"] == f"<{one_click}>"
    assert wire["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link(message.body, settings, "/pool/preferences/") == preferences
    assert f'href="{preferences}"' in html_of(message)
    assert link(message.body, settings, "/pool/unsubscribe/") == unsubscribe  # the page

    # The mail client's one click (RFC 8058: a POST with that body, no cookie, no CSRF token).
    response = Client(enforce_csrf_checks=True).post(
        one_click.removeprefix(settings.SITE_URL),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert not member.is_subscribed
