"""Signed addresses of the image proxy, for every room that shows a publisher's image.

The proxy (web/images.py) fetches only URLs we signed, so that it cannot be used to reach
arbitrary hosts. The site's pages and the newsletter's mails both link images through it;
the signing lives here so that neither room imports the other.
"""

import base64
import binascii

from django.core.signing import Signer
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from newsdesk.core.urls import is_http_url

SIGNER_SALT = "newsdesk.web.images"
# The widths the proxy scales images to: a card's thumbnail (twice its CSS size, for
# high-density screens) and a story page's lead image.
THUMBNAIL_WIDTH = 240
WIDTHS = (THUMBNAIL_WIDTH, 480, 960)


def _signer() -> Signer:
    return Signer(salt=SIGNER_SALT)


def encode_image_url(url: str) -> str:
    return base64.urlsafe_b64encode(url.encode("utf-8")).decode("ascii").rstrip("=")


def decode_image_url(encoded: str) -> str | None:
    try:
        return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def signed_image_url(signature: str, encoded: str) -> str | None:
    """The publisher's image URL a proxy address names, if we signed it; else None."""
    url = decode_image_url(encoded)
    if url is None or not constant_time_compare(signature, _signer().signature(url)):
        return None
    return url


def proxied_url(url: str, width: int | None = None) -> str:
    """Our path for a publisher's image URL ('' for anything that is not http(s)),
    scaled down to `width` (one of WIDTHS) when given."""
    if not url or not is_http_url(url):
        return ""
    args = [_signer().signature(url), encode_image_url(url)]
    if width is None:
        return reverse("web:image", args=args)
    if width not in WIDTHS:
        raise ValueError(f"image width {width}: the proxy scales only to {WIDTHS}")
    return reverse("web:image_sized", args=[*args, width])
