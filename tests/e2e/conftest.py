"""Browser tests: Playwright for Python drives Debian's chromium against the live server.

Run with `make e2e` (`pytest -m e2e`); the default `make test` deselects them. No browser is
downloaded: chromium is launched by path (apt package `chromium`). Screenshots land in
var/screenshots/<test>[-<label>].png (kept by CI), and one is taken of every open page when a
test fails.
"""

import contextlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    # Without these chromium keeps calling home, which this closed network refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
TIMEOUT_MS = 10_000


def pytest_itemcollected(item: pytest.Item) -> None:
    """Every test here is a browser test: `make test` does not even collect this folder
    (tests/conftest.py), so an unmarked one would never run anywhere."""
    if Path(item.path).is_relative_to(Path(__file__).parent) and not item.get_closest_marker("e2e"):
        raise pytest.UsageError(f"{item.nodeid} is under tests/e2e/ but not marked e2e")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: apt-get install -y chromium", pytrace=False)
    # Screenshots are this run's artefacts: drop the last run's, so none is stale.
    for old in SCREENSHOTS.glob("test_*.png"):
        old.unlink()
    # Playwright's sync API runs an event loop in this thread, so Django thinks every ORM call
    # from the test comes from async code. The calls are in fact synchronous: allow them, for
    # the browser tests only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _test_name(request: pytest.FixtureRequest) -> str:
    return re.sub(r"[^\w.-]+", "_", request.node.name)


def _save(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    """`screenshot(page)` saves var/screenshots/<test>.png, `screenshot(page, "x")` <test>-x.png."""

    def take(page: Page, label: str = "") -> Path:
        name = _test_name(request) + (f"-{label}" if label else "")
        return _save(page, name)

    return take


@pytest.fixture
def new_context(
    request: pytest.FixtureRequest, browser: Browser, live_server, settings
) -> Iterator[Callable[..., BrowserContext]]:
    """Make a fresh browser context (own cookies) on the live server; options go to Playwright.

    Links in e-mails (SITE_URL) point at the live server too.
    """
    settings.SITE_URL = live_server.url
    contexts: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(base_url=live_server.url, locale="en-GB", **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make

    call = getattr(request.node, "report_call", None)
    failed = call is None or call.failed
    for number, context in enumerate(contexts):
        if failed:
            for index, page in enumerate(context.pages):
                # A page that cannot be captured any more is no reason to hide the real failure.
                with contextlib.suppress(Exception):
                    _save(page, f"{_test_name(request)}-FAILED-{number}-{index}")
        context.close()


@pytest.fixture
def context(new_context) -> BrowserContext:
    """A normal context: JavaScript on, the site's CSP enforced."""
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` (make e2e does)", pytrace=False)
    return AXE_JS.read_text()
