"""robots.txt: honoured for article pages, asked once per host and remembered."""

import pytest
from aiohttp import web

from newsdesk.sources.fetch import ErrorCode, FetchRequest
from newsdesk.sources.fetch.robots import RobotsCache

ROBOTS = b"""User-agent: *
Disallow: /private/

User-agent: Newsdesk
Disallow: /private/
Disallow: /no-newsdesk/
"""


def robots_txt(body=ROBOTS, status=200):
    async def handler(request):
        return web.Response(status=status, body=body, content_type="text/plain")

    return handler


async def article(request):
    return web.Response(text="<html><body><p>Story</p></body></html>", content_type="text/html")


def site(serve, robots=None, host="127.0.0.1"):
    return serve({"/robots.txt": robots or robots_txt(), "/{tail:.*}": article}, host=host)


def test_disallowed_page_is_refused_without_being_requested(serve, fetch, loopback_policy):
    server = site(serve)

    result = fetch(server.url("/private/story"), loopback_policy(), kind="page")

    assert result.error.code == ErrorCode.ROBOTS_DISALLOWED
    assert result.error.message == (
        f"page {server.url('/private/story')}: {server.url('/robots.txt')} "
        "does not allow Newsdesk to fetch this page"
    )
    assert server.hits("/private/story") == 0


def test_rules_for_newsdesk_by_name_apply_to_its_user_agent(serve, fetch, loopback_policy):
    server = site(serve)
    policy = loopback_policy(user_agent="Newsdesk/0.1 (+https://desk.example)")

    ours = fetch(server.url("/no-newsdesk/story"), policy, kind="page")
    other = fetch(server.url("/no-newsdesk/story"), policy, kind="page", user_agent="Other/1")

    assert ours.error.code == ErrorCode.ROBOTS_DISALLOWED
    assert other.ok


def test_robots_is_asked_once_for_many_pages_of_a_host(serve, fetch_all, loopback_policy):
    server = site(serve)
    cache = RobotsCache()
    pages = [FetchRequest(server.url(f"/news/{n}"), kind="page") for n in range(6)]

    first = fetch_all(pages, loopback_policy(), robots_cache=cache)
    later = fetch_all(pages[:2], loopback_policy(), robots_cache=cache)

    assert all(result.ok for result in first + later)
    assert server.hits("/robots.txt") == 1


def test_robots_is_asked_again_when_its_rules_expire(serve, fetch, loopback_policy):
    server = site(serve)
    now = [0.0]
    cache = RobotsCache(ttl_s=60, clock=lambda: now[0])

    fetch(server.url("/news/1"), loopback_policy(), kind="page", robots_cache=cache)
    now[0] = 59
    fetch(server.url("/news/2"), loopback_policy(), kind="page", robots_cache=cache)
    now[0] = 61
    fetch(server.url("/news/3"), loopback_policy(), kind="page", robots_cache=cache)

    assert server.hits("/robots.txt") == 2


def test_robots_cache_keeps_at_most_max_hosts(serve, fetch, loopback_policy):
    first, second = site(serve, host="127.0.0.1"), site(serve, host="127.0.0.2")
    cache = RobotsCache(max_hosts=1)

    for server in (first, second, first):
        fetch(server.url("/news/1"), loopback_policy(), kind="page", robots_cache=cache)

    assert len(cache) == 1
    assert first.hits("/robots.txt") == 2


def test_feeds_do_not_ask_robots(serve, fetch, loopback_policy):
    server = site(serve, robots_txt(b"User-agent: *\nDisallow: /\n"))

    result = fetch(server.url("/feed.xml"), loopback_policy(), kind="feed")

    assert result.ok
    assert server.hits("/robots.txt") == 0


@pytest.mark.parametrize("status", [404, 410, 401, 403])
def test_missing_or_forbidden_robots_allows_everything(status, serve, fetch, loopback_policy):
    server = site(serve, robots_txt(b"", status=status))

    assert fetch(server.url("/news/1"), loopback_policy(), kind="page").ok


@pytest.mark.parametrize("status", [500, 503, 429])
def test_unreadable_robots_holds_pages_back(status, serve, fetch, loopback_policy):
    server = site(serve, robots_txt(b"", status=status))

    result = fetch(server.url("/news/1"), loopback_policy(), kind="page")

    assert result.error.code == ErrorCode.ROBOTS_UNAVAILABLE
    assert f"{server.url('/robots.txt')} could not be read" in result.error.message
    assert server.hits("/news/1") == 0


def test_empty_robots_allows_everything(serve, fetch, loopback_policy):
    server = site(serve, robots_txt(b""))

    assert fetch(server.url("/news/1"), loopback_policy(), kind="page").ok


def test_page_on_a_refused_address_is_refused_before_asking_robots(
    serve, fetch, loopback_policy, dial_log
):
    server = site(serve)

    result = fetch(server.url("/news/1"), loopback_policy(allow_networks=[]), kind="page")

    assert result.error.code == ErrorCode.REFUSED_ADDRESS
    assert result.error.message.startswith(f"page {server.url('/news/1')}: refused to connect")
    assert server.requests == []
    assert dial_log == []


def test_robots_of_the_redirect_target_is_honoured(serve, fetch, loopback_policy):
    target = site(serve, robots_txt(b"User-agent: *\nDisallow: /\n"), host="127.0.0.2")

    async def moved(request):
        raise web.HTTPMovedPermanently(target.url("/story"))

    origin = serve({"/story": moved})

    result = fetch(origin.url("/story"), loopback_policy(), kind="page")

    assert result.error.code == ErrorCode.ROBOTS_DISALLOWED
    assert target.hits("/story") == 0
    assert origin.hits("/robots.txt") == 1 and target.hits("/robots.txt") == 1
