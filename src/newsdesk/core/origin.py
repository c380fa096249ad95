"""One same-origin check for the site's cookie-less POST forms (sign-up, consent choice).

Public pages are cached whole and carry no per-visitor CSRF token, so these forms are
CSRF-exempt and check instead that the browser says the POST came from our own pages.
Modern browsers send Origin with every cross-site POST, and Sec-Fetch-Site besides;
older ones at least a Referer. A forged form on another site makes exactly such a
request, so one of those headers names the other site. A client that sends none of them
is not a browser acting for a visitor and cannot be a CSRF victim (the bot defences of
each form still apply to it).

Origins compare in lower case and without a trailing slash, as browsers may differ in
both from how an operator wrote NEWSDESK_BASE_URL or CSRF_TRUSTED_ORIGINS.
"""

from urllib.parse import urlsplit

from django.conf import settings

SAME_SITE_FETCHES = ("same-origin", "none")  # "none": typed in the address bar, a bookmark


def origin_of(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}".lower()


def trusted_origins(request) -> set[str]:
    """Our own origins: the one the request was addressed to, NEWSDESK_BASE_URL's and
    CSRF_TRUSTED_ORIGINS."""
    origins = {origin_of(request.build_absolute_uri("/"))}
    if settings.NEWSDESK_BASE_URL:
        origins.add(origin_of(settings.NEWSDESK_BASE_URL))
    origins.update(origin_of(o) for o in getattr(settings, "CSRF_TRUSTED_ORIGINS", []))
    return origins


def is_cross_origin(request) -> bool:
    """True when the browser says this request came from a page of another site."""
    origin = request.headers.get("Origin", "").strip()
    if origin:
        return origin.lower() == "null" or origin_of(origin) not in trusted_origins(request)
    fetch_site = request.headers.get("Sec-Fetch-Site", "").strip().lower()
    if fetch_site:
        return fetch_site not in SAME_SITE_FETCHES
    referer = request.headers.get("Referer", "").strip()
    if referer:
        return origin_of(referer) not in trusted_origins(request)
    return False
