"""Every e-mail looks like the site and reads on its own: one layout, one main button, the text
part as complete as the HTML part, dates as the pages write them, staff sent to the admin.

The e-mails are made by the real services (a request's whole life, a suggestion's, a volunteer's
hand, the pool, accounts, the staff digest) and rendered from their outbox rows as the worker
does. tests/e2e/test_email_rendering.py looks at the same e-mails in a browser at 390 px.
"""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.test import RequestFactory, override_settings

from accounts.adapters import AccountAdapter
from accounts.services import user_make_staff
from accounts.signals import on_user_logged_in
from attachments.models import Attachment
from funding.models import Decision, FundingRequest
from funding.services import funding_decision_record
from help_requests.models import HelpRequest
from help_requests.quarantine import help_request_attachment_quarantined
from help_requests.services import (
    help_request_nudge_overdue,
    help_request_submit,
    help_request_submitter_reply,
    help_request_triage,
)
from notifications.models import OutboundEmail
from notifications.rendering import email_render
from privacy.links import access_link_request
from psf_helpdesk.tasks import send_staff_digest
from volunteers.models import (
    POOL_CONSENT_TEXT,
    Announcement,
    PoolMailing,
    PoolMember,
    Role,
    RoleInterest,
)
from volunteers.services import (
    pool_join,
    pool_member_confirm,
    role_interest_register,
    role_interest_set_status,
    role_interests_escalate_stale,
    role_set_status,
)
from volunteers.services.mailings import (
    announcement_send,
    pool_mailing_run_batch,
    pool_weekly_digest,
)

from ..conftest import make_areas, make_help_kinds, make_other_staff, make_staff
from ..factories import PoolMemberFactory, RoleFactory
from ..funding.factories import line, make_funding_rules, open_round, submit_funding

pytestmark = pytest.mark.django_db

SITE = "https://helpdesk.python.org"
# Submitted on Monday 30 November 2026: the first answer is due three working days later.
MONDAY = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
DUE = "Thursday 3 December 2026"
ANNOUNCEMENT_LINK = "https://us.pycon.org/2027/events/sprints/"
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")

STAFF_EMAILS = (
    "help_requests/new_staff",
    "help_requests/new_staff (suggestion)",
    "help_requests/submitter_reply",
    "help_requests/overdue",
    "help_requests/overdue (escalated)",
    "help_requests/attachment_quarantined_staff",
    "staff_digest",
    "volunteers/interest_staff",
    "volunteers/interests_escalated",
)
NO_MAIN_ACTION = ("accounts/login_code", "accounts/security_notice", "volunteers/pool_announcement")


def _latest(template: str, to: str = "") -> OutboundEmail:
    rows = OutboundEmail.objects.filter(template=template)
    return (rows.filter(to=to) if to else rows).latest("pk")


def _run_mailings() -> None:
    """What the worker does with the pool's mailings: write their outbox rows, batch by batch."""
    for mailing in PoolMailing.objects.filter(status=PoolMailing.Status.SENDING):
        while not pool_mailing_run_batch(mailing_id=mailing.pk):
            pass


def _help_request_emails(staff, other_staff, help_kinds) -> dict[str, OutboundEmail]:
    rows: dict[str, OutboundEmail] = {}
    staff_inbox = "psf@python.org"
    with time_machine.travel(MONDAY, tick=False):
        request = help_request_submit(
            title="Venue money for PyLadies Lagos",
            description="We need a room for our monthly meetup of 40 people.",
            name="Grace Hopper",
            email="grace@example.org",
            organisation="PyLadies Lagos",
            area=HelpRequest.Area.COMMUNITY,
            kinds=[help_kinds["funding"], help_kinds["advice"]],
            amount=Decimal(500),
            currency="EUR",
        )
        rows["help_requests/new_staff"] = _latest("help_requests/new_staff", staff_inbox)
        rows["help_requests/receipt"] = _latest("help_requests/receipt")
        quote = Attachment.objects.create(  # as clamd's verdict leaves it (no file is read)
            owner=request,
            name="venue-quote.pdf",
            mime_type="application/pdf",
            size=68,
            sha256="0" * 64,
            file="ab/quote.pdf",
            scan_state=Attachment.ScanState.INFECTED,
            scan_detail="Win.Test.EICAR_HDB-1",
        )
        help_request_attachment_quarantined(attachment=quote)
        for template in ("attachment_quarantined", "attachment_quarantined_staff"):
            rows[f"help_requests/{template}"] = _latest(f"help_requests/{template}")
        suggestion = help_request_submit(
            type=HelpRequest.Type.SUGGESTION,
            title="A map of Python user groups",
            description="A page listing every user group with a map would help newcomers.",
            name="Ada Lovelace",
            email="ada@example.org",
        )
        rows["help_requests/new_staff (suggestion)"] = _latest("help_requests/new_staff")
        rows["help_requests/receipt (suggestion)"] = _latest("help_requests/receipt")
    with time_machine.travel(MONDAY + timedelta(hours=2), tick=False):
        for status in (HelpRequest.Status.TRIAGED, HelpRequest.Status.IN_PROGRESS):
            help_request_triage(help_request=request, by=staff, status=status)
        help_request_triage(help_request=request, by=staff, assignee=other_staff)
        help_request_triage(
            help_request=request,
            by=staff,
            status=HelpRequest.Status.WAITING,
            public_reply="Which dates is the meetup on, and how many people come?",
        )
        rows["help_requests/question"] = _latest("help_requests/question")
        help_request_triage(
            help_request=suggestion,
            by=staff,
            status=HelpRequest.Status.WAITING,
            public_reply="Would you like the map to show events too?",
        )
        rows["help_requests/question (suggestion)"] = _latest("help_requests/question")
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):  # Tuesday
        help_request_submitter_reply(help_request=request, body="Every second Saturday; 40 people.")
        rows["help_requests/submitter_reply"] = _latest("help_requests/submitter_reply")
        help_request_triage(
            help_request=request, by=staff, public_reply="Thank you. We will fund the room."
        )
        rows["help_requests/reply"] = _latest("help_requests/reply")
        help_request_triage(
            help_request=suggestion,
            by=staff,
            status=HelpRequest.Status.IN_PROGRESS,
            public_reply="Thank you: we passed it to the web team.",
        )
        rows["help_requests/reply (suggestion)"] = _latest("help_requests/reply")
        help_request_triage(
            help_request=request,
            by=staff,
            status=HelpRequest.Status.RESOLVED,
            public_reply="The grant is on its way.",
        )
        rows["help_requests/closed"] = _latest("help_requests/closed")
        help_request_triage(help_request=suggestion, by=staff, status=HelpRequest.Status.RESOLVED)
        rows["help_requests/closed (suggestion)"] = _latest("help_requests/closed")

    with time_machine.travel(MONDAY, tick=False):
        late = help_request_submit(
            title="Laptops for a Django Girls workshop",
            description="Ten laptops for a day.",
            name="Rosa Díaz",
            email="rosa@example.org",
            area=HelpRequest.Area.EVENTS,
            kinds=[help_kinds["infrastructure"]],
        )
        help_request_triage(help_request=late, by=staff, assignee=other_staff)
    help_request_nudge_overdue(today=date(2026, 12, 4))  # Friday: the assignee is reminded
    rows["help_requests/overdue"] = _latest("help_requests/overdue")
    help_request_nudge_overdue(today=date(2026, 12, 8))  # a working day later: staff hear
    rows["help_requests/overdue (escalated)"] = _latest("help_requests/overdue", staff_inbox)
    return rows


def _volunteer_emails(staff, areas) -> dict[str, OutboundEmail]:
    rows: dict[str, OutboundEmail] = {}
    postmaster = RoleFactory(
        title="Postmaster",
        slug="postmaster",
        area=areas["infrastructure"],
        contact_name="PSF Infrastructure team",
        contact_email="infrastructure-staff@python.org",
        first_task="Review last month's bounce reports.",
    )
    editor = RoleFactory(title="Website editor", slug="website-editor", area=areas["web"])
    with time_machine.travel(MONDAY, tick=False):
        interest = role_interest_register(
            role=postmaster,
            name="Katherine Johnson",
            email="katherine@example.org",
            availability="Two evenings a week",
            message="I ran Postfix for ten years.",
        )
        rows["volunteers/interest_staff"] = _latest("volunteers/interest_staff", "psf@python.org")
        rows["volunteers/interest_staff (contact)"] = _latest(
            "volunteers/interest_staff", "infrastructure-staff@python.org"
        )
        rows["volunteers/interest_receipt"] = _latest("volunteers/interest_receipt")
        role_interest_set_status(interest=interest, status=RoleInterest.Status.ONBOARDED, by=staff)
        rows["volunteers/interest_onboarded"] = _latest("volunteers/interest_onboarded")
        declined = role_interest_register(
            role=editor, name="Tim Peters", email="tim@example.org", availability="Weekends"
        )
        role_interest_set_status(
            interest=declined, status=RoleInterest.Status.DECLINED, by=staff, reason="filled"
        )
        rows["volunteers/interest_declined"] = _latest("volunteers/interest_declined")
        role_interest_register(
            role=editor, name="Mary Shelley", email="mary@example.org", availability="Evenings"
        )
    role_interests_escalate_stale(now=MONDAY + timedelta(days=8))
    rows["volunteers/interests_escalated"] = _latest("volunteers/interests_escalated")
    return rows


def _pool_emails(staff, areas) -> dict[str, OutboundEmail]:
    rows: dict[str, OutboundEmail] = {}
    with time_machine.travel(MONDAY, tick=False):
        member = pool_join(
            email="tomas@example.org",
            name="Tomás Rivera",
            interests=[areas["web"]],
            frequency=PoolMember.Frequency.AS_ROLES_OPEN,
            consent_text=POOL_CONSENT_TEXT,
        )
        rows["volunteers/pool_confirm"] = _latest("volunteers/pool_confirm")
        pool_member_confirm(signup=member.signups.get())
        rows["volunteers/pool_welcome"] = _latest("volunteers/pool_welcome")
        pool_join(email="tomas@example.org", name="Tomás", consent_text=POOL_CONSENT_TEXT)
        rows["volunteers/pool_already_member"] = _latest("volunteers/pool_already_member")
        PoolMemberFactory(
            email="weekly@example.org", frequency=PoolMember.Frequency.WEEKLY, interests=["web"]
        )
        draft = RoleFactory(
            title="Website editor for the PSF's pages about grants and sponsorship",
            slug="grants-pages-editor",
            area=areas["web"],
            status=Role.Status.DRAFT,
            opened_at=None,
            summary="Keep the grants pages clear and current.",
        )
        role_set_status(role=draft, status=Role.Status.OPEN)
        _run_mailings()
        rows["volunteers/pool_role_opened"] = _latest("volunteers/pool_role_opened")
    with time_machine.travel(MONDAY + timedelta(days=7), tick=False):
        pool_weekly_digest(today=(MONDAY + timedelta(days=7)).date())
        _run_mailings()
        rows["volunteers/pool_digest"] = _latest("volunteers/pool_digest")
        announcement = Announcement.objects.create(
            subject="PyCon US sprints",
            body=f"Come and sprint with us in May.\n\nEverything about the sprints: "
            f"{ANNOUNCEMENT_LINK}",
        )
        announcement_send(announcement=announcement, by=staff)
        _run_mailings()
        rows["volunteers/pool_announcement"] = _latest(
            "volunteers/pool_announcement", "tomas@example.org"
        )
    return rows


def _account_emails(staff) -> dict[str, OutboundEmail]:
    rows: dict[str, OutboundEmail] = {}
    adapter = AccountAdapter()
    key = "MQ:1vQ8Zx:3kH8r0cVYqbqYl2s1m9xJtC4e7Hn5aQ2Wf6uPz0oLkE"
    allauth_emails: dict[str, tuple[str, dict[str, Any]]] = {
        "accounts/confirm_email": (
            "account/email/email_confirmation_signup",
            {"activate_url": f"{SITE}/accounts/confirm-email/{key}/"},
        ),
        "accounts/password_reset": (
            "account/email/password_reset_key",
            {"password_reset_url": f"{SITE}/accounts/password/reset/key/1-{key}/"},
        ),
        "accounts/login_code": ("account/email/login_code", {"code": "K7QF2M"}),
        "accounts/unknown_account": (
            "account/email/unknown_account",
            {"signup_url": f"{SITE}/accounts/signup/"},
        ),
        "accounts/account_already_exists": (
            "account/email/account_already_exists",
            {"password_reset_url": f"{SITE}/accounts/password/reset/"},
        ),
        "accounts/security_notice": (
            "account/email/password_changed",
            {"timestamp": MONDAY, "ip": "203.0.113.9"},
        ),
    }
    for number, (name, (prefix, context)) in enumerate(allauth_emails.items()):
        adapter.send_mail(prefix, f"person{number}@example.org", context)  # under the daily cap
        rows[name] = _latest(name)
    user_make_staff(email="new-staff@python.org")
    rows["accounts/staff_welcome"] = _latest("accounts/staff_welcome")
    with time_machine.travel(MONDAY, tick=False):
        request = RequestFactory().get("/", HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64)")
        request.session = SessionStore()
        on_user_logged_in(sender=None, request=request, user=staff)
    rows["accounts/staff_sign_in"] = _latest("accounts/staff_sign_in")
    return rows


def _funding_emails(staff) -> dict[str, OutboundEmail]:
    rows: dict[str, OutboundEmail] = {}
    with time_machine.travel(MONDAY, tick=False):
        open_round(budget="10000")
        decisions = [
            ("funding/decision", Decision.Outcome.APPROVED, None),
            ("funding/decision (partial)", Decision.Outcome.PARTIAL, Decimal("1500")),
            ("funding/decision (declined)", Decision.Outcome.DECLINED, None),
        ]
        for number, (name, outcome, amount) in enumerate(decisions):
            address = f"organiser{number}@example.org"
            help_request = submit_funding(
                email=address, lines=[line("Venue deposit for two days", "venue", "2400")]
            )
            funding_decision_record(
                funding_request=FundingRequest.objects.get(pk=help_request.pk),
                by=staff,
                outcome=outcome,
                amount=amount,
                message="The round's budget covers the venue.\nTell us how the event went.",
            )
            rows[name] = _latest("funding/decision", address)
    return rows


def _privacy_emails() -> dict[str, OutboundEmail]:
    access_link_request(email="someone@example.org")
    return {"privacy/access_link": _latest("privacy/access_link")}


def make_every_email(staff, other_staff, help_kinds, areas) -> dict[str, EmailMultiAlternatives]:
    """Every e-mail the portal sends, by template (and variant), rendered as the worker does.

    Links point at SITE: set settings.SITE_URL to it first."""
    rows = {
        **_help_request_emails(staff, other_staff, help_kinds),
        **_volunteer_emails(staff, areas),
        **_pool_emails(staff, areas),
        **_account_emails(staff),
        **_funding_emails(staff),
        **_privacy_emails(),
    }
    with time_machine.travel(MONDAY + timedelta(hours=3), tick=False):
        help_request_submit(
            title="Is there a PSF logo for our meetup's banner?",
            description="We are printing a banner.",
            name="Lin Clark",
            email="lin@example.org",
            area=HelpRequest.Area.OTHER,
        )
    with time_machine.travel(MONDAY + timedelta(days=1, hours=-4), tick=False):  # Tuesday 05:30
        send_staff_digest()
    rows["staff_digest"] = _latest("staff_digest")
    return {name: email_render(email=row) for name, row in rows.items()}


@pytest.fixture(scope="module")
def every_email(django_db_setup, django_db_blocker) -> dict[str, EmailMultiAlternatives]:
    """Made once for the module (the tests only read the rendered e-mails), in a transaction
    rolled back at once: each test still starts from the database as the migrations left it."""
    with django_db_blocker.unblock(), override_settings(SITE_URL=SITE), transaction.atomic():
        make_funding_rules()
        emails = make_every_email(make_staff(), make_other_staff(), make_help_kinds(), make_areas())
        transaction.set_rollback(True)
    return emails


def test_every_template_is_made_by_the_catalogue(every_email, settings):
    """A new e-mail template must be added above, so the checks below cover it."""
    root = Path(settings.BASE_DIR) / "templates" / "emails"
    templates = {
        str(path.relative_to(root)).removesuffix(".subject.txt")
        for path in root.rglob("*.subject.txt")
    }
    made = {name.split(" (")[0] for name in every_email}
    assert templates == made


class Parts(HTMLParser):
    """What a layout check needs from an HTML part: links, buttons, resources, tags."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.buttons: list[tuple[str, str]] = []
        self.sources: list[str] = []
        self.tags: set[str] = set()
        self._button: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.add(tag)
        if "src" in attributes or "srcset" in attributes or "background" in attributes:
            self.sources.append(str(attributes.get("src") or attributes.get("srcset")))
        if tag == "a" and attributes.get("href"):
            self.hrefs.append(attributes["href"])
            if "email-button" in (attributes.get("class") or "").split():
                self._button = attributes["href"]
                self.buttons.append((attributes["href"], ""))

    def handle_data(self, data):
        if self._button is not None and data.strip():
            self.buttons[-1] = (self._button, self.buttons[-1][1] + data.strip())

    def handle_endtag(self, tag):
        if tag == "a":
            self._button = None


def html_of(message: EmailMultiAlternatives) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return str(content)


def in_text(href: str, text: str) -> bool:
    """A link of the HTML part is in the text part (an address written out, for mailto:)."""
    return href.removeprefix("mailto:") in text


def test_every_html_part_has_the_layout_and_loads_nothing_from_elsewhere(every_email):
    for name, message in every_email.items():
        html = html_of(message)
        parts = Parts(html)
        assert html.startswith("<!DOCTYPE html>"), name
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
        # The header: our wordmark on the dark blue bar with the yellow rule, no image.
        assert "background-color:#1e415e;border-bottom:4px solid #ffd343" in html, name
        assert '<span style="color:#ffd343;">PSF</span> Helpdesk</a>' in html, name
        # The footer, the one column and the system fonts.
        assert f'Python Software Foundation · <a href="{SITE}"' in html, name
        assert "max-width:600px" in html, name
        assert "'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif" in html, name
        assert "overflow-wrap:anywhere" in html, name  # long links wrap
        # Nothing is fetched when the e-mail opens: no images, style sheets, fonts or scripts.
        assert parts.sources == [], name
        assert not parts.tags & {"img", "link", "script", "iframe", "object", "svg"}, name
        assert "url(" not in html and "@import" not in html, name
        for href in parts.hrefs:
            ours = href.startswith((f"{SITE}/", "mailto:")) or href == SITE
            assert ours or (name == "volunteers/pool_announcement" and href == ANNOUNCEMENT_LINK), (
                name,
                href,
            )


def test_the_main_action_is_one_button_whose_link_the_text_part_gives_too(every_email):
    for name, message in every_email.items():
        buttons = Parts(html_of(message)).buttons
        if name in NO_MAIN_ACTION:
            assert buttons == [], name
            continue
        [(href, label)] = buttons
        assert label, name
        assert in_text(href, message.body), (name, href)


def test_the_text_part_has_every_link_of_the_html_part(every_email):
    for name, message in every_email.items():
        for href in Parts(html_of(message)).hrefs:
            assert in_text(href, message.body), (name, href)
        assert message.body.rstrip().endswith(
            f"Python Software Foundation · PSF Helpdesk\n{SITE}"
        ) or (
            name.startswith("volunteers/pool_")  # the pool's own links come after the footer
        ), name


def test_dates_are_written_as_the_pages_write_them(every_email):
    for name, message in every_email.items():
        for part in (message.subject, message.body, html_of(message)):
            without_links = re.sub(r"https?://\S+", "", part)
            assert not ISO_DATE.search(without_links), (name, ISO_DATE.search(without_links))
    assert f"a first answer by {DUE} at the latest" in every_email["help_requests/receipt"].body
    assert f"First answer due by: {DUE}" in every_email["help_requests/new_staff"].body
    for name in ("help_requests/receipt", "help_requests/new_staff"):
        assert DUE in html_of(every_email[name]), name
    overdue = every_email["help_requests/overdue"]
    assert overdue.subject == f"[HR-2026-0003] First answer overdue since {DUE}"
    assert f"first-answer date, {DUE}, without" in overdue.body
    # Answered on Tuesday 1 December: three working days on.
    assert "Friday 4 December 2026" in every_email["help_requests/submitter_reply"].body
    digest = every_email["staff_digest"]
    assert digest.subject.startswith("PSF Helpdesk digest Tuesday 1 December 2026:")
    assert "Confirmed Monday 30 November 2026, 09:30 UTC" in digest.body
    notice = every_email["accounts/security_notice"]
    assert "When: Monday 30 November 2026, 09:30 UTC" in notice.body


def test_staff_emails_send_staff_to_the_admin_and_do_not_invite_a_reply(every_email):
    for name in STAFF_EMAILS:
        message = every_email[name]
        assert message.reply_to == [], name
        assert "Reply-To" not in message.message(), name
        admin = [href for href, _ in Parts(html_of(message)).buttons]
        assert admin and admin[0].startswith(f"{SITE}/admin/"), name
        assert admin[0] in message.body, name
    for name in ("help_requests/new_staff", "help_requests/submitter_reply"):
        message = every_email[name]
        assert "not by replying to this e-mail" in message.body, name
        assert "kept with the request" in message.body, name


def test_the_roles_contact_is_told_how_to_reach_the_volunteer_and_to_tell_staff(every_email):
    contact = every_email["volunteers/interest_staff (contact)"]
    assert contact.to == ["infrastructure-staff@python.org"]
    assert contact.reply_to == []
    [(href, label)] = Parts(html_of(contact)).buttons
    assert (href, label) == ("mailto:katherine@example.org", "Write to Katherine Johnson")
    assert "writing to them at katherine@example.org" in contact.body
    assert "tell them at psf@python.org" in contact.body
    staff_copy = every_email["volunteers/interest_staff"]
    assert staff_copy.to == ["psf@python.org"]
    assert "writing to them at katherine@example.org" in staff_copy.body


def test_the_pool_confirmation_offers_no_way_out_of_a_pool_not_yet_joined(every_email):
    confirmation = every_email["volunteers/pool_confirm"]
    wire = confirmation.message()
    assert wire["List-Unsubscribe"] is None
    assert wire["List-Unsubscribe-Post"] is None
    for part in (confirmation.body, html_of(confirmation)):
        assert "/pool/unsubscribe/" not in part
        assert "/pool/preferences/" not in part
        assert "Leave" not in part
    [(href, _)] = Parts(html_of(confirmation)).buttons
    assert href.startswith(f"{SITE}/pool/confirm/")
    # The e-mails after joining keep their one-click way out.
    for name in ("volunteers/pool_welcome", "volunteers/pool_role_opened"):
        assert every_email[name].message()["List-Unsubscribe"].startswith(f"<{SITE}/pool/unsub")


def test_a_suggestion_is_not_promised_an_answer_nor_called_a_request(every_email):
    receipt = every_email["help_requests/receipt (suggestion)"]
    assert receipt.subject == "We received your suggestion HR-2026-0002"
    for part in (receipt.body, html_of(receipt)):
        assert "first answer" not in part.lower()
        assert DUE not in part
        assert "Thank you for your suggestion" in part
    for name in ("question", "reply", "closed"):
        message = every_email[f"help_requests/{name} (suggestion)"]
        assert message.subject.startswith("[HR-2026-0002]"), name
        for part in (message.subject, message.body, html_of(message)):
            assert "your request" not in part.lower(), name
            assert "request's" not in part and "request’s" not in part, name
        assert "suggestion" in message.body, name
    assert every_email["help_requests/closed (suggestion)"].subject == (
        "[HR-2026-0002] We have closed your suggestion"
    )
    # A request's receipt still makes its promise.
    assert f"first answer by {DUE}" in every_email["help_requests/receipt"].body


def test_mail_to_unverified_addresses_carries_none_of_the_words_typed(every_email):
    typed = ("Venue money", "A map of Python", "Grace Hopper", "Ada Lovelace", "Tomás")
    for name in (
        "help_requests/receipt",
        "help_requests/receipt (suggestion)",
        "volunteers/interest_receipt",
        "volunteers/pool_confirm",
        "privacy/access_link",
        # What staff's work sends there: their replies and decisions, never the words typed.
        "help_requests/reply",
        "help_requests/question",
        "help_requests/closed",
        "funding/decision",
        "funding/decision (declined)",
        "volunteers/interest_declined",
        "volunteers/interest_onboarded",
    ):
        message = every_email[name]
        for part in (message.subject, message.body, html_of(message)):
            for words in typed:
                assert words not in part, (name, words)


def test_the_submitter_reads_the_status_in_their_own_words_as_on_their_page(every_email):
    closed = every_email["help_requests/closed"]
    assert closed.subject == "[HR-2026-0001] Your request is answered"
    assert "Your request HR-2026-0001 is now answered." in closed.body
    assert "resolved" not in closed.body.lower()
