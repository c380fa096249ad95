"""The subscriber's journey in real Chromium, with the mails from a real SMTP server on
loopback: sign up from a topic link, confirm, choose on the confirmed page (the browser's
time zone pre-selected by JavaScript, or the list alone without it), read the digest at
375 and 800 px, view it in the browser, change the preferences, unsubscribe twice."""

import re
import struct
import sys
import zlib
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from conftest import ARTIFACTS, run_axe, sideways_scroll
from playwright.sync_api import expect
from web_builders import make_article, make_publisher, make_story

from newsdesk.newsletter.digest import send_due_digests
from newsdesk.newsletter.models import Subscriber
from newsdesk.sources.models import Topic
from newsdesk.stories.languages import forget_story_languages

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "newsletter"))
from newsletter_support import RecordingHandler, free_port, link_in  # noqa: E402

pytestmark = pytest.mark.browser


def solid_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A one-colour PNG, written out here (the tests carry no publisher's image)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


PICTURE = solid_png(160, 100, (70, 120, 160))
MAIL_WIDTHS = (375, 800)


@pytest.fixture
def mailbox(settings, live_server):
    """A real SMTP server on loopback; the desk mails it, with links to the live server."""
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": controller.port}}}
    settings.NEWSDESK_MAIL_CONCURRENCY = 1
    settings.NEWSDESK_BASE_URL = live_server.url
    settings.NEWSDESK_SIGNUP_MIN_SECONDS = 0  # a browser driven by a test types fast
    settings.NEWSDESK_FIRST_DIGEST_DELAY = 600
    yield handler
    controller.stop()


@pytest.fixture
def desk(transactional_db):
    forget_story_languages()  # the languages offered are kept in the cache
    science = Topic.objects.create(name="Science", slug="science")
    herald = make_publisher("Harbour Herald")
    nordlicht = make_publisher("Nordlicht Zeitung")
    bridge = make_story(
        make_article(herald, "Council approves the harbour bridge after a nine-hour meeting",
                     excerpt="The council voted seven to two for the bridge. Work starts in "
                     "spring.", image_url="https://harbour-herald.example/bridge.jpg",
                     language="en"),
        make_article(make_publisher("Valley Voice"), "Bridge vote: what changes for commuters",
                     language="en"),
        score=5, image_url="https://harbour-herald.example/bridge.jpg",
    )
    bridge.topics.add(science)
    comet = make_story(make_article(herald, "Comet seen over the bay",
                                    excerpt="Astronomers watched it for an hour.",
                                    language="en"), score=4)
    comet.topics.add(science)
    german = make_story(make_article(nordlicht, "Forscher messen Rekordtemperatur",
                                     excerpt="Ein Messschiff hat sie gemessen.", language="de"),
                        score=3)
    german.topics.add(science)
    return {"science": science}


def last_mail(mailbox, subject_start=""):
    found = [r.message for r in mailbox.received if r.message["Subject"].startswith(subject_start)]
    assert found, [r.message["Subject"] for r in mailbox.received]
    return found[-1]


def text_of(message):
    return message.get_body(("plain",)).get_content()


def check_page(page, name, width, failures):
    page.screenshot(path=str(ARTIFACTS / f"newsletter-{name}-{width}.png"), full_page=True)
    if violations := run_axe(page):
        failures[name] = violations
    overflow = sideways_scroll(page)
    assert overflow <= 0, f"{name} at {width}px scrolls sideways by {overflow}px"


def test_the_subscriber_journey_from_a_topic_link_to_unsubscribing_twice(
    chromium, live_server, desk, mailbox
):
    context = chromium.new_context(viewport={"width": 375, "height": 900},
                                   timezone_id="America/New_York", locale="en-US")
    page = context.new_page()
    failures = {}
    page.goto(live_server.url + "/newsletter/subscribe/?topic=science")
    assert page.get_by_label("Stories on Science").is_checked()
    check_page(page, "signup", 375, failures)
    page.get_by_label("Email address").fill("reader@example.org")
    page.get_by_role("button", name="Subscribe").first.click()
    page.wait_for_selector("text=Check your inbox")

    page.goto(link_in(text_of(last_mail(mailbox, "Confirm")), "/newsletter/confirm/"))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_selector("text=You are subscribed")
    zone = page.get_by_label("Time zone")
    # the browser's, chosen by the page's script: expect() waits until it has run (the
    # confirmation text is in the HTML before the script is)
    expect(zone).to_have_value("America/New_York")
    expect(page.locator(".browser-zone-note")).to_be_visible()
    assert page.get_by_label("Science").is_checked()  # from the topic link
    assert page.locator("footer form.subscribe").count() == 0
    check_page(page, "confirmed", 375, failures)
    page.get_by_label("English").check()
    page.get_by_role("button", name="Save and send my first digest").click()
    page.wait_for_selector("text=Your first digest is on its way")
    subscriber = Subscriber.objects.get()
    assert (subscriber.timezone, subscriber.story_languages) == ("America/New_York", ["en"])

    assert send_due_digests() == 1
    digest = last_mail(mailbox, "Council approves")
    html = digest.get_body(("html",)).get_content()
    assert "Forscher messen" not in html  # not in the languages chosen
    assert "Lead report by Harbour Herald" in html
    assert "<img" not in html  # images are the subscriber's choice, off by default
    for width in MAIL_WIDTHS:
        mail_page = context.new_page()
        mail_page.set_viewport_size({"width": width, "height": 900})
        mail_page.set_content(html)
        mail_page.screenshot(path=str(ARTIFACTS / f"newsletter-digest-mail-{width}.png"),
                             full_page=True)
        overflow = sideways_scroll(mail_page)
        assert overflow <= 0, f"the digest mail scrolls sideways by {overflow}px at {width}px"
        mail_page.close()

    page.goto(link_in(text_of(digest), "/newsletter/view/"))
    assert page.get_by_text("Comet seen over the bay").is_visible()
    assert "reader@example.org" not in page.content()
    check_page(page, "view-in-browser", 375, failures)

    page.goto(link_in(text_of(last_mail(mailbox, "Welcome")), "/newsletter/preferences/"))
    assert "Digests are sent to reader@example.org." in page.content()
    assert re.search(r"Next digest: \w+day \d+ \w+ \d{4}, 07:00 \(America/New_York\)",
                     page.content())
    page.get_by_label("Show a small image with each story").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=Saved. The next digest follows these settings.")
    check_page(page, "preferences", 375, failures)

    page.goto(link_in(text_of(digest), "/newsletter/unsubscribe/"))
    page.get_by_role("button", name="Unsubscribe").click()
    page.wait_for_selector("text=You are unsubscribed")
    assert page.locator("footer form.subscribe").count() == 0
    page.reload()
    page.wait_for_selector("text=You are already unsubscribed")
    check_page(page, "unsubscribed", 375, failures)
    context.close()
    assert failures == {}


def test_the_confirmed_page_works_without_javascript_and_fits_375_pixels_in_german(
    chromium, live_server, desk, mailbox
):
    subscriber = Subscriber.objects.create(email="leser@example.org", language="de")
    from newsdesk.newsletter.tokens import make_token

    context = chromium.new_context(java_script_enabled=False, timezone_id="Asia/Tokyo",
                                   viewport={"width": 375, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/newsletter/confirm/{make_token(subscriber, 'confirm')}/")
    page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_selector("text=Sie haben abonniert")
    overflow = sideways_scroll(page)
    assert overflow <= 0, f"the confirmed page scrolls sideways by {overflow}px"
    assert page.get_by_label("Zeitzone").input_value() == "UTC"  # nothing guessed
    page.get_by_label("Zeitzone").select_option("Asia/Tokyo")
    page.get_by_label("Science").check()
    page.get_by_role("button", name="Speichern und erste Zusammenfassung senden").click()
    page.wait_for_selector("text=Ihre erste Zusammenfassung ist unterwegs")
    context.close()
    subscriber.refresh_from_db()
    assert subscriber.timezone == "Asia/Tokyo"
    assert list(subscriber.topics.values_list("slug", flat=True)) == ["science"]


def test_the_digest_with_images_reads_at_375_and_800_pixels(chromium, live_server, desk, mailbox):
    Subscriber.objects.create(email="pictures@example.org", state=Subscriber.State.CONFIRMED,
                              show_images=True, story_languages=["en"])
    send_due_digests()
    html = last_mail(mailbox).get_body(("html",)).get_content()
    assert f'src="{live_server.url}/img/' in html
    context = chromium.new_context()
    for width in MAIL_WIDTHS:
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 900})
        # No publisher is reachable from here: our proxy's address answers a picture.
        page.route("**/img/**", lambda route: route.fulfill(body=PICTURE,
                                                            content_type="image/png"))
        page.set_content(html)
        page.screenshot(path=str(ARTIFACTS / f"newsletter-digest-images-{width}.png"),
                        full_page=True)
        overflow = sideways_scroll(page)
        assert overflow <= 0
        page.wait_for_function("document.querySelector('img.story-image').complete")
        box = page.locator("img.story-image").bounding_box()
        assert 0 < box["width"] <= 96 and box["height"] > 0
    context.close()
