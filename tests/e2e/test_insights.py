"""The Insights dashboard in a browser: a plain staff member with the permission signs in with
their second factor and reads it at 1280 and 390 px; every chart's picture loads, nothing breaks
the CSP, axe-core finds nothing, and a wrong period is explained.

Screenshots: var/screenshots/test_the_dashboard_reads_at_1280_and_390-{1280,390,error}.png,
-1280-top.png and -390-top.png (the first screenful), -390-chart.png (one chart on a phone)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from playwright.sync_api import Page, expect

from funding.models import Decision, EventKind, FundingRequest, ReviewRound
from help_requests.models import HelpRequest
from tests.factories import PoolMemberFactory, RoleFactory, RoleInterestFactory, StaffFactory
from tests.insights.conftest import reply, request_at, status_event
from volunteers.models import RoleInterestChange

from .conftest import SCREENSHOTS
from .helpers import admin_login
from .test_csp import watch_csp_violations
from .test_staff_sign_in import staff_group

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DASHBOARD = "/admin/insights/dashboard/"
SHOT = "test_the_dashboard_reads_at_1280_and_390"


@pytest.fixture
def reader(db, areas, funding_rules, help_kinds):
    """A plain staff member in a group with the dashboard's permission, and a few weeks of data."""
    person = StaffFactory(email="board.reader@python.org", is_superuser=False)
    person.groups.add(staff_group())  # as its migration makes it: a flush may have emptied it
    readers, _ = Group.objects.get_or_create(name="Insights readers")
    readers.permissions.add(Permission.objects.get(codename="view_insights"))
    person.groups.add(readers)
    now = timezone.now()
    s = HelpRequest.Status
    for n in range(12):
        made = request_at(now - timedelta(days=2 * n + 1), (s.NEW, s.RESOLVED, s.TRIAGED)[n % 3],
                          area=HelpRequest.Area.values[n % 6],
                          source=HelpRequest.Source.values[n % 4 == 0])  # fmt: skip
        if n % 2:
            reply(made, made.submitted_at + timedelta(days=n % 5))
        if made.status == s.RESOLVED:
            status_event(made, made.submitted_at + timedelta(days=3), s.NEW, s.RESOLVED)
            HelpRequest.objects.filter(pk=made.pk).update(closed_at=now - timedelta(days=n))
    role = RoleFactory(title="Conference mentor", area=areas["events"])
    for n in range(4):
        hand = RoleInterestFactory(role=role, status=("new", "contacted", "declined", "new")[n])
        if hand.status != "new":
            RoleInterestChange.objects.create(interest=hand, old="new", new=hand.status)
    for n in range(6):
        PoolMemberFactory(confirmed_at=now - timedelta(days=3 * n))
    autumn = ReviewRound.objects.create(
        name="Autumn grants", opens_on=(now - timedelta(days=40)).date(),
        closes_on=(now + timedelta(days=20)).date(), budget=Decimal(20000),
    )  # fmt: skip
    asked = request_at(now - timedelta(days=10), amount=Decimal(3000), currency="USD")
    FundingRequest.objects.create(
        help_request=asked, round=autumn, event_kind=EventKind.objects.get(code="conference")
    )
    Decision.objects.create(
        request_id=asked.pk, round=autumn, outcome="approved", amount=Decimal(3000),
        currency="USD", round_amount=Decimal(3000), usd_per_unit=Decimal(1),
    )  # fmt: skip
    return person


def axe_violations(page: Page, axe_source: str) -> list[str]:
    """axe-core's default rules on the page. Evaluated through the DevTools protocol, so the
    page's own CSP (which would rightly refuse it as an inline script) stays on."""
    page.evaluate(f"() => {{ {axe_source}\n }}")
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:3]}" for v in found]


def every_chart_drawn(page: Page) -> None:
    images = page.locator(".insights-chart img")
    expect(images).to_have_count(17)
    for index in range(17):
        images.nth(index).scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    broken = page.evaluate(
        "() => [...document.querySelectorAll('.insights-chart img')]"
        ".filter(img => !img.complete || img.naturalWidth === 0).map(img => img.src)"
    )
    assert broken == []


def test_the_dashboard_reads_at_1280_and_390(context, reader, axe_source, screenshot):
    violations = watch_csp_violations(context)
    page = context.new_page()
    admin_login(page, reader)
    expect(page.get_by_role("link", name="Dashboard")).to_be_visible()  # on the admin index

    page.goto(DASHBOARD)
    expect(page.get_by_role("heading", name="Insights: how are we doing?")).to_be_visible()
    expect(page.get_by_text("answered within 3 working days").first).to_be_visible()
    every_chart_drawn(page)
    screenshot(page, "1280")
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=SCREENSHOTS / f"{SHOT}-1280-top.png")  # what one sees first
    assert axe_violations(page, axe_source) == []

    page.set_viewport_size(PHONE)
    page.reload()
    every_chart_drawn(page)
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways at 390 px: {width}"
    chart = page.locator(".insights-chart img").first.bounding_box()
    assert chart is not None and chart["width"] <= 390
    screenshot(page, "390")
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=SCREENSHOTS / f"{SHOT}-390-top.png")
    page.locator(".insights-chart").nth(1).screenshot(path=SCREENSHOTS / f"{SHOT}-390-chart.png")
    narrow = page.evaluate("() => document.querySelector('.insights-chart img').currentSrc")
    assert narrow.endswith("&size=narrow")  # the phone's drawing, words as large as the page's
    assert axe_violations(page, axe_source) == []

    # A custom period without its dates: the error summary, then the message above the field.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("From and to dates I choose").check()
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Enter the first day of the period.")).to_be_visible()
    assert page.title().startswith("Error: ")
    screenshot(page, "error")
    assert axe_violations(page, axe_source) == []

    assert violations == []
