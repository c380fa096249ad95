"""Whole-page caching of public pages, keyed on what a page actually depends on.

Public pages carry no per-visitor token, so one rendering serves every visitor who sees
the same thing. NEWSDESK_PAGE_CACHE_SECONDS (default 30, 0 = off) bounds how stale a page
may be. Pages go to the "pages" cache: each process's memory in front of the shared
cache (local_cache.py), so a warm page costs no round trip.

The key (`page_cache_key`) is built from what the page can differ by, and nothing a
visitor can vary at will: the address it was asked at, its path, the query parameters
the page declares it uses (`@public_page(params=...)`: `/?cb=1`, `/?cb=2`, ... are one
page, `/?cursor=...` another), the interface language, and, with optional services
declared, the visitor's consent choice (not the raw Cookie header, which a client can
fill with anything), and, for story lists, the languages the list resolved to show
(`@public_page(variant=listing.language_variant)`: a subset of the story languages,
never the raw Accept-Language header or preference cookie). Parameters a page does not
use are removed from the request before the view sees it, so the page rendered and the
key agree (no stray `cb=` in its links).

Staff requests (``core.staff_requests.is_staff_request``) bypass the cache both ways: they are
never served a cached page and their page is never stored, since it carries the
editor's desk link; it is marked private, so no cache downstream keeps it either.
"""

import hashlib
import time
from collections.abc import Iterable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.http import QueryDict
from django.utils import translation
from django.utils.cache import (
    add_never_cache_headers,
    get_max_age,
    has_vary_header,
    patch_response_headers,
    patch_vary_headers,
)
from django.utils.http import parse_http_date_safe, split_directive_names

from newsdesk.consent.services import declared_services
from newsdesk.consent.state import current_consent
from newsdesk.core import metrics
from newsdesk.core.staff_requests import is_staff_request

PAGE_CACHE = "pages"
KEY_PREFIX = "newsdesk-page"
UNCACHEABLE_DIRECTIVES = frozenset({"private", "no-cache", "no-store"})


def cache_seconds() -> int:
    return int(settings.NEWSDESK_PAGE_CACHE_SECONDS)


def used_query(query: QueryDict, params: Iterable[str]) -> str:
    """The query string of the parameters a page uses, in one canonical form: sorted by
    name, the last non-empty value of each (the one `QueryDict.get` gives the view)."""
    pairs = []
    for name in sorted(set(params)):
        values = [value for value in query.getlist(name) if value]
        if values:
            pairs.append((name, values[-1]))
    return urlencode(pairs)


def consent_variant(request) -> str:
    """What a page shows of the visitor's consent: nothing before services are declared,
    else whether they must be asked, or the purposes they allowed."""
    if not declared_services():
        return ""
    consent = current_consent(request)
    return "ask" if consent is None else "allowed:" + ",".join(sorted(consent.allowed))


def page_cache_key(request, params: Iterable[str], variant: str = "") -> str:
    """The one key a public page is cached under (see the module's docstring)."""
    parts = [
        request.scheme,
        request.get_host(),
        request.path,
        used_query(request.GET, params),
        translation.get_language() or "",
        consent_variant(request),
        variant,
    ]
    text = "\n".join(parts).encode("utf-8", "surrogatepass")
    return f"{KEY_PREFIX}:{hashlib.sha256(text).hexdigest()}"


def keep_used_parameters(request, params: Iterable[str]) -> None:
    """Leave the request only the parameters the page uses, in their canonical form."""
    query = used_query(request.GET, params)
    if query != request.META.get("QUERY_STRING", ""):
        request.META["QUERY_STRING"] = query
        request.GET = QueryDict(query)


def vary_on_consent(response) -> None:
    """Tell browsers and shared caches that the page depends on the consent cookie, once
    there is something to consent to (our own key uses the choice itself)."""
    if declared_services():
        patch_vary_headers(response, ["Cookie"])


def _lifetime(response, seconds: int) -> int:
    """How long `response` may be cached: 0 when it must not be (as Django's page cache
    decides: only whole 200s that set no cookie and do not ask to stay private)."""
    if response.streaming or response.status_code != 200 or response.cookies:
        return 0
    directives = set(split_directive_names(response.get("Cache-Control", "")))
    if directives & UNCACHEABLE_DIRECTIVES or has_vary_header(response, "*"):
        return 0
    max_age = get_max_age(response)
    return seconds if max_age is None else min(max_age, seconds)


def _store(response, key: str, seconds: int) -> None:
    lifetime = _lifetime(response, seconds)
    if lifetime <= 0:
        return
    patch_response_headers(response, lifetime)
    pages = caches[PAGE_CACHE]
    if callable(getattr(response, "render", None)):
        response.add_post_render_callback(lambda rendered: pages.set(key, rendered, lifetime))
    else:
        pages.set(key, response, lifetime)


def _with_age(response):
    """A cached page says how old it is, so caches downstream do not keep it longer."""
    max_age = get_max_age(response)
    expires = parse_http_date_safe(response.get("Expires", ""))
    if max_age is not None and expires is not None:
        response["Age"] = max(0, max_age - (expires - int(time.time())))
    return response


def public_page(view=None, *, params: Iterable[str] = (), variant=None):
    """Serve the view from the page cache when caching is on (read at request time).

    `params` names the query parameters the page uses; every other one is dropped before
    the view runs. `variant(request)`, if given, returns what else the page depends on
    (already resolved, see the module's docstring); such a page also varies on Cookie,
    where a reader's preference lives. Use as `@public_page` (a page that uses none) or
    `@public_page(params=("cursor", "lang"), variant=...)`."""
    if view is None:
        return lambda view: public_page(view, params=params, variant=variant)
    used = frozenset(params)

    def render(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        vary_on_consent(response)
        if variant is not None:
            patch_vary_headers(response, ["Cookie"])
        return response

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        keep_used_parameters(request, used)
        seconds = cache_seconds()
        if is_staff_request(request):
            response = view(request, *args, **kwargs)
            add_never_cache_headers(response)  # private: it shows staff controls
            return response
        if seconds <= 0 or request.method not in ("GET", "HEAD"):
            return render(request, *args, **kwargs)
        key = page_cache_key(request, used, variant(request) if variant else "")
        cached = caches[PAGE_CACHE].get(key)
        metrics.count_page_cache(metrics.page_type(request), cached is not None)
        if cached is not None:
            return _with_age(cached)
        response = render(request, *args, **kwargs)
        if request.method == "GET":  # a HEAD response is served, never kept
            _store(response, key, seconds)
        return response

    return wrapped
