"""discover(): from any URL a user gives to a feed, a news sitemap or a section page.

The fetch function is the boundary with the network (the guarded client), so the
tests give discover a fake one that answers from a table and records every URL
asked for.
"""

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from newsdesk.sources.discover import Discovery, DiscoveryError, discover

FIXTURES = Path(__file__).parent / "fixtures"
RSS = "application/rss+xml"
HTML = "text/html; charset=utf-8"
XML = "application/xml"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass
class Response:
    status: int = 200
    final_url: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None


class FakeWeb:
    """Answers URLs from a table (404 otherwise) and remembers what was asked."""

    def __init__(self, pages: dict[str, tuple], redirects: dict[str, str] | None = None):
        self.pages = pages
        self.redirects = redirects or {}
        self.asked: list[str] = []

    def __call__(self, url: str) -> Response:
        self.asked.append(url)
        final = self.redirects.get(url, url)
        if final not in self.pages:
            return Response(status=404, final_url=final, body=b"<html>Not found</html>")
        content_type, body = self.pages[final]
        return Response(final_url=final, headers={"Content-Type": content_type}, body=body)


def section_page_without_feed_links() -> bytes:
    return fixture("pages/section-page.html").replace(b'<a href="/feed">Feed</a>', b"")


def test_a_feed_url_is_followed_as_it_is():
    web = FakeWeb(
        {"https://www.harbour-herald.example/feed.xml": (RSS, fixture("feeds/rss20.xml"))}
    )
    found = discover("https://www.harbour-herald.example/feed.xml", web)
    assert found == Discovery(
        kind="feed",
        url="https://www.harbour-herald.example/feed.xml",
        title="Harbour Herald & Friends",
        attempts=["https://www.harbour-herald.example/feed.xml: feed found"],
    )
    assert web.asked == ["https://www.harbour-herald.example/feed.xml"]


def test_the_address_after_redirects_is_the_one_followed():
    web = FakeWeb(
        {"https://www.harbour-herald.example/feed.xml": (RSS, fixture("feeds/rss20.xml"))},
        redirects={
            "http://harbour-herald.example/rss": "https://www.harbour-herald.example/feed.xml"
        },
    )
    found = discover("http://harbour-herald.example/rss", web)
    assert found.url == "https://www.harbour-herald.example/feed.xml"


def test_feed_announced_in_the_page_is_found_with_its_base_href():
    web = FakeWeb(
        {
            "https://www.harbour-herald.example/": (
                HTML,
                fixture("pages/home-with-alternates.html"),
            ),
            "https://www.harbour-herald.example/wp-json/wp/v2/pages/2": (
                "application/json",
                b'{"id": 2, "title": {"rendered": "Home"}}',
            ),
            "https://www.harbour-herald.example/feeds/main.xml": (RSS, fixture("feeds/rss20.xml")),
            "https://www.harbour-herald.example/feeds/comments.xml": (
                RSS,
                fixture("feeds/rss20.xml"),
            ),
        }
    )
    found = discover("https://www.harbour-herald.example/", web)
    assert (found.kind, found.url) == ("feed", "https://www.harbour-herald.example/feeds/main.xml")
    assert "https://www.harbour-herald.example/feeds/comments.xml" not in web.asked
    assert found.attempts[:2] == [
        "the address given https://www.harbour-herald.example/: not a feed "
        "(got an HTML page, served as text/html)",
        "announced feed https://www.harbour-herald.example/wp-json/wp/v2/pages/2: not a feed "
        "(JSON, but not a JSON Feed: no version or items)",
    ]


def test_announced_json_feed_is_found():
    page = (
        b'<html><head><link rel="alternate" type="application/feed+json" href="/feed.json">'
        b"</head><body></body></html>"
    )
    web = FakeWeb(
        {
            "https://quayside-notes.example/": (HTML, page),
            "https://quayside-notes.example/feed.json": (
                "application/feed+json",
                fixture("feeds/jsonfeed10.json"),
            ),
        }
    )
    found = discover("https://quayside-notes.example/", web)
    assert (found.kind, found.url, found.title) == (
        "feed",
        "https://quayside-notes.example/feed.json",
        "Quayside Notes",
    )


def test_usual_feed_paths_are_tried_in_order_when_the_page_announces_none():
    web = FakeWeb(
        {
            "https://valley-voice.example/": (HTML, b"<html><body>Welcome</body></html>"),
            # A soft 404: an HTML page answered with 200.
            "https://valley-voice.example/rss": (HTML, fixture("feeds/html-page.html")),
            "https://valley-voice.example/rss.xml": (XML, fixture("feeds/rss10.rdf")),
        }
    )
    found = discover("https://valley-voice.example", web)
    assert (found.kind, found.url, found.title) == (
        "feed",
        "https://valley-voice.example/rss.xml",
        "Valley Voice",
    )
    assert web.asked == [
        "https://valley-voice.example/",
        "https://valley-voice.example/feed",
        "https://valley-voice.example/rss",
        "https://valley-voice.example/rss.xml",
    ]


def test_usual_paths_below_a_section_are_tried_before_the_site_root():
    web = FakeWeb(
        {
            "https://north-star.example/sport/": (HTML, b"<html><body>Sport</body></html>"),
            "https://north-star.example/sport/feed": (XML, fixture("feeds/atom10.xml")),
            "https://north-star.example/feed": (RSS, fixture("feeds/rss20.xml")),
        }
    )
    assert discover("https://north-star.example/sport/", web).url == (
        "https://north-star.example/sport/feed"
    )


def test_news_sitemap_named_in_robots_txt_is_followed_through_a_sitemap_index():
    robots = b"User-agent: *\nDisallow: /private/\nSitemap: https://tidewater-times.example/sitemap-index.xml\n"
    web = FakeWeb(
        {
            "https://tidewater-times.example/": (HTML, b"<html><body>No links</body></html>"),
            "https://tidewater-times.example/robots.txt": ("text/plain", robots),
            "https://tidewater-times.example/sitemap-index.xml": (
                XML,
                fixture("sitemaps/sitemap-index.xml"),
            ),
            "https://tidewater-times.example/sitemaps/pages.xml": (
                XML,
                fixture("sitemaps/plain-sitemap.xml"),
            ),
            "https://tidewater-times.example/sitemaps/news.xml": (
                XML,
                fixture("sitemaps/news-sitemap.xml"),
            ),
        }
    )
    found = discover("https://tidewater-times.example/", web)
    assert (found.kind, found.url) == (
        "news_sitemap",
        "https://tidewater-times.example/sitemaps/news.xml",
    )
    assert found.title == "Tidewater Times"
    # The child whose name says "news" is looked at first.
    assert "https://tidewater-times.example/sitemaps/pages.xml" not in web.asked


def test_news_sitemap_at_a_usual_path_is_found_without_robots_txt():
    web = FakeWeb(
        {
            "https://tidewater-times.example/news-sitemap.xml": (
                XML,
                fixture("sitemaps/news-sitemap.xml"),
            ),
        }
    )
    found = discover("https://tidewater-times.example/", web)
    assert (found.kind, found.url) == (
        "news_sitemap",
        "https://tidewater-times.example/news-sitemap.xml",
    )


def test_a_news_sitemap_url_given_directly_is_followed():
    url = "https://tidewater-times.example/sitemaps/news.xml"
    web = FakeWeb({url: (XML, fixture("sitemaps/news-sitemap.xml"))})
    found = discover(url, web)
    assert (found.kind, found.url) == ("news_sitemap", url)
    assert web.asked == [url]


def test_section_page_is_followed_when_there_is_no_feed_or_sitemap():
    web = FakeWeb(
        {"https://tidewater-times.example/local/": (HTML, section_page_without_feed_links())}
    )
    found = discover("https://tidewater-times.example/local/", web)
    assert (found.kind, found.url, found.title) == (
        "section_page",
        "https://tidewater-times.example/local/",
        "Local news | Tidewater Times",
    )


def test_nothing_to_follow_names_the_three_likeliest_tries_and_how_many_there_were():
    web = FakeWeb(
        {
            "https://empty-shop.example/": (HTML, b"<html><head><title>Shop</title></head></html>"),
            "https://empty-shop.example/robots.txt": ("text/plain", b"User-agent: *\nAllow: /\n"),
            "https://empty-shop.example/sitemap.xml": (XML, fixture("sitemaps/plain-sitemap.xml")),
        }
    )
    with pytest.raises(DiscoveryError) as error:
        discover("https://empty-shop.example/", web)
    message = str(error.value)
    assert "\n" not in message
    tried = len(set(web.asked))
    assert message.startswith(
        f"found nothing to follow at https://empty-shop.example/ after trying {tried} addresses; "
        "the likeliest: the address given https://empty-shop.example/: not a feed (got an HTML page"
    )
    likeliest = message.split("the likeliest: ")[1].split(". If you know")[0]
    assert likeliest.count("; ") == 2
    assert "https://empty-shop.example/: the page announces no feed" in likeliest
    assert "sitemap https://empty-shop.example/sitemap.xml: a sitemap without news: entries" \
        in likeliest
    assert "HTTP 404" not in message  # plain misses are counted, not named
    # Every attempt is kept, in order, for whoever wants them all.
    attempts = error.value.attempts
    for expected in [
        "usual feed path https://empty-shop.example/feed: HTTP 404",
        "https://empty-shop.example/robots.txt: names no sitemap",
        "section page https://empty-shop.example/: 0 links look like articles, 3 needed",
    ]:
        assert expected in attempts
    assert all(any(url in attempt for attempt in attempts) for url in web.asked)


def test_a_feed_the_page_announces_is_named_before_plain_misses():
    page = b'<html><head><link rel="alternate" type="application/rss+xml" href="/broken.xml">'
    web = FakeWeb({
        "https://announcer.example/": (HTML, page + b"</head></html>"),
        "https://announcer.example/broken.xml": (HTML, b"<html><body>Moved</body></html>"),
    })
    with pytest.raises(DiscoveryError) as error:
        discover("https://announcer.example/", web)
    likeliest = str(error.value).split("the likeliest: ")[1]
    assert likeliest.split("; ")[1].startswith("announced feed https://announcer.example/broken.xml")


def test_an_unreachable_site_is_reported_at_once():
    def refused(url):
        return Response(status=0, final_url=url, error="connection refused")

    with pytest.raises(DiscoveryError) as error:
        discover("https://down.example/", refused)
    assert str(error.value) == "cannot reach https://down.example/: connection refused"


def test_a_refused_address_is_reported_with_the_guarded_clients_reason():
    def guarded(url):
        return Response(status=0, final_url=url, error="refused: 10.0.0.5 is a private address")

    with pytest.raises(DiscoveryError, match="10.0.0.5 is a private address"):
        discover("https://intranet.example/", guarded)


@pytest.mark.parametrize("url", ["ftp://files.example/feed", "file:///etc/passwd", "not a url"])
def test_only_http_addresses_are_discovered(url):
    web = FakeWeb({})
    with pytest.raises(DiscoveryError, match="is not an http"):
        discover(url, web)
    assert web.asked == []
