"""The address guard: refused addresses are never dialled, whatever the URL or DNS says.

Every refusal test also looks at `dial_log` (each connect() the client's event loop
made) to show the refusal came before any connection attempt.
"""

import asyncio

import pytest
from aiohttp import web

from newsdesk.sources.fetch import ErrorCode, Fetcher
from newsdesk.sources.fetch.robots import RobotsCache


async def ok(request):
    return web.Response(text="<rss/>", content_type="application/rss+xml")


def redirect_to(location):
    async def handler(request):
        raise web.HTTPFound(location)

    return handler


LOOPBACK_SPELLINGS = [
    "127.0.0.1",
    "127.1",
    "2130706433",
    "0x7f.0.0.1",
    "0x7f000001",
    "0177.0.0.1",
    "127.000.000.001",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
]


def test_loopback_works_when_allowed(serve, fetch, loopback_policy, dial_log):
    server = serve({"/": ok})

    result = fetch(server.url("/"), loopback_policy())

    assert result.ok
    assert dial_log == [("127.0.0.1", server.port)]


@pytest.mark.parametrize("spelling", LOOPBACK_SPELLINGS)
def test_loopback_refused_in_every_spelling(spelling, serve, fetch, loopback_policy, dial_log):
    server = serve({"/": ok})

    result = fetch(f"http://{spelling}:{server.port}/", loopback_policy(allow_networks=[]))

    assert result.error.code == ErrorCode.REFUSED_ADDRESS
    assert "loopback" in result.error.message
    assert "NEWSDESK_FETCH_ALLOW_NETWORKS" in result.error.message
    assert dial_log == []
    assert server.requests == []


REFUSED_ADDRESSES = {
    "10.1.2.3": "private",
    "172.16.5.4": "private",
    "172.31.255.1": "private",
    "192.168.1.1": "private",
    "100.64.0.1": "shared address space",
    "169.254.169.254": "cloud metadata",
    "169.254.1.1": "link-local",
    "fc00::1": "private",
    "fd12:3456::1": "private",
    "fe80::1": "link-local",
    "::ffff:10.0.0.1": "private",
    "::ffff:169.254.169.254": "cloud metadata",
    "224.0.0.1": "multicast",
    "239.1.2.3": "multicast",
    "ff02::1": "multicast",
    "0.0.0.0": "unspecified",
    "::": "unspecified",
    "255.255.255.255": "reserved",
    "240.0.0.1": "reserved",
}


@pytest.mark.parametrize(("address", "category"), REFUSED_ADDRESSES.items())
def test_name_resolving_to_refused_range_is_never_dialled(
    address, category, fetch, loopback_policy, scripted_resolver, dial_log
):
    resolver = scripted_resolver({"intranet.test": [[address]]})

    result = fetch("http://intranet.test/feed", loopback_policy(), resolver=resolver)

    assert result.error.code == ErrorCode.REFUSED_ADDRESS
    assert category in result.error.message
    assert resolver.calls == ["intranet.test"]
    assert dial_log == []


@pytest.mark.parametrize(("address", "category"), REFUSED_ADDRESSES.items())
def test_ip_literal_in_refused_range_is_never_dialled(
    address, category, fetch, loopback_policy, dial_log
):
    host = f"[{address}]" if ":" in address else address

    result = fetch(f"http://{host}/feed", loopback_policy())

    assert result.error.code == ErrorCode.REFUSED_ADDRESS
    assert category in result.error.message
    assert dial_log == []


def test_name_in_the_policy_resolve_map_is_checked_too(fetch, loopback_policy, dial_log):
    policy = loopback_policy(resolve_map={"metadata.test": "169.254.169.254"})

    result = fetch("http://metadata.test/latest/meta-data/", policy)

    assert result.error.code == ErrorCode.REFUSED_ADDRESS
    assert dial_log == []


def test_only_the_allowed_addresses_of_a_name_are_dialled(
    serve, fetch, loopback_policy, scripted_resolver, dial_log
):
    server = serve({"/": ok}, host="127.0.0.2")
    resolver = scripted_resolver({"mixed.test": [["10.0.0.1", "127.0.0.1", "127.0.0.2"]]})
    policy = loopback_policy(allow_networks=["127.0.0.2/32"])

    result = fetch(f"http://mixed.test:{server.port}/", policy, resolver=resolver)

    assert result.ok
    assert dial_log == [("127.0.0.2", server.port)]


def test_allow_list_admits_ipv4_mapped_form_of_an_allowed_address():
    import ipaddress

    from newsdesk.sources.fetch.addresses import refusal_reason

    allowed = [ipaddress.ip_network("127.0.0.0/8")]
    assert refusal_reason(ipaddress.ip_address("::ffff:127.0.0.1"), allowed) is None
    assert refusal_reason(ipaddress.ip_address("::ffff:10.0.0.1"), allowed) == "private"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/feed.xml",
        "gopher://127.0.0.1:70/_GET",
        "data:text/plain,hello",
        "javascript:alert(1)",
        "mailto:desk@example.org",
        "//example.org/feed",
        "/feed.xml",
    ],
)
def test_only_http_and_https_schemes_are_fetched(url, fetch, loopback_policy, dial_log):
    result = fetch(url, loopback_policy())

    assert result.error.code == ErrorCode.BAD_SCHEME
    assert "only http and https" in result.error.message
    assert dial_log == []


@pytest.mark.parametrize("url", ["http://", "http://1.2.3.999/", "http://[::1/", "not a url"])
def test_malformed_urls_are_reported_not_raised(url, fetch, loopback_policy, dial_log):
    result = fetch(url, loopback_policy())

    assert result.error.code in (ErrorCode.BAD_URL, ErrorCode.BAD_SCHEME)
    assert dial_log == []


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.2:{port}/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.2]:{port}/",
        "http://2130706434:{port}/",
    ],
)
def test_redirect_from_allowed_url_to_refused_address_is_not_followed(
    target, serve, fetch, loopback_policy, dial_log
):
    inside = serve({"/": ok}, host="127.0.0.2")
    target = target.format(port=inside.port)
    outside = serve({"/feed": redirect_to(target)})
    policy = loopback_policy(allow_networks=["127.0.0.1/32"])

    result = fetch(outside.url("/feed"), policy)

    assert result.error.code == ErrorCode.REFUSED_ADDRESS
    assert result.error.message.startswith(f"feed {outside.url('/feed')} (redirected to ")
    assert dial_log == [("127.0.0.1", outside.port)]
    assert inside.requests == []


def test_redirect_to_another_scheme_is_not_followed(serve, fetch, loopback_policy):
    server = serve({"/feed": redirect_to("file:///etc/passwd")})

    result = fetch(server.url("/feed"), loopback_policy())

    assert result.error.code == ErrorCode.BAD_SCHEME
    assert "redirected to file:///etc/passwd" in result.error.message


def test_dns_answer_that_changes_after_the_check_is_never_dialled(
    serve, loopback_policy, scripted_resolver, dial_log
):
    """A rebinding resolver answers an allowed address first and loopback after.

    The address checked is the address dialled: the first fetch connects to the first
    answer only; a fresh fetcher that gets the second answer refuses it undialled.
    """
    server = serve({"/": ok}, host="127.0.0.2")
    resolver = scripted_resolver({"rebind.test": [["127.0.0.2"], ["127.0.0.1"]]})
    policy = loopback_policy(allow_networks=["127.0.0.2/32"])
    url = f"http://rebind.test:{server.port}/"

    async def fetch_twice_then_fresh():
        async with Fetcher(policy, resolver=resolver, robots_cache=RobotsCache()) as fetcher:
            first = await fetcher.fetch(url)
            again = await fetcher.fetch(url)
        async with Fetcher(policy, resolver=resolver, robots_cache=RobotsCache()) as fetcher:
            rebound = await fetcher.fetch(url)
        return first, again, rebound

    first, again, rebound = asyncio.run(fetch_twice_then_fresh())

    assert first.ok and again.ok
    assert rebound.error.code == ErrorCode.REFUSED_ADDRESS
    assert resolver.calls == ["rebind.test", "rebind.test"]
    assert dial_log == [("127.0.0.2", server.port)]
    assert len(server.requests) == 2


def test_simulator_names_reach_their_own_loopback_address_through_the_resolve_map(
    serve, fetch, loopback_policy, dial_log
):
    server = serve({"/": ok}, host="127.0.0.3")
    policy = loopback_policy(resolve_map={"harbour-herald.localhost": "127.0.0.3"})

    result = fetch(f"http://harbour-herald.localhost:{server.port}/", policy)

    assert result.ok
    assert server.requests[0].host == f"harbour-herald.localhost:{server.port}"
    assert dial_log == [("127.0.0.3", server.port)]
