"""/privacy/ says what each form keeps, why, who sees it and for how long, with the periods the
retention job uses; every page links to it, and every form that takes personal data links to
its part of it next to its consent or send button."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains

from ..factories import PoolMemberFactory, RoleFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page's words, tags and spacing removed."""
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.split())


def test_the_page_states_the_periods_the_retention_job_uses(client, settings):
    settings.RETENTION_SPAM_DAYS = 45
    settings.RETENTION_CLOSED_REQUEST_MONTHS = 18
    settings.RETENTION_POOL_LEFT_DAYS = 14
    settings.RETENTION_EMAIL_CONTEXT_DAYS = 120
    settings.POOL_CONFIRM_DAYS = 5
    settings.PRIVACY_LINK_MINUTES = 30

    words = text(client.get("/privacy/"))

    assert "18 months after it is closed, your name, address" in words
    assert "Requests closed as spam are deleted after 45 days, files and all." in words
    assert "Files are kept as long as their request's words" in words.replace("&#x27;", "'")
    assert "The copy is a ZIP file" in words
    assert "A sign-up not confirmed within 5 days is deleted. 14 days after you leave" in words
    assert "What an e-mail said is removed 120 days after it was sent" in words
    assert "It works once, for 30 minutes," in words


def test_the_page_says_who_sees_it_and_that_mail_goes_through_the_psfs_provider(client):
    words = text(client.get("/privacy/"))

    assert "PSF staff , on the Helpdesk's staff pages" in words.replace("&#x27;", "'")
    assert "The role's contact" in words.replace("&#x27;", "'")
    assert "E-mail goes out through the PSF's e-mail provider" in words.replace("&#x27;", "'")


def test_signed_in_people_get_their_buttons_and_others_the_link_form(client, user):
    anonymous = client.get("/privacy/")
    assertContains(anonymous, 'id="privacy-link-form"')
    assertNotContains(anonymous, 'href="/privacy/export.zip"')

    client.force_login(user)
    signed_in = client.get("/privacy/")
    assertContains(signed_in, '<a class="btn btn-primary" href="/privacy/export.zip">')
    assertContains(signed_in, 'href="/privacy/erase/"')
    assertNotContains(signed_in, 'id="privacy-link-form"')


def test_me_links_to_download_and_erase(client, user):
    client.force_login(user)
    page = client.get("/me/")
    assertContains(page, 'href="/privacy/export.zip" download>Download my data (ZIP)</a>')
    assertContains(page, 'href="/privacy/erase/">Erase my data and account</a>')


def test_staff_are_not_offered_erasure_on_me(staff_client):
    page = staff_client.get("/me/")
    assertContains(page, 'href="/privacy/export.zip"')
    assertNotContains(page, 'href="/privacy/erase/"')


def test_every_page_links_to_it_in_the_footer(client, areas):
    for url in ("/", "/roles/", "/pool/join/", "/privacy/", "/no-such-page/"):
        page = client.get(url)
        footer = page.content.decode().split('<footer class="site-footer')[1]
        assert '<a href="/privacy/">Privacy and your data</a>' in footer, url


@pytest.mark.parametrize(
    ("page", "section", "after"),
    [
        ("help", "help-requests", 'id="div_id_links"'),
        ("role", "interests", 'id="div_id_message"'),
        ("pool-join", "pool", 'id="div_id_consent"'),
        ("pool-preferences", "pool", 'id="preferences-consent"'),
    ],
)
def test_every_form_that_takes_personal_data_links_to_its_part(
    client, areas, help_kinds, page, section, after
):
    urls = {
        "help": "/help/new/",
        "role": RoleFactory(slug="postmaster").get_absolute_url() if page == "role" else "",
        "pool-join": "/pool/join/",
        "pool-preferences": (
            PoolMemberFactory().preferences_url() if page == "pool-preferences" else ""
        ),
    }
    html = client.get(urls[page]).content.decode()

    note = f'What we keep, why and for how long: <a href="/privacy/#{section}">'
    assert note in html
    assert f'id="{section}"' in client.get("/privacy/").content.decode()
    # Next to the consent or the last field, before the send button.
    assert html.index(after) < html.index(note) < html.index('id="submit-id-submit"')


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_whatever_the_data(client, user):
    client.force_login(user)
    few = queries(client, "/privacy/")
    PoolMemberFactory(email=user.email)
    for _ in range(5):
        PoolMemberFactory()
    assert queries(client, "/privacy/") == few
