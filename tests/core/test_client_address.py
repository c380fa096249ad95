"""Who a request comes from, as every per-client limit counts it (core.client_address),
and which proxy headers are believed (core.proxies)."""

import pytest
from django.test import RequestFactory

from newsdesk.core.client_address import client_address, client_key
from newsdesk.core.proxies import drop_untrusted_forwarding

PROXY = "10.0.0.5"


def request_from(peer, forwarded_for=None, **headers):
    meta = {"REMOTE_ADDR": peer, **headers}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **meta)


@pytest.fixture
def behind_proxy(settings):
    settings.NEWSDESK_TRUSTED_PROXIES = ["10.0.0.0/24", "fd00::/8"]


@pytest.mark.parametrize(
    "peer, key",
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:aa:bb:1:2:3:4", "2001:db8:aa:bb::/64"),
        ("2001:db8:aa:bb::", "2001:db8:aa:bb::/64"),
        ("::ffff:198.51.100.4", "198.51.100.4"),  # an IPv4 peer on a dual-stack socket
        ("", "unknown"),
    ],
)
def test_a_direct_client_is_keyed_on_its_ipv4_address_or_its_ipv6_slash_64(peer, key):
    assert client_key(request_from(peer)) == key


def test_forwarded_for_from_a_peer_that_is_no_proxy_is_ignored(settings):
    settings.NEWSDESK_TRUSTED_PROXIES = []
    assert client_key(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_a_trusted_proxy_the_hop_it_appended_is_the_client(behind_proxy):
    forged_then_real = "192.0.2.66, 198.51.100.1"
    assert client_key(request_from(PROXY, forged_then_real)) == "198.51.100.1"


def test_chained_trusted_proxies_are_skipped_from_the_right(behind_proxy):
    chain = "198.51.100.1, 10.0.0.9, fd00::3"
    assert client_key(request_from("fd00::2", chain)) == "198.51.100.1"


@pytest.mark.parametrize(
    "hop, key",
    [
        ("[2001:db8:5:6::9]:4711", "2001:db8:5:6::/64"),
        ("198.51.100.1:4711", "198.51.100.1"),
        ("2001:db8:5:6::9", "2001:db8:5:6::/64"),
    ],
)
def test_forwarded_hops_with_ports_are_read(behind_proxy, hop, key):
    assert client_key(request_from(PROXY, hop)) == key


@pytest.mark.parametrize("chain", ["", "not-an-address", "10.0.0.7"])
def test_a_proxy_that_names_no_believable_client_counts_as_the_client(behind_proxy, chain):
    assert str(client_address(request_from(PROXY, chain))) == PROXY


def test_a_malformed_trusted_proxy_entry_trusts_nothing(settings):
    settings.NEWSDESK_TRUSTED_PROXIES = ["not a network"]
    assert client_key(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_forwarding_headers_from_a_peer_that_is_no_proxy_are_removed(behind_proxy):
    meta = {
        "REMOTE_ADDR": "203.0.113.7",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_FOR": "198.51.100.1",
        "HTTP_X_FORWARDED_HOST": "evil.example",
        "HTTP_FORWARDED": "proto=https",
        "HTTP_USER_AGENT": "kept",
    }
    drop_untrusted_forwarding(meta)
    assert meta == {"REMOTE_ADDR": "203.0.113.7", "HTTP_USER_AGENT": "kept"}


def test_forwarding_headers_from_a_trusted_proxy_are_kept(behind_proxy):
    meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_PROTO": "https"}
    drop_untrusted_forwarding(meta)
    assert meta["HTTP_X_FORWARDED_PROTO"] == "https"


@pytest.mark.django_db
@pytest.mark.parametrize("peer, believed", [("203.0.113.7", False), (PROXY, True)])
def test_only_a_trusted_proxy_can_say_the_request_came_over_https(
    client, settings, behind_proxy, peer, believed
):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 3600

    response = client.get("/robots.txt", REMOTE_ADDR=peer, HTTP_X_FORWARDED_PROTO="https")

    assert ("Strict-Transport-Security" in response) is believed
