"""Same-origin checks for the site's cookie-less POST forms (consent choice).

Public pages are cached whole and carry no per-visitor CSRF token, so these forms are
CSRF-exempt and check instead that the browser says the POST came from our own pages:
modern browsers send Origin (and Sec-Fetch-Site) with every cross-site POST, which is
exactly the request a forged form would make. A client that sends neither is not a
browser acting for a visitor and cannot be a CSRF victim.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import render


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def trusted_origins(request) -> set[str]:
    origins = {_origin_of(request.build_absolute_uri("/"))}
    base_url = settings.NEWSDESK_BASE_URL
    if base_url:
        origins.add(_origin_of(base_url))
    origins.update(o.lower() for o in getattr(settings, "CSRF_TRUSTED_ORIGINS", []))
    return origins


def is_cross_origin(request) -> bool:
    origin = request.headers.get("Origin")
    if origin:
        return origin == "null" or origin.lower() not in trusted_origins(request)
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site not in ("same-origin", "none")
    referer = request.headers.get("Referer")
    if referer:
        return _origin_of(referer) not in trusted_origins(request)
    return False


def refuse_cross_origin(request):
    """A 403 page when the POST came from another site, else None."""
    if not is_cross_origin(request):
        return None
    return render(request, "web/cross_origin.html", status=403)
