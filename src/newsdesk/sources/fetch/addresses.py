"""Which IP addresses Newsdesk may connect to, and how numeric host names are read.

Anyone who can add a source chooses a URL, so a URL must never become a way into
the operator's own network: loopback, private, shared (carrier-grade NAT),
link-local (where cloud metadata services live), multicast, unspecified and
reserved addresses are refused unless the operator lists them.
"""

import ipaddress
import re
import socket
from collections.abc import Iterable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")
CLOUD_METADATA = ipaddress.ip_address("169.254.169.254")

# Hosts that every resolver reads as an IPv4 address although they are not dotted
# quads: 127.1, 2130706433, 0x7f.0.0.1, 0177.0.0.1 (the WHATWG URL standard's forms).
_NUMERIC_HOST = re.compile(r"(?:(?:0x[0-9a-f]*|[0-9]+)\.){0,3}(?:0x[0-9a-f]*|[0-9]+)\.?", re.I)


def parse_networks(networks: Iterable[str | IPNetwork], setting: str) -> tuple[IPNetwork, ...]:
    """CIDR strings to networks, with a message naming the setting when one is wrong."""
    parsed = []
    for network in networks:
        try:
            parsed.append(ipaddress.ip_network(network, strict=False))
        except ValueError:
            raise ValueError(
                f"{setting}: {network!r} is not a network; write it as CIDR, e.g. 10.0.0.0/8"
            ) from None
    return tuple(parsed)


def unwrap(address: IPAddress) -> IPAddress:
    """An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is judged as the IPv4 it carries."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def refusal_reason(address: IPAddress, allow_networks: Iterable[IPNetwork]) -> str | None:
    """Why address may not be dialled ("loopback", "private", ...), or None if it may."""
    address = unwrap(address)
    if any(address in network for network in allow_networks):
        return None
    if address.is_loopback:
        return "loopback"
    if address.is_unspecified:
        return "unspecified"
    if address == CLOUD_METADATA:
        return "link-local, the cloud metadata service"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address in SHARED_ADDRESS_SPACE:
        return "shared address space (carrier-grade NAT)"
    if address.is_reserved or getattr(address, "is_site_local", False):
        return "reserved"
    if address.is_private:
        return "private"
    if not address.is_global:
        return "not publicly routable"
    return None


def canonical_numeric_host(host: str) -> str | None:
    """The dotted quad a numeric host spelling stands for, None if host is a name or IPv6.

    Raises ValueError for a host that looks numeric but is no address (1.2.3.999):
    a resolver must never be asked to guess what it means.
    """
    if not _NUMERIC_HOST.fullmatch(host):
        return None
    try:
        return socket.inet_ntoa(socket.inet_aton(host.rstrip(".")))
    except OSError:
        raise ValueError(f"{host!r} looks like an IPv4 address but is not one") from None
