"""fetch_stream hands results over as they complete, all of them, exactly once."""

import asyncio

from aiohttp import web

from newsdesk.sources.fetch import FetchRequest
from newsdesk.sources.fetch.stream import fetch_stream


def test_every_result_arrives_once_in_completion_order(serve, loopback_policy):
    async def slow(request):
        await asyncio.sleep(0.3)
        return web.Response(text="slow")

    async def fast(request):
        return web.Response(text="fast")

    server = serve({"/slow": slow, "/fast/{n}": fast})
    requests = [FetchRequest(server.url("/slow"))] + [
        FetchRequest(server.url(f"/fast/{n}")) for n in range(20)
    ]
    seen = list(fetch_stream(requests, loopback_policy(per_host=32), max_pending=4))
    assert sorted(index for index, _ in seen) == list(range(21))
    assert seen[-1][0] == 0  # the slow one came last although it was asked first
    assert all(result.body in (b"slow", b"fast") for _, result in seen)


def test_refusals_come_back_as_results_not_exceptions(loopback_policy):
    policy = loopback_policy(allow_networks=[])
    [(index, result)] = list(fetch_stream([FetchRequest("http://127.0.0.1:9/feed")], policy))
    assert index == 0 and result.error is not None and result.error.code == "refused_address"


def test_stopping_early_leaves_nothing_running(serve, loopback_policy):
    async def page(request):
        return web.Response(text="x")

    server = serve({"/p/{n}": page})
    stream = fetch_stream(
        [FetchRequest(server.url(f"/p/{n}")) for n in range(50)], loopback_policy(), max_pending=2
    )
    next(stream)
    stream.close()  # joins the fetching thread; would hang if it could not finish
