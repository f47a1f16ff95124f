"""Every admin page is titled in staff's words: each list by what it lists ("Help requests"),
each record by what it is ("Help request HR-2026-0042: …"), never Django's "Select help
request to change" or "Change help request"."""

import re
from html import unescape

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils.text import capfirst

from .admin_rows import fill_admin_lists

pytestmark = pytest.mark.django_db

# Lists that are something else: the board's report and the Insights dashboard (pages of their
# own; the dashboard has no table) and the one funding policy (the list opens it).
NOT_LISTS = {"funding.boardreport", "funding.fundingpolicy", "insights.dashboard"}
REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label_lower)


@pytest.fixture
def rows(staff, help_kinds, areas, funding_rules):
    return fill_admin_lists(staff=staff)


def titles(response) -> tuple[str, str]:
    """The page's <h1> and <title>, as read."""
    html = response.content.decode()
    h1 = re.search(r"<h1>(.*?)</h1>", html, re.S)
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert h1 and title, html[:500]
    return unescape(h1.group(1)).strip(), unescape(title.group(1)).strip()


def test_each_list_is_titled_by_what_it_lists(staff_client, rows):
    seen, wrong = [], {}
    for model in REGISTERED:
        opts = model._meta
        if opts.label_lower in NOT_LISTS:
            continue
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = staff_client.get(url)
        assert response.status_code == 200, url
        h1, title = titles(response)
        seen.append(h1)
        if h1 != capfirst(opts.verbose_name_plural) or not title.startswith(f"{h1} | "):
            wrong[opts.label_lower] = (h1, title)

    assert not wrong
    assert "Help requests" in seen and len(seen) == len(REGISTERED) - len(NOT_LISTS)


def test_each_record_is_titled_by_what_it_is(staff_client, rows):
    seen, wrong = [], {}
    for model in REGISTERED:
        opts = model._meta
        if opts.label_lower in {"funding.boardreport", "insights.dashboard"}:
            continue
        obj = model._default_manager.order_by("pk").last()
        if obj is None:
            continue
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        response = staff_client.get(url)
        assert response.status_code == 200, url
        h1, title = titles(response)
        seen.append(h1)
        if h1 != f"{capfirst(opts.verbose_name)} {obj}" or not title.startswith(f"{h1} | "):
            wrong[opts.label_lower] = (h1, title)

    assert not wrong
    url = reverse("admin:help_requests_helprequest_change", args=[rows.pk])
    assert titles(staff_client.get(url))[0] == f"Help request {rows.reference}: {rows.title}"
    assert len(seen) >= len(REGISTERED) - 3  # every model with a row (the demo fills them)
