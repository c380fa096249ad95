"""Through the real web server (gunicorn, as `newsdesk serve` starts it): a client on
loopback that is not a configured proxy cannot claim HTTPS with X-Forwarded-Proto, and a
configured proxy can."""

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest

from newsdesk.management.commands.serve import gunicorn_argv


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(trusted_proxies: str):
    """gunicorn on loopback; yields its address."""
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "settings_for_tests",
           "NEWSDESK_TRUSTED_PROXIES": trusted_proxies,
           "NEWSDESK_BASE_URL": "http://news.example"}
    server = subprocess.Popen(gunicorn_argv("127.0.0.1", port, 1), env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    address = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{address}/robots.txt", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer within 20 s")
        yield address
    finally:
        server.terminate()
        server.wait(timeout=10)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post_choice(address: str, origin: str = "", **headers) -> int:
    """The consent form's POST: 303 when its Origin is the scheme and host the server
    believes it was asked at, 403 when not."""
    request = urllib.request.Request(
        f"{address}/cookies/choice/", data=b"action=choose&next=/", method="POST",
        headers={"Origin": origin or address,
                 "Content-Type": "application/x-www-form-urlencoded", **headers},
    )
    try:
        with urllib.request.build_opener(NoRedirects).open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_forwarded_proto_from_a_client_that_is_no_proxy_changes_nothing():
    with serving(trusted_proxies="") as address:
        assert post_choice(address) == 303
        assert post_choice(address, **{"X-Forwarded-Proto": "https"}) == 303


def test_forwarded_proto_from_a_configured_proxy_is_believed():
    with serving(trusted_proxies="127.0.0.1") as address:
        https_origin = address.replace("http://", "https://")
        assert post_choice(address, https_origin, **{"X-Forwarded-Proto": "https"}) == 303
        assert post_choice(address, **{"X-Forwarded-Proto": "https"}) == 403
