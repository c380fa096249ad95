"""The publisher simulator: feeds, pages, routing, validators, faults, release and the farm.

Loopback only: every request is dialled at a 127.0.0.0/8 address with the publisher's host
name in the Host header, as Newsdesk's guarded client does with NEWSDESK_FETCH_RESOLVE.
"""

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter

import feedparser
import lxml.html
import pytest
from defusedxml import ElementTree

import newsdesk
from newsdesk.simulator import PUBLISHERS, SimulatorThread, resolve_map
from newsdesk.simulator import farm as farm_words
from newsdesk.simulator.__main__ import main as simulator_cli
from newsdesk.simulator.content import REPORTS
from newsdesk.simulator.directory import publisher_feeds
from newsdesk.simulator.farm import farm_host_address
from newsdesk.simulator.newsroom import release_time

PUBLISHER = {p.slug: p for p in PUBLISHERS}
WITH_FEEDS = [p for p in PUBLISHERS if p.feed_format is not None]


def fetch(sim, host, path, headers=None, address=None, method="GET"):
    """GET path from host, dialling its own address (or `address`): (response, body)."""
    address = address or sim.resolve_map().get(host, "127.0.0.1")
    connection = http.client.HTTPConnection(address, sim.port, timeout=10)
    try:
        connection.request(method, path, headers={"Host": f"{host}:{sim.port}", **(headers or {})})
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


def control(sim, path, method="GET"):
    response, body = fetch(sim, "127.0.0.1", path, method=method)
    assert response.status == 200, body
    return json.loads(body)


def page_tree(body: bytes):
    return lxml.html.fromstring(body)


@pytest.fixture(scope="module")
def sim():
    with SimulatorThread(release_all=True) as running:
        yield running


def test_listens_on_each_publishers_own_loopback_address(sim):
    addresses = [p.address for p in PUBLISHERS]
    assert len(set(addresses)) == len(addresses) >= 5
    for publisher in PUBLISHERS:
        response, _ = fetch(sim, publisher.host, "/", address=publisher.address)
        assert response.status == 200, publisher.host


def test_routing_by_host_header_whatever_address_was_dialled(sim):
    wire, herald = PUBLISHER["meridian-wire"], PUBLISHER["harbour-herald"]
    _, on_own_address = fetch(sim, wire.host, "/", address=wire.address)
    _, on_localhost = fetch(sim, wire.host, "/", address="127.0.0.1")
    _, herald_home = fetch(sim, herald.host, "/", address=wire.address)
    assert b"Meridian Wire" in on_own_address and on_own_address == on_localhost
    assert b"The Harbour Herald" in herald_home


def test_an_address_in_the_host_header_routes_by_the_address_dialled(sim):
    herald = PUBLISHER["harbour-herald"]
    response, body = fetch(sim, herald.address, "/", address=herald.address)
    assert response.status == 200 and b"The Harbour Herald" in body


def test_unknown_host_name_is_a_404_naming_the_host(sim):
    response, body = fetch(sim, "nobody.localhost", "/", address="127.0.0.1")
    assert response.status == 404 and b"nobody.localhost" in body


def test_resolve_map_gives_every_host_its_own_loopback_address(sim):
    mapping = sim.resolve_map()
    assert mapping == resolve_map()
    assert set(mapping) == {p.host for p in PUBLISHERS}
    assert all(address.startswith("127.") for address in mapping.values())
    assert sim.base_url("harbour-herald") == f"http://harbour-herald.localhost:{sim.port}"


def test_feed_formats_cover_rss_atom_and_json_feed():
    assert {p.feed_format for p in PUBLISHERS} == {"rss", "atom", "json", None}


@pytest.mark.parametrize("publisher", WITH_FEEDS, ids=lambda p: p.slug)
def test_every_feed_parses_cleanly(sim, publisher):
    for feed in publisher_feeds(publisher):
        response, body = fetch(sim, publisher.host, feed.path)
        assert response.status == 200, feed.path
        if publisher.feed_format == "json":
            parsed = json.loads(body)
            assert parsed["version"] == "https://jsonfeed.org/version/1.1"
            titles = [item["title"] for item in parsed["items"]]
        else:
            parsed = feedparser.parse(body)
            assert not parsed.bozo, (feed.path, parsed.get("bozo_exception"))
            expected = "rss20" if publisher.feed_format == "rss" else "atom10"
            assert parsed.version == expected
            titles = [entry.title for entry in parsed.entries]
        assert titles, f"{feed.path} lists no entries"


def test_main_feed_lists_every_released_article_with_links_that_resolve(sim):
    publisher = PUBLISHER["harbour-herald"]
    _, body = fetch(sim, publisher.host, publisher.feed_path)
    entries = feedparser.parse(body).entries
    expected = [r for r in REPORTS if r.publisher == publisher.slug]
    assert len(entries) == len(expected)
    for entry in entries:
        response, page = fetch(sim, publisher.host, entry.link.split(str(sim.port), 1)[1])
        assert response.status == 200 and entry.title.encode() in page


def test_portal_feed_links_carry_tracking_parameters_but_pages_do_not_need_them(sim):
    publisher = PUBLISHER["northgate-post"]
    _, body = fetch(sim, publisher.host, publisher.feed_path)
    link = feedparser.parse(body).entries[0].link
    assert "utm_source=rss" in link
    response, page = fetch(sim, publisher.host, link.split(str(sim.port), 1)[1])
    canonical = page_tree(page).xpath("//link[@rel='canonical']/@href")[0]
    assert response.status == 200 and "utm_" not in canonical


def test_home_pages_advertise_their_feeds_with_link_alternate(sim):
    for publisher in WITH_FEEDS:
        _, body = fetch(sim, publisher.host, "/")
        hrefs = page_tree(body).xpath("//link[@rel='alternate']/@href")
        assert f"{sim.base_url(publisher.host)}{publisher.feed_path}" in hrefs


def test_feedless_publisher_is_followable_by_news_sitemap_and_section_pages(sim):
    publisher = PUBLISHER["bayside-bulletin"]
    _, home = fetch(sim, publisher.host, "/")
    _, robots = fetch(sim, publisher.host, "/robots.txt")
    sitemap_url = robots.decode().split("Sitemap: ", 1)[1].strip()
    _, sitemap = fetch(sim, publisher.host, sitemap_url.split(str(sim.port), 1)[1])
    namespaces = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
                  "news": "http://www.google.com/schemas/sitemap-news/0.9"}
    urls = ElementTree.fromstring(sitemap).findall("s:url", namespaces)
    assert not page_tree(home).xpath("//link[@rel='alternate']")
    assert len(urls) == 2 and all(u.find("news:news/news:title", namespaces) is not None
                                  for u in urls)
    _, section = fetch(sim, publisher.host, "/section/sport/")
    assert page_tree(section).xpath("//ul[@class='teasers']//a[@class='read-more']")
    assert sim.simulator.site_urls()[-1] == sim.base_url(publisher.host) + "/"


def test_feed_answers_304_to_its_etag_and_to_if_modified_since(sim):
    publisher = PUBLISHER["meridian-wire"]
    first, _ = fetch(sim, publisher.host, publisher.feed_path)
    etag, modified = first.getheader("ETag"), first.getheader("Last-Modified")
    assert etag and modified
    by_etag, body = fetch(sim, publisher.host, publisher.feed_path, {"If-None-Match": etag})
    by_date, _ = fetch(sim, publisher.host, publisher.feed_path, {"If-Modified-Since": modified})
    other, _ = fetch(sim, publisher.host, publisher.feed_path, {"If-None-Match": '"stale"'})
    assert (by_etag.status, body, by_etag.getheader("ETag")) == (304, b"", etag)
    assert by_date.status == 304
    assert other.status == 200


def test_article_page_answers_304_to_its_etag(sim):
    article = sim.simulator.newsroom.by_publisher["circuit-and-cell"][0]
    host = article.publisher.host
    first, _ = fetch(sim, host, article.path)
    again, _ = fetch(sim, host, article.path, {"If-None-Match": first.getheader("ETag")})
    assert first.status == 200 and again.status == 304


def test_copy_blog_republishes_the_wire_article_word_for_word(sim):
    newsroom = sim.simulator.newsroom
    copy = next(a for a in newsroom.articles if a.original is not None)
    wire = copy.original
    _, wire_page = fetch(sim, wire.publisher.host, wire.path)
    _, copy_page = fetch(sim, copy.publisher.host, copy.path)
    wire_paragraphs = [p.text_content() for p in
                       page_tree(wire_page).xpath("//div[@data-testid='ArticleBody']/p")]
    copy_tree = page_tree(copy_page)
    copy_paragraphs = [p.text_content() for p in
                       copy_tree.xpath("//div[contains(@class,'entry-content')]/p")]
    assert set(wire.paragraphs) <= set(wire_paragraphs)
    assert set(wire.paragraphs) <= set(copy_paragraphs)
    title = copy_tree.xpath("//h1")[0].text_content()
    assert wire.headline.startswith(title) and len(title) < len(wire.headline)
    text = copy_tree.text_content()
    assert f"Read More: {title}" in text
    assert "We'll assume you're ok with this, but you can opt-out if you wish." in text
    assert "Something went wrong." in text


def test_events_are_covered_by_several_publishers_in_their_own_words():
    by_event: dict[str, list] = {}
    for report in REPORTS:
        by_event.setdefault(report.event, []).append(report)
    assert len(by_event) >= 8
    for event, reports in by_event.items():
        assert 2 <= len({r.publisher for r in reports}) <= 4, event
        assert len({r.headline for r in reports}) == len(reports), event
        paragraphs = [p for r in reports for p in r.paragraphs]
        assert len(paragraphs) == len(set(paragraphs)), f"{event}: a paragraph is repeated"
    for report in REPORTS:
        words = sum(len(p.split()) for p in report.paragraphs)
        assert 120 <= words <= 300 and len(report.paragraphs) >= 3, report.slug
    assert len({r.topic for r in REPORTS}) >= 5
    assert {r.language for r in REPORTS} == {"en", "de"}


def test_german_publisher_marks_its_language(sim):
    publisher = PUBLISHER["rheinblick"]
    _, feed = fetch(sim, publisher.host, publisher.feed_path)
    article = sim.simulator.newsroom.by_publisher["rheinblick"][0]
    _, page = fetch(sim, publisher.host, article.path)
    assert feedparser.parse(feed).feed.language == "de"
    assert page_tree(page).get("lang") == "de"


def _layout_signature(tree) -> frozenset[str]:
    classes = set()
    for element in tree.iter():
        if isinstance(element.tag, str) and element.tag in {"body", "main", "article", "div",
                                                             "header", "section", "aside"}:
            classes.update(element.get("class", "").split())
    return frozenset(classes - {"article-page"})


def test_article_pages_come_in_at_least_four_layouts_with_real_page_furniture(sim):
    signatures = {}
    for publisher in PUBLISHERS:
        article = sim.simulator.newsroom.by_publisher[publisher.slug][0]
        _, body = fetch(sim, publisher.host, article.path)
        tree = page_tree(body)
        ld = [json.loads(s.text) for s in tree.xpath("//script[@type='application/ld+json']")]
        ld_types = {node["@type"] for data in ld for node in data.get("@graph", [data])}
        assert "NewsArticle" in ld_types, publisher.slug
        assert tree.xpath("//meta[@property='og:title']/@content"), publisher.slug
        assert tree.xpath("//nav") and tree.xpath("//footer"), publisher.slug
        text = tree.text_content().lower()
        assert "cookie" in text, publisher.slug
        assert tree.xpath("//input[@type='email']"), f"{publisher.slug}: no newsletter box"
        labels = publisher.labels
        assert labels["read_more"].lower() in text or labels["related"].lower() in text
        signatures[publisher.layout] = _layout_signature(tree)
    assert len(signatures) >= 4
    for first, one in signatures.items():
        for second, other in signatures.items():
            overlap = len(one & other) / len(one | other)
            assert first == second or overlap < 0.5, f"{first} and {second} look alike"


def test_share_buttons_and_comments_appear_on_layouts_that_have_them(sim):
    for slug in ("harbour-herald", "circuit-and-cell", "northgate-post"):
        article = sim.simulator.newsroom.by_publisher[slug][0]
        _, body = fetch(sim, article.publisher.host, article.path)
        tree = page_tree(body)
        assert tree.xpath("//*[@id='comments']"), slug
        assert tree.xpath("//a[starts-with(@href, '/share/')]"), slug


def test_opml_groups_section_feeds_by_topic_and_every_feed_answers(sim):
    root = ElementTree.fromstring(sim.opml())
    groups = root.findall("./body/outline")
    assert {g.get("text") for g in groups} >= {"World", "Politics", "Science", "Sport"}
    urls = [feed.get("xmlUrl") for group in groups for feed in group]
    assert len(urls) == len(set(urls)) >= 15
    for url in urls:
        host, path = url.removeprefix("http://").split("/", 1)
        response, _ = fetch(sim, host.split(":")[0], "/" + path)
        assert response.status == 200, url


def test_feed_urls_name_one_main_feed_per_publisher(sim):
    urls = sim.feed_urls()
    assert len(urls) == len(WITH_FEEDS) == len(PUBLISHERS) - 1
    assert all(url.startswith("http://") and ".localhost:" in url for url in urls)


def test_control_endpoints_answer_on_127_0_0_1_and_are_not_counted():
    with SimulatorThread() as sim:
        fetch(sim, "meridian-wire.localhost", "/atom.xml")
        stats = control(sim, "/_sim/stats")
        assert stats["requests"] == 1 and stats["by_kind"]["feed"]["200"] == 1
        assert control(sim, "/_sim/resolve") == sim.resolve_map()
        assert control(sim, "/_sim/stats/reset", method="POST") == {"reset": True}
        assert control(sim, "/_sim/stats")["requests"] == 0


def test_release_time_scales_only_future_articles_by_speed():
    assert release_time(1000.0, -600, speed=10) == 400.0
    assert release_time(1000.0, 600, speed=10) == 1060.0


def test_a_fresh_start_shows_about_half_and_the_clock_releases_the_rest():
    with SimulatorThread(speed=1.0) as sim:
        newsroom = sim.simulator.newsroom
        visible = sum(len(newsroom.released(p)) for p in PUBLISHERS)
        total = len(newsroom.articles)
        assert 0.3 * total <= visible <= 0.7 * total
        later = next(a for a in newsroom.articles if not newsroom.clock.is_released(a.published_at))
        host = later.publisher.host
        before, _ = fetch(sim, host, later.path)
        feed_before, _ = fetch(sim, host, later.publisher.feed_path)
        control(sim, "/_sim/advance?seconds=1300", method="POST")
        after, _ = fetch(sim, host, later.path)
        feed_after, _ = fetch(sim, host, later.publisher.feed_path,
                              {"If-None-Match": feed_before.getheader("ETag")})
        assert (before.status, after.status, feed_after.status) == (404, 200, 200)
        assert sum(len(newsroom.released(p)) for p in PUBLISHERS) == total


def test_latency_delays_every_publisher_response():
    with SimulatorThread(latency_ms=150) as sim:
        started = time.monotonic()
        response, _ = fetch(sim, "harbour-herald.localhost", "/rss.xml")
        assert response.status == 200 and time.monotonic() - started >= 0.15


def test_failure_rate_answers_503_with_retry_after():
    with SimulatorThread(failure_rate=1.0, retry_after_s=7) as sim:
        response, _ = fetch(sim, "harbour-herald.localhost", "/rss.xml")
        assert response.status == 503 and response.getheader("Retry-After") == "7"
    with SimulatorThread(failure_rate=0.5, seed=3) as sim:
        statuses = Counter(fetch(sim, "meridian-wire.localhost", "/atom.xml")[0].status
                           for _ in range(40))
        assert statuses[503] > 5 and statuses[200] > 5
        assert control(sim, "/_sim/stats")["status"]["503"] == statuses[503]


def test_bad_cli_arguments_exit_2_with_one_clear_line(capsys):
    assert simulator_cli(["--failure-rate", "2"]) == 2
    assert capsys.readouterr().err == "simulator: failure rate must be between 0 and 1 (got 2.0)\n"


def test_command_line_serves_until_interrupted_and_says_where_everything_is(tmp_path):
    source_root = os.path.dirname(os.path.dirname(newsdesk.__file__))
    process = subprocess.Popen(
        [sys.executable, "-m", "newsdesk.simulator", "--port", "0", "--opml",
         str(tmp_path / "sim.opml")],
        stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": source_root},
    )
    try:
        announced = ""
        while "Ctrl-C stops" not in announced and process.poll() is None:
            announced += process.stderr.readline()
        listening = re.search(r"listening on port (\d+)", announced)
        assert listening, f"the simulator did not start: {announced}"
        port = int(listening.group(1))
        connection = http.client.HTTPConnection("127.0.0.11", port, timeout=10)
        connection.request("GET", "/rss.xml", headers={"Host": "harbour-herald.localhost"})
        assert connection.getresponse().status == 200
        connection.close()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
        farewell = process.stderr.read()
    assert process.returncode == 0 and "simulator: stopped" in farewell
    assert "OPML in" in announced and (tmp_path / "sim.opml").read_text().startswith("<?xml")
    assert json.loads((tmp_path / "sim.resolve.json").read_text()) == resolve_map()


# --- the feed farm -----------------------------------------------------------------------------

@pytest.fixture
def farm():
    with SimulatorThread(publishers=False, farm_feeds=30, farm_hosts=7, farm_entries=20) as sim:
        yield sim


def _get_url(sim, url, headers=None):
    host, path = url.removeprefix("http://").split("/", 1)
    host = host.split(":")[0]
    return fetch(sim, host, "/" + path, headers)


def test_farm_spreads_feeds_over_hosts_with_their_own_addresses(farm):
    urls = farm.farm_feed_urls()
    hosts = {url.removeprefix("http://").split(":")[0] for url in urls}
    assert len(urls) == 30 and len(hosts) == 7
    assert farm.resolve_map()["h006.farm.localhost"] == farm_host_address(6) == "127.0.1.7"
    assert farm_host_address(250) == "127.0.2.1"


def test_farm_feeds_have_distinct_entries_with_article_pages(farm):
    guids = set()
    for url in farm.farm_feed_urls()[:10]:
        response, body = _get_url(farm, url)
        parsed = feedparser.parse(body)
        assert response.status == 200 and not parsed.bozo and len(parsed.entries) == 20
        guids.update(entry.id for entry in parsed.entries)
    assert len(guids) == 200
    page_response, page = _get_url(farm, parsed.entries[0].link)
    assert page_response.status == 200 and parsed.entries[0].title.encode() in page


def test_farm_warm_answers_304_and_counts_each_kind(farm):
    url = farm.farm_feed_urls()[3]
    first, body = _get_url(farm, url)
    second, _ = _get_url(farm, url, {"If-None-Match": first.getheader("ETag")})
    _get_url(farm, feedparser.parse(body).entries[0].link)
    stats = control(farm, "/_sim/stats")
    assert second.status == 304
    assert stats["by_kind"]["farm_feed"] == {"requests": 2, "200": 1, "304": 1}
    assert stats["by_kind"]["farm_article"] == {"requests": 1, "200": 1}


def test_farm_cold_mode_serves_new_entries_at_every_poll(farm):
    url = farm.farm_feed_urls()[5]
    first, body = _get_url(farm, url)
    control(farm, "/_sim/farm?mode=cold", method="POST")
    second, body_two = _get_url(farm, url, {"If-None-Match": first.getheader("ETag")})
    ids_one = {e.id for e in feedparser.parse(body).entries}
    ids_two = {e.id for e in feedparser.parse(body_two).entries}
    assert second.status == 200 and not ids_one & ids_two


def test_farm_bump_renews_every_feed_once_then_stays_warm(farm):
    url = farm.farm_feed_urls()[0]
    first, _ = _get_url(farm, url)
    control(farm, "/_sim/farm/bump", method="POST")
    renewed, _ = _get_url(farm, url, {"If-None-Match": first.getheader("ETag")})
    warm, _ = _get_url(farm, url, {"If-None-Match": renewed.getheader("ETag")})
    assert (renewed.status, warm.status) == (200, 304)


def test_farm_word_lists_need_no_xml_escaping():
    words = [w for group in (farm_words.PLACES, farm_words.SUBJECTS, farm_words.VERBS,
                             farm_words.OBJECTS, farm_words.SENTENCES) for w in group]
    assert not [w for w in words if set(w) & set("&<>")]


def test_farm_feed_on_the_wrong_host_is_not_found(farm):
    response, _ = fetch(farm, "h001.farm.localhost", "/f00000/feed.xml")
    assert response.status == 404
