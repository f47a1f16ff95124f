"""The admin fits the screens staff use: every list at 1280 px wide shows all its columns
without scrolling sideways (long titles and e-mail addresses included), and "Record a
decision" fits a 390 px phone. At 390 px a list may scroll inside its table, never the page.

Screenshots: var/screenshots/test_every_admin_list_fits_1280_and_390-<model>-<width>.png and
test_the_decision_page_fits_390-decision.png."""

import pytest
from django.contrib import admin
from django.urls import reverse
from playwright.sync_api import Page

from funding.models import FundingRequest
from tests.admin_rows import LONG_TITLE, fill_admin_lists

from .helpers import admin_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

# The page's width and, for a list, its table's against the box it sits in.
MEASURE = """() => {
  const table = document.querySelector('#result_list');
  const box = table && table.closest('.results');
  return {
    page: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    table: table ? Math.ceil(table.getBoundingClientRect().width) : null,
    box: box ? box.clientWidth : null,
  };
}"""


def measure(page: Page) -> dict:
    return page.evaluate(MEASURE)


def changelists() -> list[tuple[str, str]]:
    return sorted(
        (
            model._meta.label_lower.replace(".", "-"),
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"),
        )
        for model in admin.site._registry
    )


@pytest.fixture
def rows(staff, help_kinds, areas, funding_rules):
    return fill_admin_lists(staff=staff)


def test_every_admin_list_fits_1280_and_390(page, staff, rows, screenshot):
    admin_login(page, staff)  # once: an authenticator code is good for one sign-in
    too_wide, scrolls_page = {}, {}

    for name, url in changelists():
        page.goto(url)
        screenshot(page, f"{name}-1280")
        sizes = measure(page)
        if sizes["page"] > sizes["viewport"] or (sizes["table"] or 0) > (sizes["box"] or 1e9):
            too_wide[name] = sizes
    page.set_viewport_size(PHONE)
    for name, url in changelists():
        page.goto(url)
        screenshot(page, f"{name}-390")
        sizes = measure(page)
        if sizes["page"] > sizes["viewport"]:
            scrolls_page[name] = sizes

    assert not too_wide, "\n".join(f"{name}: {sizes}" for name, sizes in too_wide.items())
    assert not scrolls_page, "\n".join(f"{name}: {sizes}" for name, sizes in scrolls_page.items())


def test_the_decision_page_fits_390(new_context, staff, rows, screenshot):
    funding = FundingRequest.objects.get(help_request__title=LONG_TITLE)
    page = new_context(viewport=PHONE).new_page()
    admin_login(page, staff)

    page.goto(reverse("admin:funding_fundingrequest_decision", args=[funding.pk]))
    screenshot(page, "decision")

    sizes = measure(page)
    rounds = page.locator("table.round-figures")
    table = rounds.evaluate("t => Math.ceil(t.getBoundingClientRect().width)")
    box = rounds.evaluate("t => t.parentElement.clientWidth")
    assert sizes["page"] <= PHONE["width"], sizes
    assert table <= box, f"the review rounds' table is {table} px in a {box} px box"
