"""One bad publisher never harms the rest: every fault polled together with a good feed.

A loopback server serves a good feed beside each fault a publisher can throw at us;
pipeline.poll_now polls them all in one batch, as the worker does. Each faulty source
must end with an error in words on Source.last_error, the good source's entries must
be stored, and polling everything again must store nothing twice. Refused addresses
are polled the same way, with the allow list empty, and must never be dialled.
"""

import asyncio
import zlib

import pytest
from aiohttp import web

from newsdesk import pipeline
from newsdesk.sources.models import Entry, Publisher, Source

MB = 1024 * 1024
GOOD_RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour Herald</title><link>https://herald.example/</link>
<item><title>Bridge closes for repairs</title><link>https://herald.example/bridge</link>
<guid>herald-1</guid><pubDate>Fri, 27 Nov 2026 08:00:00 +0000</pubDate></item>
<item><title>Ferry strike ends</title><link>https://herald.example/ferry</link>
<guid>herald-2</guid><pubDate>Fri, 27 Nov 2026 09:00:00 +0000</pubDate></item>
<item><title>Storm warning for the coast</title><link>https://herald.example/storm</link>
<guid>herald-3</guid><pubDate>Fri, 27 Nov 2026 10:00:00 +0000</pubDate></item>
</channel></rss>"""
ZURICH_RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Zürcher Bote</title><link>https://bote.example/</link>
<item><title>Grüße aus Zürich: Bürgermeisterin eröffnet die Brücke</title>
<link>https://bote.example/bruecke</link><guid>bote-1</guid>
<description>Die Bürger freuen sich über die schöne Brücke; Käse und Süßes für alle.</description>
</item></channel></rss>"""
ZURICH_TITLE = "Grüße aus Zürich: Bürgermeisterin eröffnet die Brücke"
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss version="2.0"><channel><title>&lol3;</title>
<item><title>&lol3;</title><guid>laugh-1</guid></item></channel></rss>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>Leak</title>
<item><title>&secret;</title><guid>xxe-1</guid></item></channel></rss>"""
HTML_PAGE = b"""<!DOCTYPE html><html><head><title>Harbour Herald</title></head>
<body><h1>Welcome</h1><p>Our news, in a page, not a feed.</p></body></html>"""


def respond(body, content_type="application/rss+xml", status=200, headers=None):
    async def handler(request):
        return web.Response(body=body, status=status, headers={
            "Content-Type": content_type, **(headers or {})})

    return handler


async def gzip_bomb(request):
    """An endless gzip stream of zeros: each megabyte costs about a kilobyte on the wire."""
    response = web.StreamResponse(
        headers={"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"})
    await response.prepare(request)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(MB)
    while True:
        await response.write(compressor.compress(zeros) + compressor.flush(zlib.Z_SYNC_FLUSH))


def hundred_megabytes(sent: list[int], declared: bool):
    """100 MB of feed-looking bytes, with or without announcing its length."""

    async def handler(request):
        headers = {"Content-Type": "application/rss+xml"}
        if declared:
            headers["Content-Length"] = str(100 * MB)
        response = web.StreamResponse(headers=headers)
        await response.prepare(request)
        chunk = b"<item>" + b"x" * (64 * 1024 - 6)
        while sent[0] < 100 * MB:
            await response.write(chunk)
            sent[0] += len(chunk)
        return response

    return handler


async def trickle(request):
    """One byte a second, for as long as anyone listens."""
    response = web.StreamResponse(
        headers={"Content-Type": "application/rss+xml", "Content-Length": "600"})
    await response.prepare(request)
    for byte in GOOD_RSS[:600]:
        await response.write(bytes([byte]))
        await asyncio.sleep(1)
    return response


def redirect(to):
    async def handler(request):
        raise web.HTTPFound(to)

    return handler


# path -> (handler, words the source's last_error must contain)
FAULTS = {
    "/bomb": (gzip_bomb, ["larger than the 1 MB limit", "NEWSDESK_FETCH_MAX_BYTES"]),
    "/huge-declared": (None, ["larger than the 1 MB limit"]),
    "/huge-streamed": (None, ["larger than the 1 MB limit"]),
    "/trickle": (trickle, ["no complete answer within 2 s"]),
    "/loop-a": (redirect("/loop-b"), ["redirects go round in a loop"]),
    "/laughs": (respond(BILLION_LAUGHS), ["billion-laughs", "refused"]),
    "/xxe": (respond(XXE), ["external entity", "XXE", "nothing was read"]),
    "/html": (respond(HTML_PAGE, "text/html; charset=utf-8"),
              ["not a feed", "HTML page", "text/html"]),
    "/empty": (respond(b""), ["empty body"]),
    "/500": (respond(b"oops", "text/plain", 500), ["500 Internal Server Error"]),
    "/503": (respond(b"busy", "text/plain", 503, {"Retry-After": "120"}),
             ["503 Service Unavailable", "will retry after 120 s"]),
    "/429": (respond(b"slow down", "text/plain", 429, {"Retry-After": "3600"}),
             ["429 Too Many Requests", "will retry after 3600 s"]),
}
READABLE = {
    "/good": (respond(GOOD_RSS), ["Bridge closes for repairs", "Ferry strike ends",
                                  "Storm warning for the coast"]),
    "/wrong-charset": (respond(ZURICH_RSS.encode(), "application/rss+xml; charset=iso-8859-1"),
                       [ZURICH_TITLE]),
    "/missing-charset": (respond(ZURICH_RSS.encode("latin-1"), "application/rss+xml"),
                         [ZURICH_TITLE]),
}


@pytest.fixture
def fetch_settings(settings):
    settings.NEWSDESK_FETCH_TIMEOUT = 2
    settings.NEWSDESK_FETCH_MAX_BYTES = MB
    settings.NEWSDESK_FETCH_MAX_REDIRECTS = 5
    # Tasks are queued, not run: this is about polling, not about the rooms downstream.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default", "clustering", "mail"]}}
    return settings


@pytest.fixture
def publisher(db):
    return Publisher.objects.create(name="Faulty Press", slug="faulty", domain="faulty.example")


@pytest.fixture
def farm(serve, fetch_settings, publisher):
    """Every route served on loopback, a source for each; returns (server, sources by path)."""
    fetch_settings.NEWSDESK_FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    sent_declared, sent_streamed = [0], [0]
    routes = {path: handler for path, (handler, _) in (FAULTS | READABLE).items()}
    routes["/huge-declared"] = hundred_megabytes(sent_declared, declared=True)
    routes["/huge-streamed"] = hundred_megabytes(sent_streamed, declared=False)
    routes["/loop-b"] = redirect("/loop-a")
    server = serve(routes)
    server.sent = {"/huge-declared": sent_declared, "/huge-streamed": sent_streamed}
    sources = {
        path: Source.objects.create(url=server.url(path), publisher=publisher)
        for path in FAULTS | READABLE
    }
    return server, sources


def test_each_fault_leaves_a_clear_error_and_the_good_feeds_are_stored(farm):
    server, sources = farm

    outcomes = pipeline.poll_now([source.pk for source in sources.values()])

    assert len(outcomes) == len(sources)
    for path, (_, words) in FAULTS.items():
        source = Source.objects.get(pk=sources[path].pk)
        assert source.error_count == 1, f"{path}: no error recorded"
        assert source.last_error.startswith(f"feed {server.url(path)}"), source.last_error
        for word in words:
            assert word in source.last_error, f"{path}: {word!r} not in {source.last_error!r}"
        assert not Entry.objects.filter(source=source).exists()
    for path, (_, titles) in READABLE.items():
        source = Source.objects.get(pk=sources[path].pk)
        assert source.last_error == "" and source.last_success_at is not None, source.last_error
        stored = set(Entry.objects.filter(source=source).values_list("title", flat=True))
        assert stored == set(titles), path


def test_large_bodies_are_cut_short_not_downloaded(farm):
    server, sources = farm

    pipeline.poll_now([sources["/huge-declared"].pk, sources["/huge-streamed"].pk])

    assert server.sent["/huge-declared"][0] < 10 * MB
    assert server.sent["/huge-streamed"][0] < 10 * MB


def test_busy_servers_are_asked_again_no_sooner_than_their_retry_after(farm):
    _, sources = farm

    pipeline.poll_now([sources["/429"].pk, sources["/503"].pk])

    for path, seconds in (("/429", 3600), ("/503", 120)):
        source = Source.objects.get(pk=sources[path].pk)
        assert (source.next_poll_at - source.last_polled_at).total_seconds() >= seconds


def test_polling_everything_again_stores_nothing_twice(farm):
    _, sources = farm
    ids = [source.pk for source in sources.values()]
    pipeline.poll_now(ids)
    stored = sorted(Entry.objects.values_list("source_id", "key_hash"))

    Source.objects.update(etag="", last_modified="")  # full answers again, not 304s
    outcomes = pipeline.poll_now(ids)

    assert sorted(Entry.objects.values_list("source_id", "key_hash")) == stored
    assert all(not outcome.new_entry_ids for outcome in outcomes)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://10.0.0.1/feed", ["refused to connect to 10.0.0.1", "private"]),
        ("http://169.254.169.254/latest/meta-data/",
         ["refused to connect to 169.254.169.254", "cloud metadata"]),
        ("http://127.1/feed", ["refused to connect to 127.0.0.1", "loopback"]),
    ],
    ids=["private", "metadata", "loopback spelt 127.1"],
)
def test_refused_addresses_get_a_clear_error_and_are_never_dialled(
    fetch_settings, publisher, dial_log, url, words
):
    fetch_settings.NEWSDESK_FETCH_ALLOW_NETWORKS = []
    source = Source.objects.create(url=url, publisher=publisher)

    [outcome] = pipeline.poll_now([source.pk])

    source.refresh_from_db()
    assert outcome.error == source.last_error
    for word in [*words, "NEWSDESK_FETCH_ALLOW_NETWORKS"]:
        assert word in source.last_error, source.last_error
    assert dial_log == []


def test_a_redirect_to_a_refused_address_is_not_followed(
    serve, fetch_settings, publisher, dial_log
):
    fetch_settings.NEWSDESK_FETCH_ALLOW_NETWORKS = ["127.0.0.1/32"]
    server = serve({"/feed": redirect("http://169.254.169.254/latest/meta-data/")})
    source = Source.objects.create(url=server.url("/feed"), publisher=publisher)

    pipeline.poll_now([source.pk])

    source.refresh_from_db()
    assert "redirected to http://169.254.169.254/latest/meta-data/" in source.last_error
    assert "cloud metadata" in source.last_error
    assert {address for address, _ in dial_log} == {"127.0.0.1"}
