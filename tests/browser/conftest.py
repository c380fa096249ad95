"""Headless Chromium (Debian's package) driven by Playwright, with axe-core injected.

Chromium comes from Debian's packages (browser downloads are not possible here): as root
the tests install it; otherwise they skip with one line saying so — except under
CI=true, where a missing browser is a failure.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "var" / "test-artifacts"
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")

# The page builders shared with tests/web.
sys.path.insert(0, str(ROOT / "tests" / "web"))


def missing(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: browser tests may not be skipped)")
    pytest.skip(reason)


def ensure_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": False}
        subprocess.run(["apt-get", "update"], timeout=600, **quiet)
        subprocess.run(["apt-get", "install", "-y", "chromium"], timeout=900, **quiet)
    if not Path(CHROMIUM).exists():
        missing("Debian's chromium is not installed; run `apt-get install -y chromium` as root")


@pytest.fixture(scope="session")
def chromium():
    ensure_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed; run `.venv/bin/pip install playwright`")
    # Playwright's sync API runs an event loop in this thread; the tests' ORM calls
    # (creating rows for the live server) are still plain synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def site_settings(settings):
    """Fresh pages for every request, and the site's security headers."""
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 0
    settings.NEWSDESK_SERVICES = []
    extra = [
        "django.middleware.csp.ContentSecurityPolicyMiddleware",
        "newsdesk.web.middleware.SiteHeadersMiddleware",
    ]
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m not in extra] + extra


STAFF_PASSWORD = "correct horse battery staple"


@pytest.fixture
def editor_page(chromium, live_server, transactional_db):
    """A page at 1,280 px, logged in to the admin as a superuser."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("editor", "", STAFF_PASSWORD)
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("#site-name")
    yield page
    context.close()


def run_axe(page) -> list[dict]:
    """axe-core's WCAG 2.2 A/AA violations on the current page."""
    page.evaluate(AXE_SOURCE)
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values:
                ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )


def sideways_scroll(page) -> int:
    """How many pixels the page scrolls sideways, measured once its stylesheets have
    loaded: a page read while one is still on the way is laid out without it."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
