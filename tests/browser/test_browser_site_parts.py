"""The new page parts in real Chromium at 375 and 1280 px, with axe-core: error pages,
following a topic, the topic index, search filters that fold away, the story language
filter and its remembered choice, and the share control (share sheet, clipboard, or a
plain link without JavaScript)."""

import pytest
from conftest import ARTIFACTS, run_axe, sideways_scroll
from django.urls import reverse
from playwright.sync_api import expect
from web_builders import make_article, make_publisher, make_story

from newsdesk.sources.models import Topic
from newsdesk.stories.languages import forget_story_languages
from newsdesk.web.listing import LANGUAGE_COOKIE

pytestmark = pytest.mark.browser

WIDTHS = (375, 1280)
ENGLISH = "Telescope team finds water vapour on a temperate planet"
GERMAN = "Forscher finden Wasserdampf auf einem gemäßigten Planeten"


@pytest.fixture
def desk(transactional_db):
    forget_story_languages()  # kept in the shared cache, which outlives a test's rows
    harbour = make_publisher("Harbour Herald")
    valley = make_publisher("Valley Voice")
    nordlicht = make_publisher("Nordlicht Zeitung")
    science = Topic.objects.create(name="Science", slug="science")
    Topic.objects.create(name="Sport", slug="sport")
    story = make_story(
        make_article(harbour, ENGLISH, excerpt="The team watched eleven transits.",
                     language="en"),
        make_article(valley, "Water found in a distant atmosphere", language="en"),
    )
    story.topics.add(science)
    german = make_story(make_article(nordlicht, GERMAN, excerpt="Das Team beobachtete elf "
                                     "Transits.", language="de"))
    german.topics.add(science)
    return {"story": story}


def new_page(chromium, width, **options):
    context = chromium.new_context(
        viewport={"width": width, "height": 800}, locale="en-GB", **options
    )
    return context, context.new_page()


def check(page, name: str, width: int) -> list:
    page.screenshot(path=str(ARTIFACTS / f"parts-{name}-{width}.png"), full_page=True)
    overflow = sideways_scroll(page)
    assert overflow <= 0, f"{name} at {width}px scrolls sideways by {overflow}px"
    return run_axe(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_new_page_parts_pass_axe_and_fit_the_screen(chromium, live_server, desk, width):
    context, page = new_page(chromium, width)
    failures = {}
    for name, path, status in [
        ("not-found", "/nonexistent-page/", 404),
        ("topic", reverse("web:topic", args=["science"]), 200),
        ("topics", reverse("web:topics"), 200),
        ("search-bad-date", reverse("web:search") + "?q=water&from=2026-13-40", 200),
        ("story", desk["story"].get_absolute_url(), 200),
    ]:
        response = page.goto(live_server.url + path)
        assert response.status == status, name
        violations = check(page, name, width)
        if violations:
            failures[name] = violations
    context.close()

    assert failures == {}


def test_the_404_page_keeps_the_search_box_working(chromium, live_server, desk):
    context, page = new_page(chromium, 375)
    page.goto(live_server.url + "/stories/99999/")

    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    page.get_by_role("searchbox", name="Search stories").fill("water")
    page.get_by_role("button", name="Search", exact=True).first.click()
    # expect() waits for the results page; count() alone would read the 404 page
    expect(page.locator(f'.result a[href="{desk["story"].get_absolute_url()}"]')).to_have_count(1)
    context.close()


def test_icons_and_manifest_load(chromium, live_server, desk):
    context, page = new_page(chromium, 1280)
    page.goto(live_server.url + "/")
    icon = page.get_attribute('link[rel="icon"]', "href")
    manifest = page.get_attribute('link[rel="manifest"]', "href")

    assert page.request.get(live_server.url + icon).status == 200
    icons = page.request.get(live_server.url + manifest).json()["icons"]
    assert all(page.request.get(live_server.url + i["src"]).status == 200 for i in icons)
    context.close()


def test_search_filters_fold_away_on_a_phone(chromium, live_server, desk):
    context, page = new_page(chromium, 375)
    page.goto(live_server.url + reverse("web:search") + "?q=water")
    publisher = page.get_by_label("Publisher")

    assert not publisher.is_visible()
    result = page.locator(".result a").first
    assert result.bounding_box()["y"] < 800 * 1.5  # results come soon after the words
    page.locator("summary", has_text="Filters").click()
    assert publisher.is_visible()
    publisher.select_option(label="Valley Voice")
    page.get_by_role("button", name="Search", exact=True).last.click()

    assert "publisher=valley-voice" in page.url
    assert page.locator("details.search-filters").get_attribute("open") is not None
    context.close()


def test_a_bad_date_says_so_above_the_results(chromium, live_server, desk):
    context, page = new_page(chromium, 1280)
    page.goto(live_server.url + reverse("web:search") + "?q=water&to=03.12.2026")

    notice = page.locator(".notice", has_text="is not a date")
    assert notice.is_visible() and "YYYY-MM-DD" in notice.inner_text()
    assert page.locator(".result").count() == 1  # the search ran without the date
    context.close()


def test_picking_a_story_language_is_remembered(chromium, live_server, desk):
    context, page = new_page(chromium, 1280, extra_http_headers={"Accept-Language": "en"})
    page.goto(live_server.url + "/")
    assert page.get_by_role("link", name=GERMAN).count() == 0  # the browser asks English
    assert not [c for c in context.cookies() if c["name"] == LANGUAGE_COOKIE]

    page.locator("nav.filter").get_by_role("link", name="Deutsch").click()
    expect(page.get_by_role("link", name=GERMAN)).to_have_count(1)
    expect(page.get_by_role("link", name=ENGLISH)).to_have_count(0)

    page.goto(live_server.url + reverse("web:topic", args=["science"]))
    assert page.get_by_role("link", name=GERMAN).count() == 1
    assert page.get_by_role("link", name=ENGLISH).count() == 0
    cookie = next(c for c in context.cookies() if c["name"] == LANGUAGE_COOKIE)
    assert cookie["value"] == "de" and cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    context.close()


def test_share_opens_the_system_share_sheet(chromium, live_server, desk):
    context, page = new_page(chromium, 375)
    page.add_init_script(
        "navigator.share = (data) => { window.shared = data; return Promise.resolve(); };"
    )
    url = live_server.url + desk["story"].get_absolute_url()
    page.goto(url)

    page.get_by_role("link", name="Share this story").click()

    shared = page.evaluate("window.shared")
    assert shared["title"] == ENGLISH
    assert shared["url"] == "http://testserver" + desk["story"].get_absolute_url()  # canonical
    assert page.url == url  # the page stays
    context.close()


def test_share_copies_the_link_where_there_is_no_share_sheet(chromium, live_server, desk):
    context, page = new_page(chromium, 1280)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.add_init_script("delete Navigator.prototype.share;")
    page.goto(live_server.url + desk["story"].get_absolute_url())

    page.get_by_role("link", name="Share this story").click()

    expect(page.get_by_role("status").filter(has_text="Link copied")).to_have_count(1)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == "http://testserver" + desk["story"].get_absolute_url()
    context.close()


def test_share_is_a_plain_link_without_javascript(chromium, live_server, desk):
    context, page = new_page(chromium, 375, java_script_enabled=False)
    page.goto(live_server.url + reverse("web:front") + "?lang=all")
    page.get_by_role("link", name=ENGLISH).click()

    page.get_by_role("link", name="Share this story").click()

    assert page.url.endswith(desk["story"].get_absolute_url())
    context.close()
