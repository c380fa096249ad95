"""Limits: a response is cut at the size and time limits, redirects are bounded, and
no host gets more requests at once than the policy allows."""

import asyncio
import threading
import tracemalloc
import zlib

import pytest
from aiohttp import web

from newsdesk.sources.fetch import ErrorCode, FetchRequest

MB = 1024 * 1024


async def gzip_bomb(request):
    """An endless gzip stream of zeros: each megabyte costs about a kilobyte on the wire."""
    response = web.StreamResponse(headers={"Content-Encoding": "gzip"})
    await response.prepare(request)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(MB)
    while True:
        await response.write(compressor.compress(zeros) + compressor.flush(zlib.Z_SYNC_FLUSH))


def streamed_body(total_bytes, sent, content_length=False):
    async def handler(request):
        headers = {"Content-Length": str(total_bytes)} if content_length else {}
        response = web.StreamResponse(headers=headers)
        await response.prepare(request)
        chunk = b"x" * (64 * 1024)
        while sent[0] < total_bytes:
            await response.write(chunk)
            sent[0] += len(chunk)
        return response

    return handler


async def trickle(request):
    response = web.StreamResponse(headers={"Content-Length": "100"})
    await response.prepare(request)
    for _ in range(100):
        await response.write(b"<")
        await asyncio.sleep(1)
    return response


def test_gzip_bomb_is_cut_at_max_bytes_after_decompression(serve, fetch, loopback_policy):
    server = serve({"/bomb": gzip_bomb})

    tracemalloc.start()
    try:
        result = fetch(server.url("/bomb"), loopback_policy(max_bytes=MB))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result.error.code == ErrorCode.TOO_LARGE
    assert "larger than the 1 MB limit" in result.error.message
    assert result.body == b""
    assert peak < 16 * MB


def test_100_mb_stream_is_cut_without_reading_it_all(serve, fetch, loopback_policy):
    sent = [0]
    server = serve({"/big": streamed_body(100 * MB, sent)})

    tracemalloc.start()
    try:
        result = fetch(server.url("/big"), loopback_policy(max_bytes=MB))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result.error.code == ErrorCode.TOO_LARGE
    assert peak < 16 * MB
    assert sent[0] < 32 * MB  # the client hung up long before the end


def test_declared_length_over_the_limit_is_refused_before_reading(serve, fetch, loopback_policy):
    sent = [0]
    server = serve({"/big": streamed_body(100 * MB, sent, content_length=True)})

    result = fetch(server.url("/big"), loopback_policy(max_bytes=MB))

    assert result.error.code == ErrorCode.TOO_LARGE
    assert result.status == 200
    assert sent[0] < 32 * MB


def test_body_of_exactly_max_bytes_is_accepted(serve, fetch, loopback_policy):
    async def exact(request):
        return web.Response(body=b"y" * 1000)

    server = serve({"/": exact})

    result = fetch(server.url("/"), loopback_policy(max_bytes=1000))

    assert result.ok and len(result.body) == 1000


def test_server_trickling_one_byte_a_second_is_cut_at_the_timeout(serve, fetch, loopback_policy):
    server = serve({"/slow": trickle})

    result = fetch(server.url("/slow"), loopback_policy(timeout_s=0.5))

    assert result.error.code == ErrorCode.TIMEOUT
    assert result.error.message == (
        f"feed {server.url('/slow')}: no complete answer within 0.5 s; will retry later"
    )


def redirect_to(path):
    async def handler(request):
        raise web.HTTPFound(path)

    return handler


def test_redirect_loop_is_detected(serve, fetch, loopback_policy):
    server = serve({"/a": redirect_to("/b"), "/b": redirect_to("/a")})

    result = fetch(server.url("/a"), loopback_policy(max_redirects=10))

    assert result.error.code == ErrorCode.REDIRECT_LOOP
    assert "loop" in result.error.message
    assert server.hits("/a") == 1 and server.hits("/b") == 1


async def endless_redirects(request):
    raise web.HTTPFound(f"/hop/{int(request.match_info['n']) + 1}")


async def ok(request):
    return web.Response(text="fine")


def test_more_redirects_than_allowed_is_an_error(serve, fetch, loopback_policy):
    server = serve({"/hop/{n}": endless_redirects})

    result = fetch(server.url("/hop/0"), loopback_policy(max_redirects=3))

    assert result.error.code == ErrorCode.TOO_MANY_REDIRECTS
    assert "more than 3 redirects" in result.error.message
    assert len(server.requests) == 4


def test_exactly_max_redirects_are_followed(serve, fetch, loopback_policy):
    server = serve(
        {"/0": redirect_to("/1"), "/1": redirect_to("/2"), "/2": redirect_to("/3"), "/3": ok}
    )

    result = fetch(server.url("/0"), loopback_policy(max_redirects=3))

    assert result.ok
    assert result.final_url == server.url("/3")


class Occupancy:
    """Counts requests in progress at the servers (which run in other threads)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.now = 0
        self.most = 0
        self.started: list[str] = []

    def handler(self, seconds=0.1):
        async def slow(request):
            with self._lock:
                self.now += 1
                self.most = max(self.most, self.now)
                self.started.append(request.host)
            await asyncio.sleep(seconds)
            with self._lock:
                self.now -= 1
            return web.Response(text="done")

        return slow


def test_requests_to_one_host_never_exceed_the_per_host_limit(serve, fetch_all, loopback_policy):
    occupancy = Occupancy()
    server = serve({"/{n}": occupancy.handler()})
    requests = [FetchRequest(server.url(f"/{n}")) for n in range(12)]

    results = fetch_all(requests, loopback_policy(per_host=2, concurrency=64))

    assert all(result.ok for result in results)
    assert occupancy.most == 2


def test_requests_overall_never_exceed_the_global_limit(serve, fetch_all, loopback_policy):
    occupancy = Occupancy()
    first = serve({"/{n}": occupancy.handler()}, host="127.0.0.1")
    second = serve({"/{n}": occupancy.handler()}, host="127.0.0.2")
    requests = [FetchRequest(server.url(f"/{n}")) for n in range(5) for server in (first, second)]

    results = fetch_all(requests, loopback_policy(per_host=4, concurrency=3))

    assert [result.final_url for result in results] == [request.url for request in requests]
    assert occupancy.most == 3


def test_a_queue_for_one_busy_host_does_not_hold_back_other_hosts(
    serve, fetch_all, loopback_policy
):
    occupancy = Occupancy()
    busy = serve({"/{n}": occupancy.handler(0.05)}, host="127.0.0.1")
    other = serve({"/{n}": occupancy.handler(0.05)}, host="127.0.0.2")
    requests = [FetchRequest(busy.url(f"/{n}")) for n in range(6)]
    requests.append(FetchRequest(other.url("/0")))

    fetch_all(requests, loopback_policy(per_host=1, concurrency=2))

    assert f"127.0.0.2:{other.port}" in occupancy.started[:2]


@pytest.mark.parametrize("max_bytes", [0, -1])
def test_policy_rejects_limits_that_make_no_sense(max_bytes, loopback_policy):
    with pytest.raises(ValueError, match="max_bytes must be positive"):
        loopback_policy(max_bytes=max_bytes)
