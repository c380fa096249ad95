"""Who is asking: the client's address, and the key every per-client limit counts under.

Every limit on what one client may do (sign-ups, admin logins, any later one) asks
`client_key(request)`, so that all of them agree on who the client is:

- The address is REMOTE_ADDR, the peer of the connection, unless that peer is one of
  NEWSDESK_TRUSTED_PROXIES: then it is the right-most hop of X-Forwarded-For that is not
  itself a trusted proxy. Everything left of that hop was written by the client and can
  be forged; the hop our own proxy appended cannot.
- An IPv6 client is counted by its /64: one subscriber line or one host gets a whole /64
  (2^64 addresses), so counting single IPv6 addresses would give an attacker unlimited
  fresh keys. An IPv4 client is counted by its address; an IPv4-mapped IPv6 address
  (::ffff:192.0.2.1, as dual-stack sockets report IPv4 peers) counts as the IPv4 one.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

IPV6_CLIENT_PREFIX = 64

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _trusted_networks(names: tuple[str, ...]) -> tuple:
    networks = []
    for name in names:
        try:
            networks.append(ipaddress.ip_network(name.strip(), strict=False))
        except ValueError:
            continue  # a malformed entry trusts nothing rather than everything
    return tuple(networks)


def trusted_proxy_networks() -> tuple:
    """NEWSDESK_TRUSTED_PROXIES as networks (an address alone is a network of one)."""
    return _trusted_networks(tuple(settings.NEWSDESK_TRUSTED_PROXIES))


def parse_address(text: str) -> Address | None:
    """An address as peers and proxies write it: bare, [v6]:port or v4:port; None if it is
    none of these. IPv4-mapped IPv6 addresses come back as IPv4."""
    text = (text or "").strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # IPv4 with a port (IPv6 has at least two colons)
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_trusted_proxy(text: str) -> bool:
    address = parse_address(text)
    return address is not None and any(address in net for net in trusted_proxy_networks())


def client_address(request) -> Address | None:
    """The client's address as far as we can believe it (see the module's docstring)."""
    remote = request.META.get("REMOTE_ADDR", "")
    peer = parse_address(remote)
    if peer is None or not is_trusted_proxy(remote):
        return peer
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        if not hop.strip() or is_trusted_proxy(hop):
            continue
        return parse_address(hop) or peer
    return peer


def client_key(request) -> str:
    """The client as limits count it: an IPv4 address, or an IPv6 /64 ('unknown' when the
    server was given no address at all, as with a Unix socket without a proxy)."""
    address = client_address(request)
    if address is None:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(address)
