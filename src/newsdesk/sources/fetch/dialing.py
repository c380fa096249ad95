"""Where the address check happens: on the address a socket is about to connect to.

aiohttp resolves a host once per new connection and hands the resulting list of
addresses to aiohappyeyeballs, which creates one socket per address through the
connector's `socket_factory` and connects it to exactly that address. Checking in
the socket factory therefore sees every address actually dialled, whatever the URL
spelt (IP literals skip the resolver altogether), for every redirect hop, and
before the connection is attempted; and since the checked address is the one
dialled, a DNS answer that changes between check and connect cannot slip through.
"""

import contextvars
import ipaddress
import socket

from aiohappyeyeballs import AddrInfoType
from aiohttp.abc import AbstractResolver, ResolveResult

from newsdesk.sources.fetch.policy import FetchPolicy


class AddressRefused(OSError):
    """Raised instead of creating a socket for a refused address."""

    def __init__(self, address: str, reason: str):
        self.address = address
        self.reason = reason
        super().__init__(f"refused to connect to {address} ({reason})")


# The refusals of the hop in progress: the connector may try several addresses and
# folds their errors into one, so the refusals are collected here as they happen.
_hop_refusals: contextvars.ContextVar[list[AddressRefused] | None] = contextvars.ContextVar(
    "newsdesk_fetch_hop_refusals", default=None
)


def start_hop_refusals() -> list[AddressRefused]:
    """A fresh list that collects the addresses refused while this task makes one request."""
    refusals: list[AddressRefused] = []
    _hop_refusals.set(refusals)
    return refusals


class AddressGuard:
    """A socket factory for aiohttp's TCPConnector that refuses addresses the policy forbids."""

    def __init__(self, policy: FetchPolicy):
        self._policy = policy

    def __call__(self, addr_info: AddrInfoType) -> socket.socket:
        family, type_, proto, _, sockaddr = addr_info
        reason = self._policy.refusal(ipaddress.ip_address(sockaddr[0]))
        if reason is not None:
            refused = AddressRefused(sockaddr[0], reason)
            refusals = _hop_refusals.get()
            if refusals is not None:
                refusals.append(refused)
            raise refused
        return socket.socket(family=family, type=type_, proto=proto)


class StaticResolver(AbstractResolver):
    """Answers the names in the policy's resolve map itself and asks `fallback` for the rest.

    This is how the demo and the tests reach simulator hosts such as
    harbour-herald.localhost on their own 127.0.0.x address without DNS.
    """

    def __init__(self, resolve_map: dict[str, str], fallback: AbstractResolver):
        self._resolve_map = resolve_map
        self._fallback = fallback

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        address = self._resolve_map.get(host.rstrip(".").lower())
        if address is None:
            return await self._fallback.resolve(host, port, family)
        address_family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=address_family,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
        ]

    async def close(self) -> None:
        await self._fallback.close()
