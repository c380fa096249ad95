"""Every page type in real Chromium at 375 and 1280 px: axe-core, layout, screenshots."""

from datetime import timedelta

import pytest
from conftest import ARTIFACTS, run_axe, sideways_scroll
from django.urls import reverse
from django.utils import timezone
from web_builders import make_article, make_publisher, make_story

from newsdesk.sources.models import Topic

pytestmark = pytest.mark.browser

WIDTHS = (375, 1280)


@pytest.fixture
def site(transactional_db):
    """A small desk: several publishers and languages, a copy, a paywall, a topic."""
    harbour = make_publisher("Harbour Herald")
    valley = make_publisher("Valley Voice")
    copier = make_publisher("Copycat Daily")
    nordlicht = make_publisher("Nordlicht Zeitung")
    science = Topic.objects.create(name="Science", slug="science")
    lead = make_article(
        harbour,
        "Council approves the harbour bridge after a nine-hour meeting that ran past "
        "midnight and drew more speakers than any session in the town's history",
        excerpt="The council voted seven to two for the bridge. Work starts in spring.",
        text="The council approved the harbour bridge on Tuesday night.",
    )
    other = make_article(valley, "Bridge vote: what changes for commuters",
                         excerpt="Buses will be rerouted during construction.")
    copy = make_article(copier, lead.title, excerpt=lead.excerpt)
    story = make_story(lead, other, copy, copies={copy: lead}, score=5)
    story.topics.add(science)
    german = make_story(
        make_article(nordlicht, "Forscher messen Rekordtemperatur im Nordmeer",
                     excerpt="Ein Messschiff hat die höchste Temperatur gemessen.", language="de"),
        score=3,
    )
    german.topics.add(science)
    make_story(make_article(harbour, "Ferry adds a night crossing", status="paywall",
                            excerpt="The extra sailing leaves at 23:40."), pinned=True)
    for number in range(35):
        make_story(make_article(valley, f"Local notice number {number}"),
                   first_seen_at=timezone.now() - timedelta(hours=number))
    return {"story": story}


def page_urls(site) -> dict[str, str]:
    today = timezone.localdate()
    return {
        "front": reverse("web:front"),
        "story": site["story"].get_absolute_url(),
        "topics": reverse("web:topics"),
        "topic": reverse("web:topic", args=["science"]),
        "publishers": reverse("web:publishers"),
        "publisher": reverse("web:publisher", args=["harbour-herald"]),
        "archive": reverse("web:archive"),
        "archive-day": reverse("web:archive_day", args=[today.year, today.month, today.day]),
        "search": reverse("web:search") + "?q=bridge&since=2026-13-40",
        "about": reverse("web:privacy"),
        "cookie-settings": reverse("web:cookie_settings"),
        "cookie-policy": reverse("web:cookie_policy"),
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_type_passes_axe_fits_the_screen_and_stays_on_our_origin(
    chromium, live_server, site, width
):
    context = chromium.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    requests, csp_errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security" in m.text else 0)
    failures = {}
    for name, path in page_urls(site).items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, f"{name}: {response.status}"
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        violations = run_axe(page)
        if violations:
            failures[name] = violations
        overflow = sideways_scroll(page)
        assert overflow <= 0, f"{name} at {width}px scrolls sideways by {overflow}px"
    context.close()

    assert failures == {}
    assert [url for url in requests if not url.startswith(live_server.url)] == []
    assert csp_errors == []


def test_dark_theme_passes_axe_contrast_checks(chromium, live_server, site):
    context = chromium.new_context(viewport={"width": 375, "height": 900}, color_scheme="dark")
    page = context.new_page()
    failures = {}
    for name in ("front", "story", "search", "cookie-settings"):
        page.goto(live_server.url + page_urls(site)[name])
        page.screenshot(path=str(ARTIFACTS / f"{name}-375-dark.png"), full_page=True)
        violations = run_axe(page)
        if violations:
            failures[name] = violations
    context.close()

    assert failures == {}


def test_page_fits_a_320_pixel_screen(chromium, live_server, site):
    context = chromium.new_context(viewport={"width": 320, "height": 700})
    page = context.new_page()
    for name in ("front", "story", "search"):
        page.goto(live_server.url + page_urls(site)[name])
        overflow = sideways_scroll(page)
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 320px"
    context.close()


def test_keyboard_reaches_the_skip_link_first_and_focus_is_visible(chromium, live_server, site):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/")

    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({text: document.activeElement.textContent.trim(),"
        " outline: getComputedStyle(document.activeElement).outlineStyle,"
        " top: document.activeElement.getBoundingClientRect().top})"
    )
    page.keyboard.press("Enter")
    after = page.evaluate("() => document.activeElement.id")
    context.close()

    assert focused["text"] == "Skip to content"
    assert focused["outline"] != "none" and focused["top"] >= 0
    assert after == "content"


def test_pages_work_without_javascript(chromium, live_server, site):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="More top stories →").click()
    assert "cursor=" in page.url
    page.get_by_role("searchbox", name="Search stories").fill("bridge")
    page.get_by_role("button", name="Search", exact=True).first.click()
    assert page.locator("mark").first.inner_text().lower() == "bridge"
    context.close()
