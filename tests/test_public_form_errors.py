"""Every public form answers bad input the GOV.UK way, and a POST too many keeps what was typed.

For each form (help request, reply, correction, "I'm interested", joining the pool, pool
choices), a POST as a browser sends the form untouched gives: status 200, "Error: " first in the
title, an error summary with one link per problem, in the page's order, to the field (a group's
first box), each message once, above its input, after a hidden "Error:", named by the input's
(or the group's) aria-describedby, in the form's own words; what was typed is kept and nothing
is saved. One POST past the limit shows the same form, bound to what was typed, with status 429,
Retry-After and the reason at the top, and saves nothing.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape

import pytest
import time_machine
from django import forms
from django.utils import timezone

from help_requests.forms import CorrectionForm, ReplyForm, help_request_form_class
from help_requests.models import Comment, HelpRequest
from help_requests.services import help_request_triage
from notifications.models import OutboundEmail
from volunteers.forms import PoolJoinForm, PoolPreferencesForm, RoleFilterForm, RoleInterestForm
from volunteers.models import PoolConsent, PoolMember, RoleInterest

from .factories import PoolMemberFactory, RoleFactory

pytestmark = pytest.mark.django_db

# Django's own words, which no public form may show.
DJANGO_DEFAULTS = re.compile(
    r"This field is required|Enter a valid|Select a valid|Ensure this value|Ensure that there"
    r"|Enter a number|Enter a list of values|is not a valid value"
)


@dataclass
class Case:
    """A public form: where it is, what an untouched form posts, and what must come back."""

    url: str
    empty: dict  # what a browser posts when the person fills in nothing (or little)
    errors: dict[str, str]  # field: its message, in the page's order
    kept: list[str]  # HTML that shows what was typed
    valid: dict  # a POST the form accepts
    valid_kept: list[str]
    saved: Callable[[], object] = field(repr=False)  # what the form wrote, to compare
    groups: tuple[str, ...] = ()  # fields that are groups of boxes: the summary links to _0


def help_new(request) -> Case:
    request.getfixturevalue("help_kinds")
    empty = {
        "type": "help",
        "title": "",
        "description": "",
        "name": "",
        "email": "",
        "organisation": "PyLadies Lagos",
        "area": "",
        "needed_by": "",
        "links": "https://pyladies.com/lagos",
        "amount": "",
        "currency": "",
        "website": "",
    }
    return Case(
        url="/help/new/",
        empty=empty,
        errors={
            "title": "Enter a short title.",
            "description": "Tell us more about your request or suggestion.",
            "name": "Tell us your name, so we know who to answer.",
            "email": "We need your e-mail address to answer you.",
            "area": "Choose the area your request is about.",
            "kinds": "Tick at least one kind of help.",
        },
        kept=[
            'value="PyLadies Lagos"',
            "https://pyladies.com/lagos</textarea>",
            'value="help" id="id_type_0" required checked',
        ],
        valid=empty
        | {
            "title": "Venue money",
            "description": "A room for the meetup.",
            "name": "Grace Hopper",
            "email": "grace@example.org",
            "area": "community",
            "kinds": ["advice"],
        },
        valid_kept=['value="Venue money"', 'value="grace@example.org"', "A room for the meetup."],
        saved=lambda: (HelpRequest.objects.count(), OutboundEmail.objects.count()),
        groups=("kinds",),
    )


def _status_page(request, *, question: bool) -> HelpRequest:
    help_request = request.getfixturevalue("help_request")
    if question:
        staff = request.getfixturevalue("staff")
        for status in (HelpRequest.Status.TRIAGED, HelpRequest.Status.IN_PROGRESS):
            help_request_triage(help_request=help_request, by=staff, status=status)
        help_request_triage(
            help_request=help_request,
            by=staff,
            status=HelpRequest.Status.WAITING,
            public_reply="Which dates is the meetup on?",
        )
    return help_request


def reply(request) -> Case:
    help_request = _status_page(request, question=False)
    return Case(
        url=help_request.get_absolute_url(),
        empty={"body": "  "},
        errors={"body": "Write your reply."},
        kept=[],
        valid={"body": "The venue holds 80 people."},
        valid_kept=["The venue holds 80 people.</textarea>"],
        saved=lambda: Comment.objects.filter(by_submitter=True).count(),
    )


def correction(request) -> Case:
    help_request = _status_page(request, question=True)
    sent = {
        "body": "",
        "title": "",
        "description": "",
        "organisation": "PyLadies Lagos and Abuja",
        "amount": "500",
        "currency": "USD",
        "needed_by": "",
        "links": "",
    }
    return Case(
        url=help_request.get_absolute_url(),
        empty=sent,
        errors={
            "body": "Write your answer to our question.",
            "title": "Enter a short title.",
            "description": "Tell us more about your request or suggestion.",
        },
        kept=['value="PyLadies Lagos and Abuja"'],
        valid=sent | {"body": "On 14 March.", "title": "Venue, 14 March", "description": "A room."},
        valid_kept=["On 14 March.</textarea>", 'value="Venue, 14 March"'],
        saved=lambda: (
            Comment.objects.filter(by_submitter=True).count(),
            list(HelpRequest.objects.values_list("title", "organisation")),
        ),
    )


def role_interest(request) -> Case:
    request.getfixturevalue("areas")
    role = RoleFactory(slug="postmaster")
    empty = {
        "name": "",
        "email": "",
        "availability": "",
        "message": "I run Postfix.",
        "website": "",
    }
    return Case(
        url=role.get_absolute_url(),
        empty=empty,
        errors={
            "name": "Enter your name.",
            "email": "Enter your e-mail address.",
            "availability": "Tell us when you could help.",
        },
        kept=["I run Postfix.</textarea>"],
        valid=empty | {"name": "Ada", "email": "ada@example.org", "availability": "Weekends"},
        valid_kept=['value="Ada"', 'value="ada@example.org"', 'value="Weekends"'],
        saved=lambda: (RoleInterest.objects.count(), OutboundEmail.objects.count()),
    )


def pool_join(request) -> Case:
    request.getfixturevalue("areas")
    empty = {
        "email": "",
        "name": "",
        "interests": ["web"],
        "frequency": "weekly",
        "skills": "Django, writing docs",
        "website": "",
    }
    return Case(
        url="/pool/join/",
        empty=empty,
        errors={
            "email": "Enter your e-mail address.",
            "name": "Enter your name.",
            "consent": "Please tick the box: we only e-mail people who agree to it.",
        },
        kept=["Django, writing docs</textarea>", 'value="web" id="id_interests_1" checked'],
        valid=empty | {"email": "grace@example.org", "name": "Grace", "consent": "on"},
        valid_kept=['value="grace@example.org"', 'value="Grace"'],
        saved=lambda: (PoolMember.objects.count(), OutboundEmail.objects.count()),
    )


def pool_preferences(request) -> Case:
    request.getfixturevalue("areas")
    member = PoolMemberFactory(interests=["events"])
    return Case(
        url=member.preferences_url(),
        empty={"interests": ["web"]},
        errors={"frequency": "Choose what you would like to hear about."},
        kept=['value="web" id="id_interests_1" checked'],
        valid={"frequency": "instant", "interests": ["web"]},
        valid_kept=['value="instant" id="id_frequency_0" required checked'],
        saved=lambda: (
            PoolConsent.objects.count(),
            list(PoolMember.objects.values_list("frequency", "interests__code")),
        ),
        groups=("frequency",),
    )


CASES = {
    "help-new": help_new,
    "reply": reply,
    "correction": correction,
    "role-interest": role_interest,
    "pool-join": pool_join,
    "pool-preferences": pool_preferences,
}


@pytest.fixture(params=list(CASES))
def case(request) -> Case:
    return CASES[request.param](request)


def summary_links(html: str) -> list[tuple[str, str]]:
    """(target id, text) of each link in the error summary."""
    match = re.search(r'<div class="error-summary".*?</ul>', html, re.S)
    assert match, "no error summary"
    return [
        (target, unescape(text))
        for target, text in re.findall(r'<a href="#([^"]+)">(.*?)</a>', match[0], re.S)
    ]


def input_tag(html: str, id_: str) -> re.Match:
    match = re.search(rf'<(input|textarea|select)\b[^>]*\bid="{id_}"[^>]*>', html)
    assert match, f"no input #{id_}"
    return match


def assert_gov_uk_errors(response, errors: dict[str, str], groups: tuple[str, ...]) -> None:
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<title>Error: ", html), "the title does not start with Error:"
    form_at = html.index("<form")
    assert html.index('class="error-summary"') > form_at, "the summary is not in the form"
    assert not DJANGO_DEFAULTS.search(html), DJANGO_DEFAULTS.search(html)[0]
    assert "asteriskField" not in html and "Please correct" not in html

    targets = {name: f"id_{name}_0" if name in groups else f"id_{name}" for name in errors}
    links = summary_links(html)
    assert [target for target, _ in links] == list(targets.values())
    for (_, text), message in zip(links, errors.values(), strict=True):
        assert text == message, (text, message)  # the message, which names its field
    # The summary's order is the page's.
    positions = [input_tag(html, target).start() for target in targets.values()]
    assert positions == sorted(positions)

    for name, message in errors.items():
        error_id = f"id_{name}_error"
        assert html.count(f'id="{error_id}"') == 1, f"{name}: its message is not shown once"
        wrapper = html.index(f'id="div_id_{name}"')
        control = input_tag(html, targets[name])
        above = html[wrapper : control.start()]
        # The message is above the input, read as "Error: <message>".
        assert re.search(
            rf'<p id="{error_id}" class="field-error"><span class="d-block">'
            rf'<span class="visually-hidden">Error:</span> {re.escape(message)}</span>',
            unescape(above),
        ), f"{name}: no message above the input"
        assert 'aria-invalid="true"' in control[0], f"{name}: no aria-invalid"
        described = control[0] if name not in groups else above[above.index("<fieldset") :]
        assert re.search(rf'aria-describedby="[^"]*\b{error_id}\b', described), (
            f"{name}: the message does not describe the field"
        )


def test_an_untouched_form_is_answered_the_gov_uk_way_and_saves_nothing(client, case):
    before = case.saved()

    response = client.post(case.url, case.empty)

    assert_gov_uk_errors(response, case.errors, case.groups)
    html = response.content.decode()
    for typed in case.kept:
        assert typed in html, f"what was typed is lost: {typed}"
    assert case.saved() == before


def test_a_post_too_many_shows_the_form_again_with_what_was_typed_and_saves_nothing(
    client, case, settings
):
    settings.RATELIMIT_FORM_RATE = "1/m"
    before = case.saved()

    with time_machine.travel(timezone.now(), tick=False):
        client.post(case.url, case.empty)  # the one POST this minute allows
        response = client.post(case.url, case.valid)

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    html = unescape(response.content.decode())
    assert re.search(r"<title>Error: ", html)
    # The reason comes first in the summary, as plain text: it is about the whole form.
    first = re.search(r'class="error-summary-list">\s*<li>([^<]*)</li>', html)
    assert first, "the reason is not first in the error summary"
    assert first[1] == (
        "This form has been sent too many times from your connection, so nothing was saved. "
        "Wait a minute, then send it again: what you typed is still here."
    )
    for typed in case.valid_kept:
        assert unescape(typed) in html, f"what was typed is lost: {typed}"
    assert case.saved() == before


def test_the_words_follow_the_rate(client, settings, areas):
    settings.RATELIMIT_FORM_RATE = "1/5m"
    client.post("/pool/join/", {})

    response = client.post("/pool/join/", {})

    assert response.status_code == 429
    assert response["Retry-After"] == "300"
    assert "Wait 5 minutes, then send it again" in response.content.decode()


@pytest.mark.parametrize(
    ("rate", "seconds", "words"),
    [("1/5", "5", "a minute"), ("1/30s", "30", "a minute"), ("1/2h", "7200", "2 hours")],
)
def test_the_wait_is_the_window_django_ratelimit_counts_in(
    client, settings, areas, rate, seconds, words
):
    """Read as django-ratelimit reads it ("1/5" is five seconds: no unit means seconds)."""
    settings.RATELIMIT_FORM_RATE = rate
    with time_machine.travel(timezone.now(), tick=False):
        client.post("/pool/join/", {})
        response = client.post("/pool/join/", {})

    assert response.status_code == 429
    assert response["Retry-After"] == seconds
    assert f"Wait {words}, then send it again" in response.content.decode()


# Every message a field can give is the form's own ------------------------------------------


def public_forms(help_kinds, areas):
    return [
        help_request_form_class()(),
        ReplyForm(),
        CorrectionForm(),
        RoleInterestForm(),
        PoolJoinForm(),
        PoolPreferencesForm(),
        RoleFilterForm(),
    ]


def messages_a_field_can_give(form_field: forms.Field) -> list[str]:
    codes = []
    if form_field.required:
        codes.append("required")
    if getattr(form_field, "max_length", None):
        codes.append("max_length")
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        codes += ["invalid_list", "invalid_choice", "invalid_pk_value"]
    elif isinstance(form_field, forms.ChoiceField | forms.ModelChoiceField):
        codes.append("invalid_choice")
    if isinstance(form_field, forms.EmailField | forms.DateField | forms.DecimalField):
        codes.append("invalid")
    return codes


def test_every_message_a_public_field_can_give_is_its_own(help_kinds, areas):
    missing = []
    for form in public_forms(help_kinds, areas):
        for name, form_field in form.fields.items():
            if name == "website":  # the honeypot: nobody sees its messages
                continue
            for code in messages_a_field_can_give(form_field):
                message = str(form_field.error_messages.get(code, ""))
                if not message or DJANGO_DEFAULTS.search(message):
                    missing.append(f"{type(form).__name__}.{name}: {code}: {message!r}")
    assert not missing, "\n".join(missing)


# Labels say what is optional; personal fields fill themselves in ----------------------------


@pytest.mark.parametrize(
    ("url", "optional", "required"),
    [
        (
            "/help/new/",
            ["Organisation or project", "Links", "Other funding sources"],
            [
                "What would you like to do?",
                "A short title",
                "Tell us more",
                # Required for a request, not for a suggestion: the hints say so.
                "Your name",
                "Your e-mail address",
                "Which part of the community is this for?",
                "What kind of help do you need?",
                # Required for a funding request: the hint says so.
                "Needed by",
                "Currency",
                "What is the money for?",
                "What it is for",
                "Category",
                "Amount",
                "How many people will it reach?",
                "How will this sustain itself after the grant?",
            ],
        ),
        (
            "/roles/postmaster/",
            ["Anything you would like us to know"],
            ["Your name", "Your e-mail address", "When could you help?"],
        ),
        (
            "/pool/join/",
            ["What would you like to help with?", "Your skills and experience"],
            ["Your e-mail address", "Your name", "What would you like to hear about?"],
        ),
    ],
)
def test_labels_say_which_fields_are_optional_and_nothing_is_starred(
    client, help_kinds, areas, url, optional, required
):
    RoleFactory(slug="postmaster")

    html = unescape(client.get(url).content.decode())

    labels = [
        " ".join(text.split())
        for text in re.findall(
            r'<(?:label|legend)\b[^>]*class="form-label[^"]*"[^>]*>(.*?)</', html, re.S
        )
    ]
    for label in optional:
        assert f"{label} (optional)" in labels, labels
    for label in required:
        assert label in labels, labels
    assert "*" not in " ".join(labels)
    assert "asteriskField" not in html and "marked with *" not in html
    assert " novalidate>" in html


@pytest.mark.parametrize("url", ["/help/new/", "/roles/postmaster/", "/pool/join/"])
def test_personal_fields_have_autocomplete(client, help_kinds, areas, url):
    RoleFactory(slug="postmaster")

    html = client.get(url).content.decode()

    assert 'autocomplete="name"' in input_tag(html, "id_name")[0]
    assert 'autocomplete="email"' in input_tag(html, "id_email")[0]
    if url == "/help/new/":
        assert 'autocomplete="organization"' in input_tag(html, "id_organisation")[0]


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/help/new/", "Ask the PSF for help"),
        ("/roles/postmaster/", "Postmaster"),
        ("/pool/join/", "Join the volunteer pool"),
    ],
)
def test_each_form_page_title_is_its_heading(client, help_kinds, areas, url, heading):
    RoleFactory(slug="postmaster", title="Postmaster")

    html = client.get(url).content.decode()

    assert re.search(rf"<title>{heading} · Python Software Foundation</title>", html)
    assert re.search(rf"<h1[^>]*>{heading}</h1>", html)


def test_the_pool_choices_page_title_is_its_heading(client, areas):
    member = PoolMemberFactory()

    html = client.get(member.preferences_url()).content.decode()

    assert "<title>Your volunteer pool choices · Python Software Foundation</title>" in html
    assert "<h1>Your volunteer pool choices</h1>" in html


def test_a_bad_area_in_the_role_filter_is_explained_above_the_list(client, areas):
    response = client.get("/roles/", {"area": "no-such-area"})

    html = response.content.decode()
    assert response.status_code == 200
    assert summary_links(html) == [
        ("id_area", "There is no such area; showing every area instead.")
    ]
    assert html.index('id="id_area_error"') < input_tag(html, "id_area").start()
    assert 'aria-describedby="id_area_error"' in input_tag(html, "id_area")[0]
