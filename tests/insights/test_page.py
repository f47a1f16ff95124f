"""The dashboard page for staff with the permission: the period form (GET, GOV.UK errors), each
chart as an SVG picture with no script under a strict CSP, its table and its CSV."""

import csv
import io
import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from volunteers.models import Role

from ..factories import RoleFactory, RoleInterestFactory
from ..signin import force_sign_in

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("admin:insights_dashboard_changelist")


def svg_url(key, query="range=4w"):
    return reverse("admin:insights_chart_svg", args=[key]) + "?" + query


def csv_url(key, query="range=4w"):
    return reverse("admin:insights_chart_csv", args=[key]) + "?" + query


@pytest.mark.parametrize("url", [DASHBOARD, svg_url("received"), csv_url("received")])
def test_plain_staff_without_the_permission_are_refused(client, triager, url):
    force_sign_in(client, triager)

    assert client.get(url).status_code == 403


def test_the_admin_index_offers_the_dashboard_only_with_the_permission(client, triager, reader):
    force_sign_in(client, triager)
    assertNotContains(client.get(reverse("admin:index")), DASHBOARD)
    client.logout()
    force_sign_in(client, reader)
    assertContains(client.get(reverse("admin:index")), DASHBOARD)


def test_the_page_shows_every_chart_with_its_sentence_table_and_downloads(
    reader_client, help_world, today
):
    response = reader_client.get(DASHBOARD)

    assertContains(response, "<h1>Insights: how are we doing?</h1>", html=True)
    for key in ["received", "received-source", "first-answer", "backlog", "time-to-close",
                "roles", "days-to-fill", "interests", "interest-flow", "escalations",
                "pool-members", "pool-joins", "mailings", "rounds", "event-kinds",
                "decision-time", "budget-left"]:  # fmt: skip
        assertContains(response, f'src="{svg_url(key)}"')
        assertContains(response, f'href="{csv_url(key)}"')
    assertContains(response, "67% answered within 3 working days (4 of 6)")
    assertContains(response, "<caption>Help requests received per week, by area</caption>")
    assertContains(response, "<caption>Help requests received per week, by source</caption>")
    assertContains(response, "5 through the web form and 2 by e-mail: 29% by e-mail")
    assert not re.search(r"<script(?![^>]*\ssrc=)", response.text)  # no inline script


def test_a_chart_is_an_svg_with_no_script_and_its_own_strict_policy(reader_client, help_world):
    response = reader_client.get(svg_url("first-answer"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    body = response.content.decode()
    assert body.startswith("<svg") and "<script" not in body and " style=" not in body
    assert "javascript" not in body.lower()
    assert not re.search(r"\son\w+=", body)  # no event handler attribute
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy)[1]
    assert f'<style type="text/css" nonce="{nonce}">' in body
    assert "#2b5b84" in body  # the PSF blue


def test_the_page_keeps_the_sites_policy(reader_client, help_world):
    response = reader_client.get(DASHBOARD)

    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "img-src 'self'" in policy
    assert "<style" not in response.text  # no inline style element on the page
    assert not re.search(r'\sstyle="', response.text)


def test_the_csv_defuses_text_a_spreadsheet_would_run(reader_client, areas, today):
    role = RoleFactory(title='=HYPERLINK("http://evil.example")', status=Role.Status.OPEN)
    RoleInterestFactory(role=role)

    response = reader_client.get(csv_url("interests"))

    assert response["Content-Disposition"].startswith('attachment; filename="insights-interests-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Role", "New", "Contacted", "Onboarded", "Declined"]
    assert rows[1] == ['\'=HYPERLINK("http://evil.example")', "1", "0", "0", "0"]


def test_the_received_by_source_csv(reader_client, help_world, today):
    response = reader_client.get(csv_url("received-source"))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["Week", "Web form", "E-mail"],
        ["Week of 26 Oct", "1", "0"],
        ["Week of 2 Nov", "2", "1"],
        ["Week of 9 Nov", "1", "1"],
        ["Week of 16 Nov", "0", "0"],
        ["Week of 23 Nov", "1", "0"],
    ]


def test_an_unknown_chart_is_not_found(reader_client):
    assert reader_client.get(svg_url("nothing")).status_code == 404


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"range": "custom"}, "id_start", "Enter the first day of the period."),
        ({"range": "custom", "start": "2026-11-01"}, "id_end", "Enter the last day of the period."),
        (
            {"range": "custom", "start": "1 Nov", "end": "2026-11-20"},
            "id_start",
            "Enter the first day as a date, for example 2026-09-01.",
        ),
        (
            {"range": "custom", "start": "2026-11-20", "end": "2026-11-01"},
            "id_end",
            "The last day must be the same as or after the first day.",
        ),
        (
            {"range": "custom", "start": "2030-01-01", "end": "2030-02-01"},
            "id_start",
            "The first day must be today or before it.",
        ),
        (
            {"range": "custom", "start": "2020-01-01", "end": "2026-11-01"},
            "id_end",
            "Choose at most three years: the last day is too far on.",
        ),
        (
            {"range": "decade"},
            "id_range_0",
            "Select a valid choice. decade is not one of the available choices.",
        ),
    ],
)
def test_a_wrong_period_is_explained_above_its_field(reader_client, today, query, field, message):
    response = reader_client.get(DASHBOARD, query)

    assert response.status_code == 200
    assertContains(response, "<title>Error: Insights", count=1)
    assertContains(response, "There is a problem")
    assertContains(response, f'<a href="#{field}">{message}</a>', html=True)
    assertContains(response, f'<span class="visually-hidden">Error:</span> {message}')
    assertNotContains(response, "insights_chart")  # no chart for a period that is not one
    assertNotContains(response, ".svg?")


def test_a_custom_period_is_used_by_the_charts_and_their_links(reader_client, help_world, today):
    query = {"range": "custom", "start": "2026-11-09", "end": "2026-11-13"}

    response = reader_client.get(DASHBOARD, query)

    assertContains(response, "9 Nov 2026 to 13 Nov 2026")
    assertContains(
        response, svg_url("received", "range=custom&amp;start=2026-11-09&amp;end=2026-11-13")
    )
    rows = list(
        csv.reader(
            io.StringIO(
                reader_client.get(
                    csv_url("received", "range=custom&start=2026-11-09&end=2026-11-13")
                ).content.decode()
            )
        )
    )
    assert rows[1:] == [["Week of 9 Nov", "1", "1"]]  # C (code), D (events)


def test_the_board_report_links_to_the_dashboard(reader_client):
    response = reader_client.get(reverse("admin:funding_boardreport_changelist"))

    assertContains(response, f'href="{DASHBOARD}"')
