"""FetchPolicy: the limits and the address rules one Fetcher works under.

Kept apart from Django so the client can be used (and tested) without settings;
`FetchPolicy.from_settings()` is the one place that reads them.
"""

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from newsdesk import __version__
from newsdesk.sources.fetch.addresses import IPAddress, IPNetwork, parse_networks, refusal_reason

DEFAULT_USER_AGENT = f"Newsdesk/{__version__}"


@dataclass(frozen=True)
class FetchPolicy:
    """Limits for every request a Fetcher makes.

    allow_networks: networks that may be dialled although private or loopback (CIDR).
    resolve_map: host name -> IP, answered without DNS (like curl --resolve).
    timeout_s: whole fetch, redirects and body included. max_bytes: body after
    decompression. concurrency / per_host: requests in flight, overall and per host.
    """

    allow_networks: Iterable[str | IPNetwork] = ()
    resolve_map: Mapping[str, str] = field(default_factory=dict)
    timeout_s: float = 20.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    concurrency: int = 64
    per_host: int = 4
    user_agent: str = DEFAULT_USER_AGENT

    def __post_init__(self):
        networks = parse_networks(self.allow_networks, "NEWSDESK_FETCH_ALLOW_NETWORKS")
        object.__setattr__(self, "allow_networks", networks)
        object.__setattr__(self, "resolve_map", _parse_resolve_map(self.resolve_map))
        for name in ("timeout_s", "max_bytes", "concurrency", "per_host"):
            if getattr(self, name) <= 0:
                raise ValueError(f"FetchPolicy.{name} must be positive, got {getattr(self, name)}")
        if self.max_redirects < 0:
            raise ValueError(
                f"FetchPolicy.max_redirects must be 0 or more, got {self.max_redirects}"
            )

    @classmethod
    def from_settings(cls) -> "FetchPolicy":
        """The policy the NEWSDESK_FETCH_* Django settings describe."""
        from django.conf import settings

        base_url = settings.NEWSDESK_BASE_URL
        return cls(
            allow_networks=settings.NEWSDESK_FETCH_ALLOW_NETWORKS,
            resolve_map=settings.NEWSDESK_FETCH_RESOLVE,
            timeout_s=settings.NEWSDESK_FETCH_TIMEOUT,
            max_bytes=settings.NEWSDESK_FETCH_MAX_BYTES,
            max_redirects=settings.NEWSDESK_FETCH_MAX_REDIRECTS,
            concurrency=settings.NEWSDESK_FETCH_CONCURRENCY,
            per_host=settings.NEWSDESK_FETCH_PER_HOST,
            user_agent=f"{DEFAULT_USER_AGENT} (+{base_url})" if base_url else DEFAULT_USER_AGENT,
        )

    def refusal(self, address: IPAddress) -> str | None:
        """Why this address may not be dialled under this policy, or None."""
        return refusal_reason(address, self.allow_networks)


def _parse_resolve_map(mapping: Mapping[str, str]) -> dict[str, str]:
    parsed = {}
    for name, address in mapping.items():
        try:
            parsed[name.strip().rstrip(".").lower()] = str(ipaddress.ip_address(address.strip()))
        except ValueError:
            raise ValueError(
                f"NEWSDESK_FETCH_RESOLVE: {name} -> {address!r} is not an IP address"
            ) from None
    return parsed
