"""A volunteer joins the pool to hear about each new role, hears about one when staff publish
it, and then chooses to hear only the PSF's announcements, from the link in that e-mail."""

import re

import pytest
from playwright.sync_api import expect

from volunteers.models import PoolConsent, PoolMember, Role

from .helpers import VOLUNTEER_EMAIL, admin_login, fill_pool_join, link_in, mail_to, make_role
from .test_accessibility import axe_violations, describe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AS_ROLES_OPEN = "Each new role in my areas, as it opens"
ANNOUNCEMENTS_ONLY = "Only the PSF's announcements"
AREA = "Websites and content"


@pytest.mark.usefixtures("eager_celery")  # the e-mails go out as they would with a worker
def test_hear_about_a_new_role_then_choose_announcements_only(
    new_context, areas, staff, live_server, axe_source, screenshot
):
    page = new_context().new_page()
    page.goto("/pool/join/")
    fill_pool_join(page, interests=(AREA,))
    page.get_by_role("radio", name=AS_ROLES_OPEN).check()
    screenshot(page, "join")
    page.get_by_role("button", name="Join the volunteer pool").click()
    expect(page).to_have_url(f"{live_server.url}/pool/join/sent/")

    (confirmation,) = mail_to(VOLUNTEER_EMAIL)
    page.goto(link_in(confirmation.body, live_server.url, "/pool/confirm/"))
    page.get_by_role("button", name="Confirm and join").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to the volunteer pool")
    member = PoolMember.objects.get()
    assert member.frequency == PoolMember.Frequency.AS_ROLES_OPEN
    assert [area.code for area in member.interests.all()] == ["web"]

    # Staff publish a role in that area from the admin's role list.
    make_role(
        areas,
        title="Website editor",
        slug="website-editor",
        area=areas["web"],
        is_vetted=False,
        status=Role.Status.DRAFT,
        opened_at=None,
    )
    admin = new_context().new_page()
    admin_login(admin, staff)
    admin.goto("/admin/volunteers/role/")
    admin.get_by_role("checkbox", name=re.compile("Website editor")).check()
    admin.get_by_label("Action:").select_option(label="Open (publish) selected roles")
    admin.get_by_role("button", name="Run").click()
    expect(admin.locator(".messagelist")).to_contain_text("1 role(s) opened.")
    screenshot(admin, "published")

    # The e-mail arrives, and its link opens the role.
    news = [m for m in mail_to(VOLUNTEER_EMAIL) if m.subject.startswith("A new volunteer role")]
    assert [m.subject for m in news] == ["A new volunteer role: Website editor"]
    role_url = link_in(news[0].body, live_server.url, "/roles/")
    assert role_url == f"{live_server.url}/roles/website-editor/"
    page.goto(role_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Website editor")
    expect(page.get_by_role("button", name="I'm interested")).to_be_visible()
    screenshot(page, "role")

    # The same e-mail's preferences link: choose to hear only the announcements.
    preferences = link_in(news[0].body, live_server.url, "/pool/preferences/")
    page.goto(preferences)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your volunteer pool choices")
    expect(page.get_by_role("radio", name=AS_ROLES_OPEN)).to_be_checked()
    expect(page.get_by_role("checkbox", name=AREA)).to_be_checked()
    screenshot(page, "preferences")
    page.get_by_role("radio", name=ANNOUNCEMENTS_ONLY).check()
    page.get_by_role("button", name="Save my choices").click()

    expect(page).to_have_url(preferences)
    expect(page.get_by_text("Your choices are saved.")).to_be_visible()
    expect(page.get_by_role("radio", name=ANNOUNCEMENTS_ONLY)).to_be_checked()
    expect(page.get_by_role("radio", name=AS_ROLES_OPEN)).not_to_be_checked()
    expect(page.get_by_role("checkbox", name=AREA)).to_be_checked()
    screenshot(page, "saved")
    page.reload()
    expect(page.get_by_role("radio", name=ANNOUNCEMENTS_ONLY)).to_be_checked()
    member.refresh_from_db()
    assert member.frequency == PoolMember.Frequency.ANNOUNCEMENTS
    assert PoolConsent.objects.filter(member=member, frequency="announcements").count() == 1

    # The preferences page passes axe-core (injected as a script, so this context skips the CSP).
    audit = new_context(bypass_csp=True).new_page()
    audit.goto(preferences)
    violations = axe_violations(audit, axe_source)
    assert violations == [], "axe-core found:\n" + "\n".join(
        describe("preferences", violation) for violation in violations
    )
