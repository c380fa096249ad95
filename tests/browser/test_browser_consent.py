"""The consent manager in Chromium, with a non-essential service on a "third-party" host.

The service is a script on 127.0.0.2 (another origin, as an analytics provider would be)
that sets its own cookie and loads a pixel from its host. Nothing of it may reach the
browser before Accept; Reject is one click from the first layer; withdrawal removes it.
"""

import time
from http.server import BaseHTTPRequestHandler

import pytest
from conftest import ARTIFACTS, run_axe
from loopback import serving

pytestmark = pytest.mark.browser

TRACKER_COOKIE = "nd_test_tracker"


class ThirdPartyHost(BaseHTTPRequestHandler):
    def do_GET(self):
        host = f"http://{self.server.server_address[0]}:{self.server.server_address[1]}"
        if self.path == "/tracker.js":
            body = (
                f'document.cookie = "{TRACKER_COOKIE}=1; path=/; max-age=3600";\n'
                f'new Image().src = "{host}/pixel.gif";\n'
            ).encode()
            kind = "text/javascript"
        else:
            body = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
            kind = "image/gif"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def third_party():
    with serving(ThirdPartyHost, "127.0.0.2") as url:
        yield url


@pytest.fixture
def tracker_service(settings, third_party, transactional_db):
    settings.NEWSDESK_SERVICES = [
        {
            "key": "tracker",
            "name": "Test Tracker",
            "purpose": "analytics",
            "scripts": [f"{third_party}/tracker.js"],
            "hosts": [third_party],
            "cookies": [{"name": TRACKER_COOKIE, "duration": "1 hour"}],
        }
    ]
    return third_party


def watched_page(chromium, width=1280, javascript=True):
    context = chromium.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=javascript
    )
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    return context, page


def cookie_names(context) -> set[str]:
    return {cookie["name"] for cookie in context.cookies()}


def wait_for_cookie(context, page, name: str, seconds: float = 15.0) -> None:
    """Poll the browser's cookie jar from here: a string predicate run inside the page
    (``wait_for_function``) is eval'd there, which our own CSP rightly refuses."""
    deadline = time.monotonic() + seconds
    while name not in cookie_names(context):
        assert time.monotonic() < deadline, f"cookie {name} was not set within {seconds} s"
        page.wait_for_timeout(100)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_fresh_visitor_gets_nothing_non_essential_and_rejects_in_one_click(
    chromium, live_server, tracker_service, javascript
):
    context, page = watched_page(chromium, width=375, javascript=javascript)
    page.goto(live_server.url + "/")
    if javascript:
        page.screenshot(path=str(ARTIFACTS / "consent-banner-375.png"))
        assert run_axe(page) == []

    assert page.get_by_role("region", name="Your choice about cookies").is_visible()
    assert cookie_names(context) == set()
    assert [url for url in page.requests if not url.startswith(live_server.url)] == []

    page.get_by_role("button", name="Reject all").click()
    page.get_by_role("region", name="Your choice about cookies").wait_for(state="detached")
    page.goto(live_server.url + "/")

    assert cookie_names(context) == {"nd_consent"}
    assert not page.get_by_role("region", name="Your choice about cookies").count()
    assert [url for url in page.requests if url.startswith(tracker_service)] == []
    context.close()


def test_accept_loads_the_service_and_withdrawal_removes_it(
    chromium, live_server, tracker_service
):
    context, page = watched_page(chromium)
    page.goto(live_server.url + "/")
    assert [url for url in page.requests if url.startswith(tracker_service)] == []

    page.get_by_role("button", name="Accept all").click()
    wait_for_cookie(context, page, TRACKER_COOKIE)
    page.wait_for_load_state("networkidle")

    assert f"{tracker_service}/tracker.js" in page.requests
    assert f"{tracker_service}/pixel.gif" in page.requests
    assert {"nd_consent", TRACKER_COOKIE} <= cookie_names(context)

    page.get_by_role("link", name="Cookie settings").click()
    page.wait_for_load_state("networkidle")
    page.requests.clear()
    page.get_by_role("button", name="Withdraw consent").click()
    page.wait_for_load_state("networkidle")

    assert cookie_names(context) == set()
    assert [url for url in page.requests if url.startswith(tracker_service)] == []
    assert page.get_by_role("region", name="Your choice about cookies").is_visible()
    context.close()


def test_banner_buttons_are_equally_prominent(chromium, live_server, tracker_service):
    context, page = watched_page(chromium)
    page.goto(live_server.url + "/")

    styles = [
        page.get_by_role("button", name=name).evaluate(
            "b => { const s = getComputedStyle(b); const r = b.getBoundingClientRect();"
            " return [s.backgroundColor, s.color, s.fontSize, s.fontWeight,"
            " Math.round(r.height)]; }"
        )
        for name in ("Accept all", "Reject all", "Choose")
    ]
    context.close()

    assert styles[0] == styles[1] == styles[2]
