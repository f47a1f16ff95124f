"""allauth's sign-in and sign-up pages speak the site's words and show errors the GOV.UK way.

The browser side (focus, axe-core, the Nu HTML Checker, no JavaScript) is in
tests/e2e/test_account_pages.py; this is the quick check that runs with `make test`.
"""

import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

SUFFIX = " · Python Software Foundation"


def text(fragment: str) -> str:
    """The words of an HTML fragment, tags dropped and white space collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def title_of(page: str) -> str:
    match = re.search(r"<title>(.*?)</title>", page, re.S)
    assert match, "the page has no <title>"
    return text(match.group(1))


def h1_of(page: str) -> str:
    headings = re.findall(r"<h1\b[^>]*>(.*?)</h1>", page, re.S)
    assert len(headings) == 1, f"expected one <h1>, found {headings}"
    return text(headings[0])


def labels_of(page: str) -> list[str]:
    return [text(label) for label in re.findall(r"<label\b[^>]*>(.*?)</label>", page, re.S)]


@pytest.mark.parametrize(
    ("url", "heading"),
    [("/accounts/login/", "Sign in"), ("/accounts/signup/", "Create an account")],
)
def test_title_is_the_heading_in_the_sites_words(client, url, heading):
    page = client.get(url).content.decode()

    assert h1_of(page) == heading
    assert title_of(page) == heading + SUFFIX


def test_sign_in_labels_are_sentence_case_without_colons(client):
    page = client.get("/accounts/login/").content.decode()

    assert labels_of(page) == ["E-mail address", "Password", "Keep me signed in"]
    assert "Remember Me" not in page
    assert "Sign In" not in page
    # The checkbox comes before its label, as a Bootstrap form-check.
    assert re.search(
        r'<div class="form-check">\s*<input type="checkbox" name="remember"[^>]*>\s*'
        r'<label class="form-check-label" for="id_remember">Keep me signed in</label>',
        page,
    )


def test_sign_up_labels_are_sentence_case(client):
    page = client.get("/accounts/signup/").content.decode()

    assert labels_of(page) == ["E-mail address", "Password", "Repeat your password"]
    assert "Sign Up" not in page
    assert "Signup" not in page
    assert "Password (again)" not in page


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/"])
def test_pages_name_no_host(client, url):
    page = client.get(url).content.decode()

    for host in ("testserver", "127.0.0.1", "localhost", "example.com"):
        assert host not in page


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/"])
def test_every_hint_and_error_the_inputs_point_at_exists(client, url):
    """aria-describedby names only ids on the page (the hint of the password field too)."""
    for response in (client.get(url), client.post(url, {})):
        page = response.content.decode()
        ids = set(re.findall(r'\sid="([^"]+)"', page))
        described = re.findall(r'aria-describedby="([^"]+)"', page)
        assert described, "no input points at a hint or an error"
        for value in described:
            assert set(value.split()) <= ids, f"{value!r} names an id that is not on {url}"


def test_empty_sign_up_shows_the_error_summary_and_saves_nothing(client):
    response = client.post("/accounts/signup/", {"email": "", "password1": "", "password2": ""})
    page = response.content.decode()

    assert response.status_code == 200
    assert title_of(page) == "Error: Create an account" + SUFFIX
    assert re.search(r"<form [^>]*\bnovalidate\b", page)
    summary = re.search(r'<div class="error-summary"(.*?)</div>', page, re.S)
    assert summary, "no error summary"
    assert 'role="alert"' in summary.group(0) and 'tabindex="-1"' in summary.group(0)
    assert "There is a problem" in summary.group(1)
    links = re.findall(r'<a href="(#[^"]+)">', summary.group(1))
    assert links == ["#id_email", "#id_password1", "#id_password2"]
    # The summary comes before the fields; each message sits above its input, which names it.
    assert page.index('class="error-summary"') < page.index('id="id_email"')
    assert page.index('id="id_email_error"') < page.index('id="id_email"')
    email_input = re.search(r'<input [^>]*id="id_email"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in email_input
    assert 'aria-describedby="id_email_error"' in email_input
    assert re.search(
        r'id="id_email_error"><span class="d-block"><span class="visually-hidden">Error:</span> ',
        page,
    )
    assert get_user_model().objects.count() == 0


def test_sign_up_keeps_what_was_typed(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "grace@example.org", "password1": "a long passphrase", "password2": "another"},
    )
    page = response.content.decode()

    assert title_of(page).startswith("Error: ")
    assert re.search(r'<input type="email" name="email" value="grace@example.org"', page)
    assert "The two passwords are not the same." in page
    assert re.search(r'<a href="#id_password2">Repeat your password: ', page)
    assert get_user_model().objects.count() == 0


def test_a_wrong_password_is_a_problem_with_the_form(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": "wrong"})
    page = response.content.decode()

    assert title_of(page) == "Error: Sign in" + SUFFIX
    summary = re.search(r'<ul class="error-summary-list">(.*?)</ul>', page, re.S).group(1)
    assert text(summary) == "The e-mail address or the password is not correct."


def test_account_pages_have_their_own_navigation(client, user):
    client.force_login(user)
    page = client.get("/accounts/email/").content.decode()

    nav = re.search(
        r'<nav class="account-nav[^>]*aria-label="Your account">(.*?)</nav>', page, re.S
    )
    assert nav, "no account navigation"
    links = re.findall(
        r'<a class="nav-link[^"]*"(?: aria-current="page")? href="([^"]+)">', nav.group(1)
    )
    assert links == [
        "/me/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/accounts/sessions/",
        "/accounts/logout/",
    ]
    assert 'aria-current="page" href="/accounts/email/"' in nav.group(1)
    assert h1_of(page) == "E-mail addresses"


@pytest.mark.parametrize(
    ("next_url", "shown"),
    [("/admin/help_requests/", True), ("//evil.example/", False), ("https://evil.example/", False)],
)
def test_the_way_back_after_setting_up_a_second_factor(client, user, next_url, shown):
    client.force_login(user)
    session = client.session
    session["mfa_setup_next"] = next_url
    session.save()

    page = client.get("/accounts/2fa/").content.decode()

    link = (
        f'<a class="btn btn-primary btn-lg" href="{next_url}">Continue to where you were going</a>'
    )
    assert (link in page) is shown
