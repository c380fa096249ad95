"""Sources in the admin, in real Chromium at 1,280 px: every health column on screen, and
adding a site by its URL (discovery as a task; the page shows the result)."""

from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from conftest import ARTIFACTS, sideways_scroll
from django.utils import timezone
from loopback import serving

from newsdesk.sources.models import Publisher, Source

pytestmark = pytest.mark.browser
FEED = (Path(__file__).resolve().parents[1] / "sources" / "fixtures" / "feeds" / "rss20.xml")
COLUMNS = ("source", "health", "last success", "last error", "next poll", "entries / day")


class PublisherSite(BaseHTTPRequestHandler):
    """A home page announcing its feed, and the feed."""

    def do_GET(self):
        if self.path == "/news.xml":
            body, kind = FEED.read_bytes(), "application/rss+xml"
        else:
            body = (b'<html><head><title>Tidewater Times</title><link rel="alternate" '
                    b'type="application/rss+xml" href="/news.xml"></head><body></body></html>')
            kind = "text/html"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass



def many_sources():
    now = timezone.now()
    for number in range(12):
        publisher = Publisher.objects.create(
            name=f"The Very Long Named Regional Publisher Number {number}",
            slug=f"publisher-{number}", domain=f"publisher-{number}.example")
        Source.objects.create(
            url=f"https://publisher-{number}.example/sections/regional/politics/feed.xml",
            title=f"Regional politics, council reports and planning decisions, part {number}",
            publisher=publisher, last_success_at=now - timezone.timedelta(minutes=number),
            error_count=number % 3,
            last_error=("feed https://publisher.example/feed.xml: the server answered 503 "
                        "Service Unavailable; it asked us to come back later " * 3)
            if number % 3 else "",
            last_error_at=now if number % 3 else None,
        )


def test_the_sources_list_shows_every_health_column_at_1280_pixels(editor_page, live_server):
    many_sources()
    page = editor_page
    page.goto(live_server.url + "/admin/sources/source/")
    page.screenshot(path=str(ARTIFACTS / "admin-sources-1280.png"), full_page=True)
    overflow = sideways_scroll(page)
    assert overflow <= 0, f"the list scrolls sideways by {overflow}px"
    for column in COLUMNS:
        header = page.locator("#result_list thead th").filter(has_text=column).first
        box = header.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1280, column
    hidden = page.evaluate(
        "() => { const r = document.querySelector('#changelist .results');"
        " return r.scrollWidth - r.clientWidth; }")
    assert hidden <= 0, f"the list hides {hidden}px of its columns behind a scroll bar"
    page.locator("#result_list a", has_text="show").first.click()
    page.wait_for_url("**/last-error/")
    page.wait_for_selector("#content-main .module")
    assert "it asked us to come back later" in page.content()


def test_adding_a_site_by_url_from_the_admin(editor_page, live_server, settings):
    settings.NEWSDESK_FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    page = editor_page
    with serving(PublisherSite) as site:
        page.goto(live_server.url + "/admin/sources/source/add/")
        assert page.locator('input[name="etag"]').count() == 0
        page.get_by_label("Site or feed URL").fill(site + "/")
        page.screenshot(path=str(ARTIFACTS / "admin-source-add-1280.png"), full_page=True)
        page.get_by_role("button", name="Find and follow").click()
        page.wait_for_selector("text=Open the source")
    page.screenshot(path=str(ARTIFACTS / "admin-source-added-1280.png"), full_page=True)
    assert Source.objects.get().url == f"{site}/news.xml"
    assert "as Feed" in page.content()
