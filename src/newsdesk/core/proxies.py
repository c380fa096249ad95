"""Proxy headers are believed only from the proxies the operator named.

With NEWSDESK_TRUSTED_PROXIES set, Django is told to read the scheme from
X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER), and the client-address helper reads
X-Forwarded-For. Django applies SECURE_PROXY_SSL_HEADER to every request, whoever sent
it, so a client that reaches the server directly could claim to be on HTTPS (secure
cookies, HSTS, redirects, origin checks would all believe it). This middleware, first
in MIDDLEWARE, removes the forwarding headers from every request whose peer is not a
trusted proxy, so nothing after it can be misled by them.
"""

from newsdesk.core.client_address import is_trusted_proxy

FORWARDING_HEADERS = (
    "HTTP_FORWARDED",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_PROTOCOL",
    "HTTP_X_FORWARDED_SSL",
    "HTTP_X_REAL_IP",
)


def drop_untrusted_forwarding(meta: dict) -> None:
    """Remove the forwarding headers unless the peer (REMOTE_ADDR) is a trusted proxy."""
    if is_trusted_proxy(meta.get("REMOTE_ADDR", "")):
        return
    for name in FORWARDING_HEADERS:
        meta.pop(name, None)


class TrustedProxyHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        drop_untrusted_forwarding(request.META)
        return self.get_response(request)
