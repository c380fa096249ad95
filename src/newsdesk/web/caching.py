"""Whole-page caching of public pages.

Public pages carry no per-visitor token, so one rendering serves every visitor who
sees the same thing: the same URL, language and, when the operator declared optional
services, the same consent cookie. NEWSDESK_PAGE_CACHE_SECONDS (default 30, 0 = off)
bounds how stale a page may be. Pages go to the "pages" cache: each process's memory in
front of the shared cache (local_cache.py), so a warm page costs no round trip.
"""

from functools import wraps

from django.conf import settings
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import cache_page

from newsdesk.consent.services import declared_services
from newsdesk.core import metrics

DEFAULT_SECONDS = 30
PAGE_CACHE = "pages"


def cache_seconds() -> int:
    return int(settings.NEWSDESK_PAGE_CACHE_SECONDS)


def vary_on_consent(view):
    """Mark pages as depending on the consent cookie once there is something to consent to.

    Done inside the cache decorator, so the cache key learns it before storing the page.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if declared_services():
            patch_vary_headers(response, ["Cookie"])
        return response

    return wrapped


def public_page(view):
    """Serve the view from the page cache when caching is on (read at request time)."""
    consent_aware = vary_on_consent(view)
    cached_views: dict[int, object] = {}

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        seconds = cache_seconds()
        if seconds <= 0 or request.method not in ("GET", "HEAD"):
            return consent_aware(request, *args, **kwargs)
        if seconds not in cached_views:
            cached_views[seconds] = cache_page(
                seconds, cache=PAGE_CACHE, key_prefix="newsdesk-page"
            )(consent_aware)
        response = cached_views[seconds](request, *args, **kwargs)
        # Django's cache middleware marks a request it answered from the cache so.
        metrics.count_page_cache(metrics.page_type(request), request._cache_update_cache is False)
        return response

    return wrapped
