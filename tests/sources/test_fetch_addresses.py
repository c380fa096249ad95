"""Address rules and numeric host spellings, without any network."""

import ipaddress

import pytest

from newsdesk.sources.fetch import FetchPolicy
from newsdesk.sources.fetch.addresses import canonical_numeric_host, refusal_reason


@pytest.mark.parametrize(
    "host",
    ["127.1", "2130706433", "0x7f.0.0.1", "0x7F000001", "0177.0.0.1", "127.0.1", "127.0.0.1."],
)
def test_numeric_spellings_of_loopback_read_as_the_dotted_quad(host):
    assert canonical_numeric_host(host) == "127.0.0.1"


@pytest.mark.parametrize(
    "host", ["news.example", "1password.com", "cafe", "127.0.0.1.nip.io", "::1"]
)
def test_names_and_ipv6_are_not_numeric_ipv4(host):
    assert canonical_numeric_host(host) is None


@pytest.mark.parametrize("host", ["1.2.3.999", "0x", "4294967296"])
def test_numeric_looking_host_that_is_no_address_is_an_error(host):
    with pytest.raises(ValueError, match="looks like an IPv4 address"):
        canonical_numeric_host(host)


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700::1111"])
def test_public_addresses_are_allowed(address):
    assert refusal_reason(ipaddress.ip_address(address), ()) is None


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::7f00:1",  # NAT64 form of 127.0.0.1
        "2002:7f00:1::",  # 6to4 form of 127.0.0.1
        "::127.0.0.1",  # IPv4-compatible (deprecated) form
        "fec0::1",  # site-local (deprecated)
        "192.0.2.1",  # documentation
        "198.18.0.1",  # benchmarking
    ],
)
def test_special_purpose_addresses_are_refused(address):
    assert refusal_reason(ipaddress.ip_address(address), ()) is not None


def test_allow_list_opens_exactly_the_listed_networks():
    policy = FetchPolicy(allow_networks=["10.20.0.0/16", "fd00::/8"])

    assert policy.refusal(ipaddress.ip_address("10.20.3.4")) is None
    assert policy.refusal(ipaddress.ip_address("fd00::7")) is None
    assert policy.refusal(ipaddress.ip_address("10.21.0.1")) == "private"
    assert policy.refusal(ipaddress.ip_address("127.0.0.1")) == "loopback"


def test_resolve_map_must_name_ip_addresses():
    with pytest.raises(ValueError, match="NEWSDESK_FETCH_RESOLVE: herald.localhost -> 'herald'"):
        FetchPolicy(resolve_map={"herald.localhost": "herald"})


def test_resolve_map_names_are_matched_case_insensitively():
    policy = FetchPolicy(resolve_map={"Harbour-Herald.LOCALHOST.": "127.0.0.7"})

    assert policy.resolve_map == {"harbour-herald.localhost": "127.0.0.7"}
