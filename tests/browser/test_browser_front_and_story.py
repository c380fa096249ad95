"""The front page's cards and sections and the story page's image, brief and coverage
at a glance, in real Chromium at 375 and 1280 px: layout, axe-core, relative times."""

import io
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler

import pytest
from brief_builders import bridge_story
from conftest import ARTIFACTS, run_axe, sideways_scroll
from loopback import serving
from web_builders import make_article, make_publisher, make_story

from newsdesk.sources.models import PublisherLabel, Topic

pytestmark = pytest.mark.browser

WIDTHS = (375, 1280)
REPORTED = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)


def photo() -> bytes:
    """A made-up 1200x800 photo, as a publisher's full-size JPEG."""
    from PIL import Image

    image = Image.new("RGB", (1200, 800), (30, 90, 160))
    image.paste((200, 120, 40), (0, 500, 1200, 800))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


class PhotoHost(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def photo_host(settings):
    settings.NEWSDESK_FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    PhotoHost.body = photo()
    with serving(PhotoHost) as url:
        yield url


@pytest.fixture
def desk(transactional_db, photo_host):
    """Two topics of stories with photos, labelled publishers, and a story with a brief."""
    world = Topic.objects.create(name="World", slug="world")
    science = Topic.objects.create(name="Science", slug="science")
    harbour, valley = make_publisher("Harbour Herald"), make_publisher("Valley Voice")
    PublisherLabel.objects.create(publisher=harbour, name="lean", value="left")
    PublisherLabel.objects.create(publisher=valley, name="lean", value="right")
    for number in range(20):
        topic = world if number % 2 else science
        story = make_story(
            make_article(
                harbour if number % 3 else valley,
                f"Headline number {number} about events that matter to readers today",
                image_url=f"{photo_host}/photo-{number}.jpg",
                published_at=REPORTED,
            ),
            make_article(valley, f"Second report {number}", published_at=REPORTED),
            score=100 - number,
            first_seen_at=REPORTED,
        )
        story.topics.add(topic)
    with_brief = bridge_story({"harbour": harbour, "valley": valley})
    lead = with_brief.headline_article
    lead.image_url, lead.bylines = f"{photo_host}/bridge.jpg", ["Ada Lind"]
    lead.save()
    with_brief.score = 1000
    with_brief.save()
    with_brief.topics.add(world)
    return {"story": with_brief}


def tile_columns(page) -> int:
    return page.evaluate(
        "new Set([...document.querySelectorAll('.tiles')[0].children]"
        ".map(li => Math.round(li.getBoundingClientRect().left))).size"
    )


def tiles_in_first_screen(page) -> int:
    return page.evaluate(
        """() => [...document.querySelectorAll('.tile')].filter(tile => {
            const box = tile.getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight; }).length"""
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_front_page_cards_in_columns_pass_axe_and_show_scaled_thumbnails(
    chromium, live_server, desk, width
):
    context = chromium.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(ARTIFACTS / f"front-cards-{width}.png"), full_page=True)

    assert run_axe(page) == []
    assert sideways_scroll(page) <= 0
    if width == 1280:
        assert tile_columns(page) == 3
        assert tiles_in_first_screen(page) >= 6
    else:
        assert tile_columns(page) == 1
    assert page.locator(".front-section h2").all_inner_texts() == ["Science", "World"]
    thumbnails = page.evaluate(
        "[...document.querySelectorAll('.tiles img.thumb')].slice(0, 3)"
        ".map(img => [img.naturalWidth, img.getBoundingClientRect().width])"
    )
    css_width = 120 if width == 1280 else 96
    assert thumbnails
    assert all(natural == 240 and shown == css_width for natural, shown in thumbnails)
    context.close()


@pytest.mark.parametrize(("language", "three", "five"), [
    ("en", "3 h ago", "5 h ago"),
    ("de", "vor 3 Std.", "vor 5 Std."),
])
def test_relative_times_are_redone_from_the_browser_clock(
    chromium, live_server, desk, language, three, five
):
    context = chromium.new_context(
        viewport={"width": 1280, "height": 800}, extra_http_headers={"Accept-Language": language}
    )
    page = context.new_page()
    page.clock.install(time=REPORTED + timedelta(hours=3))
    page.goto(live_server.url + "/")
    first = page.locator(".tile time").nth(1)  # a story first reported at REPORTED

    assert first.get_attribute("datetime") == REPORTED.isoformat()
    assert first.get_attribute("title").endswith("UTC")
    assert first.inner_text() == three
    page.clock.run_for(2 * 3600 * 1000)
    assert first.inner_text() == five
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_story_page_image_brief_and_glance_pass_axe_and_fit(chromium, live_server, desk, width):
    context = chromium.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + desk["story"].get_absolute_url())
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(ARTIFACTS / f"story-brief-{width}.png"), full_page=True)

    assert run_axe(page) == []
    assert sideways_scroll(page) <= 0
    image = page.locator("img.lead-image")
    loaded = image.evaluate("img => img.complete && img.naturalWidth > 0 && img.currentSrc")
    assert loaded and loaded.endswith(("/480/", "/960/"))
    assert 3 <= page.locator(".brief li").count() <= 5
    assert page.locator(".brief li q").first.is_visible()
    assert page.locator(".glance dt").all_inner_texts()[:2] == ["Languages", "Lean"]
    assert page.locator(".byline").first.inner_text() == "by Ada Lind"
    context.close()
