"""Every public form and every URL with a token, at its edges and beyond (T17, T28).

Valid input at every boundary (a 254-character e-mail address, each field at its longest, text in
any script with right-to-left marks and emoji) is saved and its e-mails go out; a NUL byte gets a
form error; and no input at all, found by hypothesis, gives a 5xx. SQLite accepts all of this, so
what matters is the run on Postgres (`.ci/run` runs the suite against it).
"""

from datetime import date
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from help_requests.models import HelpRequest
from notifications.models import OutboundEmail
from volunteers.models import PoolMember, RoleInterest

from .boundary import LONGEST_EMAIL, WORLD_TEXT
from .factories import HelpRequestFactory, PoolMemberFactory, RoleFactory
from .funding.factories import rate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


def longest(limit: int) -> str:
    """Text of exactly `limit` characters, in many scripts (no space at the end, which forms
    strip)."""
    return (WORLD_TEXT * (limit // len(WORLD_TEXT) + 1))[: limit - 1] + "."


@pytest.fixture(autouse=True)
def no_rate_limit(settings):
    settings.RATELIMIT_FORM_RATE = "100000/m"


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST as a browser does; e-mails queued on commit go out, as after a real request."""

    def send(url: str, data: dict):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return send


@pytest.fixture
def role(areas):
    return RoleFactory(slug="postmaster", area=areas["infrastructure"])


def help_request_at_its_limits() -> dict:
    return {
        "type": "help",
        "name": longest(150),
        "email": LONGEST_EMAIL,
        "organisation": longest(200),
        "area": "community",
        "kinds": ["funding", "advice", "infrastructure", "people", "other"],
        "title": longest(200),
        "description": longest(10_000),
        "needed_by": f"31 March {date.today().year + 1}",
        # A funding request at its limits: the largest line, reach and texts (funding.forms).
        "currency": "NGN",
        "event_kind": "other",  # no maximum
        "lines": "3",
        "line-0-description": longest(200),
        "line-0-category": "venue",
        "line-0-amount": "9999999999.99",
        "expected_reach": "10000000",
        "other_funding": longest(5_000),
        "sustainability": longest(5_000),
        "links": "\n".join(f"https://example.org/{'x' * 150}/{n}" for n in range(10)),
    }


def test_a_help_request_at_every_limit_is_saved_and_mailed(post, help_kinds, mailoutbox):
    rate("NGN", "0.00065")  # the form offers the currencies the PSF keeps a rate for
    data = help_request_at_its_limits()
    response = post("/help/new/", data)

    assert response.status_code == 302, response.context["form"].errors
    saved = HelpRequest.objects.get()
    for field in ("name", "email", "organisation", "title", "description"):
        assert getattr(saved, field) == data[field]
    assert str(saved.amount) == "9999999999.99"
    assert saved.funding.lines.get().description == data["line-0-description"]
    assert saved.funding.sustainability == data["sustainability"]
    assert {m.to[0] for m in mailoutbox} == {"psf@python.org", LONGEST_EMAIL}
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}


def test_a_hand_raised_at_every_limit_is_saved_and_mailed(post, role, mailoutbox):
    data = {
        "name": longest(150),
        "email": LONGEST_EMAIL,
        "availability": longest(200),
        "message": longest(5_000),
    }
    response = post("/roles/postmaster/", data)

    assert response.status_code == 302, response.context["form"].errors
    saved = RoleInterest.objects.get()
    assert (saved.name, saved.email, saved.message) == (
        data["name"],
        LONGEST_EMAIL,
        data["message"],
    )
    assert LONGEST_EMAIL in {m.to[0] for m in mailoutbox}


def test_a_pool_sign_up_at_every_limit_is_saved_and_mailed(post, areas, mailoutbox):
    data = {
        "name": longest(150),
        "email": LONGEST_EMAIL,
        "interests": list(areas),
        "skills": longest(2_000),
        "consent": "on",
    }
    response = post("/pool/join/", data)

    assert response.status_code == 302, response.context["form"].errors
    assert PoolMember.objects.get().signups.get().skills == data["skills"]
    [confirm] = mailoutbox
    assert confirm.to == [LONGEST_EMAIL]


def test_a_reply_at_its_limit_on_a_status_page_is_saved(post, help_kinds, mailoutbox):
    request = HelpRequestFactory(email=LONGEST_EMAIL, title=longest(200))
    response = post(request.get_absolute_url(), {"body": longest(10_000)})
    assert response.status_code == 302
    assert request.comments.get().body == longest(10_000)
    assert "psf@python.org" in {m.to[0] for m in mailoutbox}  # staff hear of the reply


@pytest.mark.parametrize(
    "field",
    [
        "name",
        "title",
        "description",
        "organisation",
        "links",
        "line-0-description",
        "sustainability",
        "other_funding",
    ],
)
def test_a_nul_byte_in_a_help_request_is_a_form_error(client, help_kinds, field):
    data = help_request_at_its_limits() | {field: "before\x00after"}
    response = client.post("/help/new/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not HelpRequest.objects.exists()


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/roles/postmaster/", "name"),
        ("/roles/postmaster/", "message"),
        ("/pool/join/", "name"),
        ("/pool/join/", "skills"),
    ],
)
def test_a_nul_byte_in_a_volunteer_form_is_a_form_error(client, role, url, field):
    data = {
        "name": "Ada",
        "email": "ada@example.org",
        "availability": "Weekends",
        "consent": "on",
        field: "before\x00after",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors


@pytest.mark.parametrize(
    "path",
    [
        "/help/status/%00/",
        "/pool/confirm/%00/",
        "/pool/unsubscribe/%00/",
        "/pool/preferences/%00/",
        "/privacy/link/%00/",
        "/pool/announcements/?page=%00",
        "/roles/%00/",
        "/roles/?q=%00",
        "/roles/?area=%00",
        "/roles/?page=%00",
        "/help/new/?type=%00",
        "/accounts/login/?next=%00",
        "/pool/join/?area=%00",
    ],
)
def test_a_nul_byte_in_a_url_is_never_a_server_error(client, role, path):
    assert client.get(path).status_code in {200, 302, 400, 404}


# Property-based: whatever people (or bots) send, no 5xx --------------------------------------

ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300)
PROPERTY = hypothesis_settings(  # examples: the profile (tests/conftest.py)
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def assert_not_a_server_error(response) -> None:
    assert response.status_code < 500, response.status_code


@PROPERTY
@given(data=st.fixed_dictionaries({}, optional={f: ANY_TEXT for f in help_request_at_its_limits()}))
def test_no_help_request_post_is_a_server_error(client, help_kinds, data):
    assert_not_a_server_error(client.post("/help/new/", data))


@PROPERTY
@given(
    url=st.sampled_from(["/roles/postmaster/", "/pool/join/", "/accounts/login/", "/privacy/"]),
    data=st.dictionaries(
        st.sampled_from(
            [
                *["name", "email", "availability", "message", "skills", "consent", "interests"],
                *["login", "password", "website"],
            ]
        ),
        ANY_TEXT,
    ),
)
def test_no_volunteer_or_sign_in_post_is_a_server_error(client, role, url, data):
    assert_not_a_server_error(client.post(url, data))


@PROPERTY
@given(
    prefix=st.sampled_from(
        ["/help/status/", "/pool/confirm/", "/pool/unsubscribe/", "/roles/", "/accounts/"]
    ),
    token=ANY_TEXT,
    query=ANY_TEXT,
)
def test_no_url_with_a_token_or_a_query_is_a_server_error(client, role, prefix, token, query):
    path = f"{prefix}{quote(token, safe='')}/?q={quote(query)}&area={quote(query)}"
    assert_not_a_server_error(client.get(path))
    assert_not_a_server_error(client.post(path, {"body": query, "List-Unsubscribe": query}))


@PROPERTY
@given(body=ANY_TEXT, title=ANY_TEXT)
def test_no_reply_or_correction_on_a_real_status_page_is_a_server_error(
    client, help_kinds, body, title
):
    request = HelpRequestFactory()
    member = PoolMemberFactory(confirmed_at=None)
    assert_not_a_server_error(client.post(request.get_absolute_url(), {"body": body}))
    assert_not_a_server_error(
        client.post(request.get_absolute_url(), {"body": body, "title": title})
    )
    assert_not_a_server_error(client.post(member.signups.get().confirm_url(), {"x": body}))


# Oversized and malformed requests (T17) ------------------------------------------------------


def test_a_megabyte_of_text_is_a_form_error_not_a_crash(client, help_kinds):
    data = help_request_at_its_limits() | {"description": "x" * 1_000_000}
    response = client.post("/help/new/", data)
    assert response.status_code == 200
    assert "description" in response.context["form"].errors
    assert not HelpRequest.objects.exists()


def test_a_body_that_is_not_utf8_is_never_a_server_error(client, help_kinds):
    body = b"type=help&title=\xff\xfe\xfd&description=\xc3\x28&email=a%40b.org"
    response = client.post("/help/new/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in {200, 400}
    assert not HelpRequest.objects.exists()


def test_too_many_fields_is_a_bad_request(client, help_kinds):
    data = help_request_at_its_limits() | {f"extra{n}": "x" for n in range(2_000)}
    assert client.post("/help/new/", data).status_code == 400
    assert not HelpRequest.objects.exists()
