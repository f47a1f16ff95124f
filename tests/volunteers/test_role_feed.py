"""/roles/feed/: an Atom feed of the open roles that feed readers can follow."""

import html
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from volunteers.models import Role

from ..factories import RoleFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def read_feed(client) -> ElementTree.Element:
    response = client.get("/roles/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ElementTree.fromstring(response.content)  # noqa: S314 (our own feed)


def entries(feed: ElementTree.Element) -> list[dict[str, str]]:
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            # type="html": what a feed reader shows is the HTML-decoded text
            "summary": html.unescape(entry.findtext(f"{ATOM}summary")),
            "category": entry.find(f"{ATOM}category").get("term"),
        }
        for entry in feed.iter(f"{ATOM}entry")
    ]


def test_the_feed_lists_the_open_roles_newest_first_with_links_and_summaries(client, areas):
    RoleFactory(
        title="Postmaster",
        slug="postmaster",
        summary="Keep python.org's mail flowing.",
        area=areas["infrastructure"],
        opened_at=timezone.now() - timedelta(days=3),
    )
    RoleFactory(
        title="Website maintainer",
        slug="website-maintainer",
        summary="Keep www.python.org accurate.",
        area=areas["web"],
    )

    feed = read_feed(client)

    assert feed.findtext(f"{ATOM}title") == "PSF Helpdesk: open volunteer roles"
    assert entries(feed) == [
        {
            "title": "Website maintainer",
            "link": "http://testserver/roles/website-maintainer/",
            "summary": "Keep www.python.org accurate.",
            "category": "Websites and content",
        },
        {
            "title": "Postmaster",
            "link": "http://testserver/roles/postmaster/",
            "summary": "Keep python.org's mail flowing.",
            "category": "Infrastructure and servers",
        },
    ]


def test_drafts_and_closed_roles_are_not_in_the_feed(client, areas):
    RoleFactory(title="Open role")
    RoleFactory(title="Draft role", status=Role.Status.DRAFT, opened_at=None)
    RoleFactory(title="Filled role", status=Role.Status.FILLED)
    RoleFactory(title="Closed role", status=Role.Status.CLOSED)

    assert [entry["title"] for entry in entries(read_feed(client))] == ["Open role"]


def test_the_role_list_announces_the_feed_to_browsers_and_readers(client, areas):
    page = client.get("/roles/").content.decode()

    assert 'type="application/atom+xml"' in page
    assert 'href="/roles/feed/"' in page


def test_markup_in_a_summary_reaches_feed_readers_as_text(client, areas):
    RoleFactory(summary="<script>alert(1)</script> & <b>bold</b>", area=areas["web"])
    raw = client.get("/roles/feed/").content.decode()
    assert "&amp;lt;script&amp;gt;" in raw  # escaped twice: once for XML, once for HTML
    [entry] = entries(read_feed(client))
    assert entry["summary"] == "<script>alert(1)</script> & <b>bold</b>"
