"""The image proxy: publishers' images served from our own address.

A visitor's browser never contacts a publisher's (third-party) host for an image: pages
link to /img/<signature>/<url>/, and this view fetches the image once through the
guarded client, checks its size and real type, and keeps it in the configured cache
(NEWSDESK_IMAGE_CACHE, a cache alias; "default" unless the operator names another).
Only URLs we signed are fetched, so the proxy cannot be used to reach arbitrary hosts.
"""

import dataclasses
import hashlib
import logging

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from newsdesk.core.image_links import proxied_url, signed_image_url

log = logging.getLogger(__name__)
__all__ = ["image_proxy", "proxied_url", "sniff_image_type"]

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT_S = 10
KEEP_SECONDS = 7 * 24 * 3600
FAILURE_SECONDS = 10 * 60

# Magic numbers of the raster formats we pass on; anything else (SVG, HTML) is refused.
SIGNATURES = (
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"WEBP", 8, "image/webp"),
    (b"ftypavif", 4, "image/avif"),
)


def sniff_image_type(body: bytes) -> str | None:
    """The image type the bytes really are, whatever the server claimed."""
    for magic, offset, mime_type in SIGNATURES:
        if body[offset : offset + len(magic)] == magic:
            if mime_type == "image/webp" and not body.startswith(b"RIFF"):
                continue
            return mime_type
    return None


def _cache():
    alias = settings.NEWSDESK_IMAGE_CACHE
    return caches[alias if alias in settings.CACHES else "default"]


def _fetch_image(url: str) -> tuple[str, bytes] | str:
    """(type, bytes) of the image, or why it cannot be shown."""
    from newsdesk.sources.fetch import FetchPolicy, fetch_sync

    policy = FetchPolicy.from_settings()
    policy = dataclasses.replace(
        policy,
        max_bytes=min(policy.max_bytes, MAX_BYTES),
        timeout_s=min(policy.timeout_s, TIMEOUT_S),
    )
    result = fetch_sync(url, policy, kind="image")
    if not result.ok:
        return f"image {url}: {result.error}"
    mime_type = sniff_image_type(result.body)
    if mime_type is None:
        return f"image {url}: not a JPEG, PNG, GIF, WebP or AVIF image (got {result.content_type})"
    return mime_type, result.body


def _image_response(status: int, body: bytes = b"", mime_type: str = "text/plain",
                    max_age: int = KEEP_SECONDS) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type=mime_type)
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@require_GET
def image_proxy(request, signature: str, encoded: str):
    url = signed_image_url(signature, encoded)
    if url is None:
        return _image_response(404, b"No such image.", max_age=3600)
    cache = _cache()
    key = "newsdesk:image:" + hashlib.sha256(url.encode("utf-8")).hexdigest()
    cached = cache.get(key)
    if cached is None:
        fetched = _fetch_image(url)
        if isinstance(fetched, str):
            log.info("image proxy: %s", fetched)
            cached = ("", b"")
            cache.set(key, cached, FAILURE_SECONDS)
        else:
            cached = fetched
            cache.set(key, cached, KEEP_SECONDS)
    mime_type, body = cached
    if not mime_type:
        return _image_response(502, b"The image could not be fetched.", max_age=FAILURE_SECONDS)
    return _image_response(200, body, mime_type)
