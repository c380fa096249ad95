"""The image proxy: publishers' images served from our own address.

A visitor's browser never contacts a publisher's (third-party) host for an image: pages
link to /img/<signature>/<url>/, and this view fetches the image once through the
guarded client, checks its size and real type, and keeps it in the configured cache
(NEWSDESK_IMAGE_CACHE, a cache alias; "default" unless the operator names another).
Only URLs we signed are fetched, so the proxy cannot be used to reach arbitrary hosts.

/img/<signature>/<url>/<width>/ serves the image scaled down to one of a few widths
(WIDTHS: cards ask for what they show, not the publisher's full-size photo), re-encoded
as WebP by Pillow; an image Pillow cannot read is served as fetched.
"""

import dataclasses
import hashlib
import io
import logging

from django.conf import settings
from django.core.cache import caches
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from newsdesk.core.image_links import WIDTHS, proxied_url, signed_image_url

log = logging.getLogger(__name__)
__all__ = ["image_proxy", "proxied_url", "sniff_image_type"]

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT_S = 10
# Larger images are passed on unscaled rather than decoded (a 5 MB PNG can claim
# hundreds of millions of pixels); Pillow's own bomb guard is set to the same bound.
MAX_PIXELS = 40_000_000
WEBP_QUALITY = 78
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


def scaled_image(mime_type: str, body: bytes, width: int) -> tuple[str, bytes]:
    """The image no wider than `width`, as WebP; unchanged when it is already narrow
    enough or Pillow cannot read it (the browser may still)."""
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(body)) as image:  # reads the header only
            if image.width <= width or image.width * image.height > MAX_PIXELS:
                return mime_type, body  # small enough, or too big to decode safely
            image.draft("RGB", (width, width * 4))  # JPEG: decode at a smaller scale
            image = ImageOps.exif_transpose(image)
            if image.mode not in ("RGB", "RGBA"):
                image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
            image.thumbnail((width, width * 4), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError) as error:
        log.info("image proxy: kept an image unscaled (%s)", error)
        return mime_type, body
    return "image/webp", out.getvalue()


def _image_response(status: int, body: bytes = b"", mime_type: str = "text/plain",
                    max_age: int = KEEP_SECONDS) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type=mime_type)
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _cached_image(url: str) -> tuple[str, bytes]:
    """(type, bytes) of the publisher's image, fetched once; ("", b"") when it failed."""
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
    return cached


def _scaled_cached_image(url: str, width: int) -> tuple[str, bytes]:
    cache = _cache()
    key = f"newsdesk:image:{width}:" + hashlib.sha256(url.encode("utf-8")).hexdigest()
    cached = cache.get(key)
    if cached is None:
        mime_type, body = _cached_image(url)
        if not mime_type:
            return mime_type, body
        cached = scaled_image(mime_type, body, width)
        cache.set(key, cached, KEEP_SECONDS)
    return cached


@require_GET
def image_proxy(request, signature: str, encoded: str, width: int | None = None):
    if width is not None and width not in WIDTHS:
        raise Http404("The image proxy serves only the widths the site's pages use.")
    url = signed_image_url(signature, encoded)
    if url is None:
        return _image_response(404, b"No such image.", max_age=3600)
    if width is None:
        mime_type, body = _cached_image(url)
    else:
        mime_type, body = _scaled_cached_image(url, width)
    if not mime_type:
        return _image_response(502, b"The image could not be fetched.", max_age=FAILURE_SECONDS)
    return _image_response(200, body, mime_type)
