"""HTTP behaviour: redirects, statuses and their messages, conditional GET, and what
is sent along (User-Agent, basic auth, cookie) and to whom."""

import gzip
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from aiohttp import web

from newsdesk.sources.fetch import (
    ErrorCode,
    FetchPolicy,
    FetchRequest,
    fetch_many,
    fetch_sync,
)
from newsdesk.sources.fetch.results import parse_retry_after

FEED = b"<rss version='2.0'><channel><title>Harbour Herald</title></channel></rss>"


async def feed(request):
    return web.Response(body=FEED, content_type="application/rss+xml")


def redirect(status, location):
    async def handler(request):
        return web.Response(status=status, headers={"Location": location})

    return handler


def answer(status, headers=None, body=b""):
    async def handler(request):
        return web.Response(status=status, headers=headers, body=body)

    return handler


@pytest.mark.parametrize("status", [301, 308])
def test_permanent_redirect_reports_the_new_url(status, serve, fetch, loopback_policy):
    server = serve({"/old": redirect(status, "/new"), "/new": feed})

    result = fetch(server.url("/old"), loopback_policy())

    assert result.ok and result.body == FEED
    assert result.permanent_redirect == server.url("/new")
    assert result.final_url == server.url("/new")
    assert result.requested_url == server.url("/old")


@pytest.mark.parametrize("status", [302, 303, 307])
def test_temporary_redirect_is_followed_but_not_reported_as_a_move(
    status, serve, fetch, loopback_policy
):
    server = serve({"/old": redirect(status, "/new"), "/new": feed})

    result = fetch(server.url("/old"), loopback_policy())

    assert result.ok
    assert result.permanent_redirect is None
    assert result.final_url == server.url("/new")


def test_permanent_move_is_where_the_chain_stops_being_permanent(serve, fetch, loopback_policy):
    server = serve(
        {"/a": redirect(301, "/b"), "/b": redirect(302, "/c"), "/c": feed,
         "/x": redirect(302, "/y"), "/y": redirect(301, "/z"), "/z": feed}
    )

    assert fetch(server.url("/a"), loopback_policy()).permanent_redirect == server.url("/b")
    assert fetch(server.url("/x"), loopback_policy()).permanent_redirect is None


def test_empty_200_is_an_error_naming_the_url(serve, fetch, loopback_policy):
    server = serve({"/rss": answer(200)})

    result = fetch(server.url("/rss"), loopback_policy())

    assert result.error.code == ErrorCode.EMPTY_BODY
    assert result.error.message == (
        f"feed {server.url('/rss')}: the server answered 200 OK with an empty body"
    )


def test_500_is_a_server_error(serve, fetch, loopback_policy):
    server = serve({"/rss": answer(500, body=b"oops")})

    result = fetch(server.url("/rss"), loopback_policy())

    assert result.error.code == ErrorCode.HTTP_5XX
    assert result.status == 500
    assert result.retry_after is None
    assert result.error.message == (
        f"feed {server.url('/rss')}: the server answered 500 Internal Server Error; "
        "will retry later"
    )


def test_503_with_retry_after_seconds(serve, fetch, loopback_policy):
    server = serve({"/rss": answer(503, {"Retry-After": "120"})})

    result = fetch(server.url("/rss"), loopback_policy())

    assert result.error.code == ErrorCode.HTTP_5XX
    assert result.retry_after == 120
    assert result.error.message == (
        f"feed {server.url('/rss')}: the server answered 503 Service Unavailable; "
        "will retry after 120 s"
    )


def test_429_with_retry_after_http_date(serve, fetch, loopback_policy):
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    server = serve({"/rss": answer(429, {"Retry-After": when})})

    result = fetch(server.url("/rss"), loopback_policy())

    assert result.error.code == ErrorCode.HTTP_429
    assert 85 <= result.retry_after <= 91
    assert "429 Too Many Requests; will retry after" in result.error.message


@pytest.mark.parametrize(
    ("status", "code", "words"),
    [
        (401, ErrorCode.HTTP_401, "check the user name and password"),
        (403, ErrorCode.HTTP_403, "refuses Newsdesk access"),
        (404, ErrorCode.HTTP_404, "404 Not Found; check the address"),
        (410, ErrorCode.HTTP_410, "removed it for good"),
        (418, ErrorCode.HTTP_4XX, "418 I'm a Teapot"),
        (300, ErrorCode.HTTP_UNEXPECTED, "300 Multiple Choices"),
    ],
)
def test_client_errors_have_their_own_codes(status, code, words, serve, fetch, loopback_policy):
    server = serve({"/rss": answer(status)})

    result = fetch(server.url("/rss"), loopback_policy())

    assert result.error.code == code
    assert words in result.error.message


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("120", 120), (" 0 ", 0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0), ("soon", None), ("", None)],
)
def test_retry_after_parsing(value, seconds):
    assert parse_retry_after(value) == seconds


def test_retry_after_http_date_counts_from_now():
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("Thu, 01 Jan 2026 12:02:00 GMT", now=now) == 120


async def conditional_feed(request):
    etag, modified = '"v7"', "Tue, 24 Nov 2026 10:00:00 GMT"
    if request.headers.get("If-None-Match") == etag or (
        request.headers.get("If-Modified-Since") == modified
    ):
        return web.Response(status=304, headers={"ETag": etag, "Last-Modified": modified})
    return web.Response(body=FEED, headers={"ETag": etag, "Last-Modified": modified})


def test_conditional_get_with_etag_gets_not_modified(serve, fetch, loopback_policy):
    server = serve({"/rss": conditional_feed})

    first = fetch(server.url("/rss"), loopback_policy())
    again = fetch(server.url("/rss"), loopback_policy(), etag=first.etag)

    assert first.ok and not first.not_modified
    assert first.etag == '"v7"'
    assert again.ok and again.not_modified
    assert again.status == 304 and again.body == b""
    assert again.etag == '"v7"'


def test_conditional_get_with_last_modified_gets_not_modified(serve, fetch, loopback_policy):
    server = serve({"/rss": conditional_feed})

    first = fetch(server.url("/rss"), loopback_policy())
    again = fetch(server.url("/rss"), loopback_policy(), last_modified=first.last_modified)

    assert first.last_modified == "Tue, 24 Nov 2026 10:00:00 GMT"
    assert again.not_modified
    assert server.requests[1].headers["If-Modified-Since"] == first.last_modified


def test_honest_user_agent_is_sent_and_can_be_overridden(serve, fetch, loopback_policy):
    server = serve({"/rss": feed})

    fetch(server.url("/rss"), loopback_policy(user_agent="Newsdesk/9 (+https://desk.example)"))
    fetch(server.url("/rss"), loopback_policy(), user_agent="PressOffice/1.0")

    assert server.requests[0].headers["User-Agent"] == "Newsdesk/9 (+https://desk.example)"
    assert server.requests[1].headers["User-Agent"] == "PressOffice/1.0"
    assert "application/rss+xml" in server.requests[0].headers["Accept"]


def test_user_agent_from_settings_names_newsdesk_and_the_site(settings):
    settings.NEWSDESK_BASE_URL = "https://news.example"
    settings.NEWSDESK_FETCH_ALLOW_NETWORKS = ["10.0.0.0/8"]
    settings.NEWSDESK_FETCH_MAX_REDIRECTS = 2

    policy = FetchPolicy.from_settings()

    assert policy.user_agent.startswith("Newsdesk/")
    assert policy.user_agent.endswith(" (+https://news.example)")
    assert [str(network) for network in policy.allow_networks] == ["10.0.0.0/8"]
    assert policy.max_redirects == 2


def test_bad_network_in_settings_names_the_setting():
    with pytest.raises(ValueError, match="NEWSDESK_FETCH_ALLOW_NETWORKS: '10.0.0.0/33'"):
        FetchPolicy(allow_networks=["10.0.0.0/33"])


def test_module_imports_without_django_configured():
    code = (
        "import sys, newsdesk.sources.fetch, newsdesk.sources.fetch.robots\n"
        "from django.conf import settings\n"
        "sys.exit(1 if settings.configured else 0)\n"
    )
    env = {"PYTHONPATH": "src", "PATH": ""}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=_repo_root())


def _repo_root():
    import pathlib

    return pathlib.Path(__file__).resolve().parents[2]


async def private_feed(request):
    if request.headers.get("Authorization") != "Basic ZWRpdG9yOnMzY3JldA==":  # editor:s3cret
        return web.Response(status=401, headers={"WWW-Authenticate": 'Basic realm="feeds"'})
    return web.Response(body=FEED)


def test_basic_auth_is_sent(serve, fetch, loopback_policy):
    server = serve({"/rss": private_feed})

    with_auth = fetch(server.url("/rss"), loopback_policy(), basic_auth=("editor", "s3cret"))
    without = fetch(server.url("/rss"), loopback_policy())

    assert with_auth.ok and with_auth.body == FEED
    assert without.error.code == ErrorCode.HTTP_401


def test_credentials_in_the_url_are_sent_as_basic_auth(serve, fetch, loopback_policy):
    server = serve({"/rss": private_feed})

    result = fetch(f"http://editor:s3cret@127.0.0.1:{server.port}/rss", loopback_policy())

    assert result.ok
    assert "s3cret" not in result.final_url


def test_cookie_is_sent_and_not_kept_between_requests(serve, fetch_all, loopback_policy):
    async def sets_cookie(request):
        return web.Response(body=FEED, headers={"Set-Cookie": "session=abc; Path=/"})

    server = serve({"/rss": sets_cookie})
    requests = [
        FetchRequest(server.url("/rss"), cookie="consent=yes"),
        FetchRequest(server.url("/rss")),
    ]

    fetch_all(requests, loopback_policy(concurrency=1))

    sent = sorted(request.headers.get("Cookie", "") for request in server.requests)
    assert sent == ["", "consent=yes"]


def test_credentials_and_cookie_are_not_sent_to_another_origin(serve, fetch, loopback_policy):
    elsewhere = serve({"/rss": feed}, host="127.0.0.2")
    server = serve(
        {"/same": redirect(302, "/rss"), "/rss": feed,
         "/away": redirect(302, elsewhere.url("/rss"))}
    )
    secrets = {"basic_auth": ("editor", "s3cret"), "cookie": "session=abc",
               "headers": {"Authorization": "Bearer t", "X-Desk": "1"}}

    fetch(server.url("/same"), loopback_policy(), **{**secrets, "headers": None})
    fetch(server.url("/away"), loopback_policy(), **secrets)

    followed_same_origin = server.requests[1].headers
    assert followed_same_origin["Authorization"].startswith("Basic ")
    assert followed_same_origin["Cookie"] == "session=abc"
    followed_away = elsewhere.requests[0].headers
    assert "Authorization" not in followed_away
    assert "Cookie" not in followed_away
    assert followed_away["X-Desk"] == "1"


def test_gzip_body_is_decompressed(serve, fetch, loopback_policy):
    async def gzipped(request):
        return web.Response(body=gzip.compress(FEED), headers={"Content-Encoding": "gzip"})

    server = serve({"/rss": gzipped})

    assert fetch(server.url("/rss"), loopback_policy()).body == FEED


def test_closed_port_is_a_connect_error(fetch, loopback_policy):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    result = fetch(f"http://127.0.0.1:{port}/rss", loopback_policy())

    assert result.error.code == ErrorCode.CONNECT
    assert f"could not connect to 127.0.0.1 port {port}" in result.error.message
    assert "Connect call failed" in result.error.detail


def test_unknown_host_is_a_dns_error(fetch, loopback_policy):
    class NoSuchHost:
        async def resolve(self, host, port=0, family=0):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

        async def close(self):
            pass

    result = fetch("http://nowhere.test/rss", loopback_policy(), resolver=NoSuchHost())

    assert result.error.code == ErrorCode.DNS
    assert "nowhere.test could not be found" in result.error.message


def test_garbage_instead_of_http_is_a_bad_response(fetch, loopback_policy):
    listener = socket.create_server(("127.0.0.1", 0))

    def answer_garbage():
        connection, _ = listener.accept()
        with connection:
            connection.recv(4096)
            connection.sendall(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")

    thread = threading.Thread(target=answer_garbage, daemon=True)
    thread.start()
    try:
        result = fetch(f"http://127.0.0.1:{listener.getsockname()[1]}/rss", loopback_policy())
    finally:
        thread.join(timeout=2)
        listener.close()

    assert result.error.code == ErrorCode.BAD_RESPONSE


def test_sync_helpers_fetch_one_and_many(serve, loopback_policy):
    server = serve({"/{n}": feed})
    policy = loopback_policy()

    one = fetch_sync(server.url("/1"), policy, etag='"x"')
    many = fetch_many([FetchRequest(server.url(f"/{n}")) for n in range(5)], policy)

    assert one.ok and one.body == FEED
    assert [result.final_url for result in many] == [server.url(f"/{n}") for n in range(5)]
    assert server.requests[0].headers["If-None-Match"] == '"x"'


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown fetch kind 'podcast'"):
        FetchRequest("https://x.example/", kind="podcast")


def test_user_name_with_a_colon_is_reported_not_raised(fetch, loopback_policy, dial_log):
    result = fetch("http://127.0.0.1:9/rss", loopback_policy(), basic_auth=("ed:itor", "pw"))

    assert result.error.code == ErrorCode.BAD_CREDENTIALS
    assert dial_log == []


async def websub_hub(request):
    form = await request.post()
    if request.method != "POST" or form.get("hub.mode") != "subscribe":
        return web.Response(status=400, text="expected a subscription")
    return web.Response(status=202)


def test_form_is_posted_and_an_empty_202_is_accepted(serve, fetch, loopback_policy):
    server = serve({"/hub": websub_hub})
    form = {"hub.mode": "subscribe", "hub.topic": "https://x.example/rss",
            "hub.callback": "https://desk.example/websub/1"}

    result = fetch(server.url("/hub"), loopback_policy(), kind="hub", form=form)

    assert result.ok and result.status == 202


def test_post_redirected_with_303_continues_as_get(serve, fetch, loopback_policy):
    async def method_echo(request):
        return web.Response(text=request.method)

    server = serve({"/hub": redirect(303, "/done"), "/done": method_echo})

    result = fetch(server.url("/hub"), loopback_policy(), kind="hub", form={"a": "1"})

    assert result.body == b"GET"
