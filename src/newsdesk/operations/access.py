"""Who may read /metrics: the configured networks, or whoever has the bearer token.

Metrics tell an outsider how busy the desk is and which publishers fail, so they are not
public. Behind a reverse proxy on the same machine every request comes from 127.0.0.1:
a request that carries X-Forwarded-For is judged by the address the trusted proxies
(NEWSDESK_TRUSTED_PROXIES) report, and refused when it came through a proxy that is not
trusted, so a loopback default never opens /metrics to the internet.
"""

import hmac
import ipaddress

from django.conf import settings

from newsdesk.core.client_address import client_address, parse_address


def metrics_refusal(request) -> str:
    """'' when the request may read the metrics, else why not (for the 403 answer)."""
    if _has_token(request):
        return ""
    address = _scraper_address(request)
    if address and _in_networks(address, settings.NEWSDESK_METRICS_ALLOW_NETWORKS):
        return ""
    return (
        f"/metrics is not open to {address or 'this client'}: scrape it from "
        "NEWSDESK_METRICS_ALLOW_NETWORKS or send 'Authorization: Bearer' with "
        "NEWSDESK_METRICS_TOKEN"
    )


def _has_token(request) -> bool:
    token = settings.NEWSDESK_METRICS_TOKEN
    scheme, _, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


def _scraper_address(request) -> str:
    """The client's address, or '' when a proxy we do not trust forwarded the request."""
    address = client_address(request)
    proxied = "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_FORWARDED" in request.META
    if address is None or (
        proxied and address == parse_address(request.META.get("REMOTE_ADDR", ""))
    ):
        return ""  # no address, or forwarded by someone not in NEWSDESK_TRUSTED_PROXIES
    return str(address)


def _in_networks(address: str, networks: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for network in networks:
        try:
            if ip in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue  # a malformed entry opens nothing
    return False
