"""The portal as people see it: python.org's colours and never Bootstrap's blue, a focus ring
everyone can see, valid HTML, nothing axe-core objects to, a header that fits a small phone
without JavaScript, and a screenshot of every public page at 1280 and 390 pixels.

Screenshots land in var/screenshots/test_every_public_page_*-<page>-<width>.png. The Nu HTML
Checker (vnu.jar from npm, run with `java`) is skipped when `java` is missing.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from help_requests.models import HelpRequest
from help_requests.services import (
    help_request_submit,
    help_request_submitter_reply,
    help_request_triage,
)
from tests.factories import DEFAULT_PASSWORD, PoolMemberFactory
from volunteers.models import Announcement

from .helpers import admin_login, make_role, nu_checker, nu_errors
from .test_accessibility import axe_violations, describe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 390, "height": 844}
SMALLEST = {"width": 360, "height": 740}
QUESTION = "Which city is the meetup in, and how many people come?"

# Bootstrap 5.3's own blues (its primary, hovers, focus glow and tints), as computed styles
# write them ("r, g, b"): none may be seen on the site.
BOOTSTRAP_BLUES = {
    "#0d6efd": "13, 110, 253",
    "#0b5ed7": "11, 94, 215",
    "#0a58ca": "10, 88, 202",
    "#0a53be": "10, 83, 190",
    "#3d8bfd": "61, 139, 253",
    "#3184fd": "49, 132, 253",
    "#6ea8fe": "110, 168, 254",
    "#86b7fe": "134, 183, 254",
    "#9ec5fe": "158, 197, 254",
    "#cfe2ff": "207, 226, 255",
}


@dataclass
class Site:
    """The pages a member of the public can reach, with the rows behind them."""

    pages: dict[str, str]
    user: object


@pytest.fixture
def site(areas, help_kinds, staff, user) -> Site:
    role = make_role(areas)
    asked = help_request_submit(
        title="Venue money for PyLadies Lagos",
        description="We need a room for our monthly meetup of 40 people.",
        name="Grace Hopper",
        email="grace@example.org",
        organisation="PyLadies Lagos",
        area=HelpRequest.Area.COMMUNITY,
        kinds=[help_kinds["funding"], help_kinds["advice"]],
        amount=Decimal("500"),
        currency="EUR",
    )
    help_request_triage(help_request=asked, by=staff, status=HelpRequest.Status.TRIAGED)
    help_request_triage(
        help_request=asked, by=staff, status=HelpRequest.Status.WAITING, public_reply=QUESTION
    )
    mine = help_request_submit(
        title="Servers for the Django Girls sprint",
        description="Two small VMs for a weekend.",
        name=user.name,
        email=user.email,
        area=HelpRequest.Area.INFRASTRUCTURE,
        kinds=[help_kinds["infrastructure"]],
        user=user,
    )
    help_request_triage(help_request=mine, by=staff, public_reply="Which weekend?")
    help_request_submitter_reply(help_request=mine, body="The first one in March.", changes={})
    pending = PoolMemberFactory(confirmed_at=None, interests=["web"])
    member = PoolMemberFactory(interests=["web", "events"])
    announcement = Announcement.objects.create(
        subject="The PSF is looking for sprint mentors",
        body="We need mentors for the PyCon US sprints.\n\nReply to this e-mail to help.",
        is_public=True,
        sent_at=timezone.now(),
    )
    pages = {
        "home": "/",
        "help": "/help/",
        "help-new": "/help/new/",
        "status": asked.get_absolute_url(),
        "roles": "/roles/",
        "role": role.get_absolute_url(),
        "pool-join": "/pool/join/",
        "pool-join-sent": "/pool/join/sent/",
        "pool-confirm": pending.signups.get().confirm_url(),
        "pool-preferences": member.preferences_url(),
        "pool-unsubscribe": member.unsubscribe_url(),
        "announcements": "/pool/announcements/",
        "announcement": announcement.get_absolute_url(),
        "me": "/me/",
        "privacy": "/privacy/",
        "privacy-sent": "/privacy/sent/",
        "not-found": "/no-such-page/",
    }
    return Site(pages=pages, user=user)


def sign_in(page: Page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/me/")


def signed_in_page(context: BrowserContext, site: Site) -> Page:
    """A page of `context`, signed in as the person whose /me/ the tour shows."""
    page = context.new_page()
    sign_in(page, site.user)
    return page


# Colours and contrast -----------------------------------------------------------------------


def parse_rgb(value: str) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in re.findall(r"[\d.]+", value)]
    if len(numbers) < 3:
        raise ValueError(f"not an rgb() colour: {value!r}")
    return numbers[0], numbers[1], numbers[2], numbers[3] if len(numbers) > 3 else 1.0


def luminance(rgb: tuple[float, float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b, _ = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted([luminance(parse_rgb(a)), luminance(parse_rgb(b))], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_is_computed_as_wcag_does():
    assert contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(21)
    assert contrast("rgb(30, 65, 94)", "rgb(255, 255, 255)") == pytest.approx(10.64, abs=0.01)
    assert contrast("rgb(255, 211, 67)", "rgb(30, 65, 94)") == pytest.approx(7.43, abs=0.01)


# What the focused element looks like: its kind, its outline, and the colour behind the outline
# (the nearest ancestor with a background; the outline is drawn outside the element).
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const tag = el.tagName.toLowerCase();
  const type = (el.getAttribute('type') || '').toLowerCase();
  let kind = tag;
  if (tag === 'a') kind = 'link';
  else if (tag === 'button') kind = 'button';
  else if (tag === 'input' && ['submit', 'button', 'reset'].includes(type)) kind = 'button';
  else if (tag === 'input' && ['checkbox', 'radio'].includes(type)) kind = type;
  else if (tag === 'input') kind = 'text input';
  const style = getComputedStyle(el);
  let behind = 'rgb(255, 255, 255)';
  for (let node = el.parentElement; node; node = node.parentElement) {
    const bg = getComputedStyle(node).backgroundColor;
    const alpha = bg.startsWith('rgba') ? parseFloat(bg.split(',')[3]) : 1;
    if (bg !== 'transparent' && alpha > 0) { behind = bg; break; }
  }
  return {
    kind, behind,
    name: (el.id ? '#' + el.id + ' ' : '')
      + (el.innerText || el.value || el.name || '').trim().slice(0, 40),
    outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
    outlineColor: style.outlineColor,
  };
}"""


def tab_through(page: Page, most: int = 120) -> list[dict]:
    """Press Tab from the top of the page until the focus leaves it; what each stop showed."""
    stops: list[dict] = []
    seen: set[str] = set()
    for _ in range(most):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            break
        key = page.evaluate("() => { const e = document.activeElement; return e.outerHTML; }")
        if key in seen:
            break
        seen.add(key)
        stops.append(focused)
    return stops


def test_the_focus_ring_is_visible_on_every_control(new_context, site, screenshot):
    """Keyboard only: every stop on the way through these pages shows a 3 px ring with 3:1 or
    more against what is behind it, and every kind of control is met on the way."""
    page = new_context().new_page()
    problems: list[str] = []
    kinds: set[str] = set()
    for name in ("home", "help-new", "status", "roles", "role", "pool-join"):
        page.goto(site.pages[name])
        stops = tab_through(page)
        assert stops, f"{name}: Tab reached nothing"
        for stop in stops:
            kinds.add(stop["kind"])
            where = f"{name}: {stop['kind']} {stop['name']!r}"
            if stop["outlineStyle"] in ("none", "auto") or stop["outlineWidth"] < 3:
                problems.append(
                    f"{where}: outline {stop['outlineStyle']} {stop['outlineWidth']}px, "
                    "not a 3 px ring"
                )
                continue
            ratio = contrast(stop["outlineColor"], stop["behind"])
            if ratio < 3:
                problems.append(
                    f"{where}: ring {stop['outlineColor']} on {stop['behind']} is {ratio:.2f}:1"
                )
    # One of each, focused and photographed, for whoever reads the artefacts.
    page.goto(site.pages["help-new"])
    for label, control in [
        ("radio", page.get_by_role("radio").first),
        ("checkbox", page.get_by_role("checkbox").first),
        ("select", page.locator("select").first),
        ("text", page.locator("input[type=text], input[type=email]").first),
        ("button", page.get_by_role("button", name="Send to the PSF")),
    ]:
        control.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        control.scroll_into_view_if_needed()
        screenshot(page, f"focus-{label}")

    assert not problems, "focus rings that cannot be seen:\n" + "\n".join(problems)
    expected = {"link", "button", "text input", "textarea", "select", "checkbox", "radio"}
    assert expected <= kinds, f"the walk met no {sorted(expected - kinds)}"


# Every visible element's colours, borders, outlines and shadows (pseudo-elements too).
COLOURS = """() => {
  const out = [];
  const props = ['color', 'backgroundColor', 'borderTopColor', 'borderRightColor',
                 'borderBottomColor', 'borderLeftColor', 'outlineColor', 'boxShadow',
                 'textDecorationColor', 'fill', 'stroke'];
  const look = (el, style, pseudo) => {
    for (const prop of props) {
      const width = prop.replace('Color', 'Width');
      if (prop.startsWith('border') && parseFloat(style[width]) === 0) continue;
      if (prop === 'outlineColor' && style.outlineStyle === 'none') continue;
      const classes = typeof el.className === 'string' && el.className.trim()
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      const where = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + classes + pseudo;
      out.push([where, prop, style[prop]]);
    }
  };
  for (const el of document.querySelectorAll('body *')) {
    if (!el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    look(el, style, '');
    for (const pseudo of ['::before', '::after']) {
      const ps = getComputedStyle(el, pseudo);
      if (ps.content && ps.content !== 'none' && ps.content !== 'normal') look(el, ps, pseudo);
    }
  }
  return out;
}"""


def bootstrap_blues_on(page: Page, name: str) -> list[str]:
    found = []
    for where, prop, value in page.evaluate(COLOURS):
        for hex_, rgb in BOOTSTRAP_BLUES.items():
            if rgb in value:
                found.append(f"{name}: {where} {prop} is Bootstrap's {hex_} ({value})")
    return found


def test_no_page_shows_bootstrap_blue(new_context, site):
    """python.org's blues and yellow only: no element, pseudo-element, border, ring or shadow in
    Bootstrap's default blue, also with boxes ticked, and on each stop of a keyboard walk."""
    context = new_context()
    page = signed_in_page(context, site)  # the signed-in header has the most links
    found: list[str] = []
    for name, url in site.pages.items():
        page.goto(url)
        found += bootstrap_blues_on(page, name)

    # Ticked boxes and chosen radios, and each focused control.
    page.goto(site.pages["help-new"])
    page.get_by_role("radio").first.check()
    for box in page.get_by_role("checkbox").all()[:2]:
        box.check()
    found += bootstrap_blues_on(page, "help-new (ticked)")
    for _ in range(40):
        page.keyboard.press("Tab")
        found += bootstrap_blues_on(page, "help-new (focus)")
    assert not found, "\n".join(sorted(set(found)))


def test_every_public_page_at_1280_and_390_with_no_axe_violation(
    new_context, axe_source, site, screenshot
):
    """A full-page screenshot of each public page at both widths; axe-core finds nothing at any
    impact, and nothing is wider than a 390 px phone."""
    # axe is injected as an inline script, which the site's CSP rightly blocks: only this
    # context bypasses it (test_csp.py checks the policy).
    context = new_context(bypass_csp=True)
    anonymous = context.new_page()
    found: list[str] = []
    for name, url in site.pages.items():
        page = anonymous
        if name == "me":
            page = signed_in_page(new_context(bypass_csp=True), site)
        for viewport, width in ((WIDE, "1280"), (NARROW, "390")):
            page.set_viewport_size(viewport)
            page.goto(url)
            screenshot(page, f"{name}-{width}")
            found += [describe(f"{name} at {width}", v) for v in axe_violations(page, axe_source)]
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > viewport["width"]:
                found.append(f"{name} at {width}: the page is {scroll_width} px wide")
    assert not found, "\n".join(found)


def test_public_pages_are_valid_html(new_context, site, tmp_path):
    """The Nu HTML Checker reads each page as the server sends it: no error."""
    java = nu_checker("the other checks still ran")
    context = new_context()
    anonymous = context.new_page()
    files = []
    for name, url in site.pages.items():
        page = signed_in_page(new_context(), site) if name == "me" else anonymous
        response = page.goto(url)
        assert response is not None
        expected = 404 if name == "not-found" else 200
        assert response.status == expected, f"{name}: {url} answered {response.status}"
        path = tmp_path / f"{name}.html"
        path.write_text(response.text(), encoding="utf-8")
        files.append(path)

    errors = nu_errors(java, files, timeout=180)
    assert len(files) == len(site.pages)
    assert not errors, "the Nu HTML Checker found errors:\n" + "\n".join(errors)


SUFFIX = " · Python Software Foundation"
LONG_DATE = re.compile(
    r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2} "
    r"(January|February|March|April|May|June|July|August|September|October|November|December) "
    r"\d{4}\b"
)


def test_one_voice_titles_headings_statuses_and_dates(new_context, site):
    """Each page's title is its heading; the submitter reads their own words for the status
    and the staff question once; dates read "Monday 30 November 2026"."""
    page = new_context().new_page()
    mismatched = []
    for name in (
        "home",
        "help",
        "status",
        "roles",
        "pool-join-sent",
        "pool-confirm",
        "pool-unsubscribe",
        "announcements",
        "announcement",
        "not-found",
    ):
        page.goto(site.pages[name])
        heading = page.get_by_role("heading", level=1).inner_text().strip()
        if page.title() != heading + SUFFIX:
            mismatched.append(f"{name}: title {page.title()!r}, heading {heading!r}")
    assert not mismatched, "\n".join(mismatched)

    page.goto(site.pages["status"])
    expect(page.locator(".status-badge")).to_have_text("Waiting for your answer")
    expect(page.get_by_text(QUESTION)).to_have_count(1)
    conversation = page.get_by_role("region", name="Conversation")
    conversation.get_by_role("link", name="The question above").click()
    expect(page).to_have_url(re.compile(r"#question-heading$"))
    dates = page.locator("main time").all_inner_texts()
    assert dates and all(LONG_DATE.search(d) for d in dates), dates

    me = signed_in_page(new_context(), site)
    row = me.get_by_role("row", name=re.compile("Servers for the Django Girls sprint"))
    expect(row).to_contain_text("Received")
    assert LONG_DATE.search(row.inner_text()), row.inner_text()


# The header on a small phone ------------------------------------------------------------------


def nav_links(page: Page):
    return page.get_by_role("navigation", name="Main").get_by_role("link")


def assert_header_fits(page: Page, names: list[str], *, one_row: bool) -> None:
    expect(nav_links(page)).to_have_text(names)
    width = page.viewport_size["width"]  # type: ignore[index]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "horizontal scroll"
    tops = set()
    for link in nav_links(page).all():
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{link.inner_text()} sticks out"
        assert box["height"] >= 24, f"{link.inner_text()} is a target under 24 px"
        tops.add(round(box["y"]))
    if one_row:
        assert len(tops) == 1, f"the links wrap onto {len(tops)} rows"


def test_the_header_fits_a_360_px_phone_without_javascript(new_context, site, staff, screenshot):
    """No menu button, no script: the brand, then every link in view, none off the edge; signed
    out they share one row."""
    page = new_context(viewport=SMALLEST, java_script_enabled=False).new_page()
    page.goto("/")
    assert_header_fits(
        page, ["Ask for help", "Volunteer", "Join the pool", "Sign in"], one_row=True
    )
    screenshot(page, "signed-out")
    nav_links(page).filter(has_text="Volunteer").click()
    expect(page).to_have_url(re.compile(r"/roles/$"))
    expect(page.get_by_role("link", name="Volunteer", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    nav_links(page).filter(has_text="Ask for help").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The PSF is here to help")

    sign_in(page, site.user)
    assert_header_fits(
        page,
        ["Ask for help", "Volunteer", "Join the pool", "Your activity", "Sign out"],
        one_row=False,
    )
    screenshot(page, "signed-in")

    staff_page = new_context(viewport=SMALLEST, java_script_enabled=False).new_page()
    admin_login(staff_page, staff)
    staff_page.goto("/")
    assert_header_fits(
        staff_page,
        ["Ask for help", "Volunteer", "Join the pool", "Your activity", "Staff", "Sign out"],
        one_row=False,
    )
    screenshot(staff_page, "staff")


# The staff side ------------------------------------------------------------------------------


def test_the_triage_pages_of_the_admin_have_no_axe_violation(
    new_context, axe_source, site, staff, screenshot
):
    """Index, list, a request with its conversation, a refused save and a good one: axe-core
    finds nothing at any impact; the request and its conversation come before the reply box."""
    page = new_context(bypass_csp=True).new_page()
    admin_login(page, staff)
    found: list[str] = []

    def audit(name: str) -> None:
        screenshot(page, name)
        found.extend(describe(f"admin {name}", v) for v in axe_violations(page, axe_source))

    audit("index")
    page.goto("/admin/help_requests/helprequest/")
    audit("changelist")
    page.goto("/admin/help_requests/helprequest/?assignee=none&status__exact=waiting")
    audit("changelist-filtered")

    mine = HelpRequest.objects.get(title="Servers for the Django Girls sprint")
    help_request_triage(help_request=mine, by=staff, internal_note="Infra has two spare VMs.")
    page.goto(f"/admin/help_requests/helprequest/{mine.pk}/change/")
    expect(page.get_by_label("Assignee")).to_be_visible()
    headings = page.evaluate(
        "() => [...document.querySelectorAll('fieldset h2')].map(h => h.textContent.trim())"
    )
    wanted = ["Request", "Conversation", "Triage", "Write to the submitter, or note for staff"]
    order = [headings.index(name) if name in headings else -1 for name in wanted]
    assert order == sorted(order) and -1 not in order, f"fieldsets out of order: {order}"
    conversation = page.locator(".field-conversation")
    expect(conversation).to_contain_text("Which weekend?")
    expect(conversation).to_contain_text("The first one in March.")
    expect(conversation).to_contain_text("internal note (staff only)")
    audit("change")

    page.get_by_label("Status").select_option(label="Waiting on submitter")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errornote")).to_be_visible()
    audit("change-refused")

    page.get_by_label("Public reply").fill("Could you send the VM sizes?")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    audit("saved")

    sections = page.evaluate(
        "() => [...document.querySelectorAll('#nav-sidebar caption')]"
        ".map(c => c.textContent.trim())"
    )
    assert "People and sign-in" in sections
    assert len(sections) == len(set(sections)), f"sections twice in the sidebar: {sections}"
    assert "Accounts" not in sections, f"allauth's Accounts beside ours: {sections}"

    assert not found, "axe-core found violations in the admin:\n" + "\n".join(found)
