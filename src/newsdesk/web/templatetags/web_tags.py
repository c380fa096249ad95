"""Template helpers of the public site."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from newsdesk.core.text import clean_text
from newsdesk.web.images import proxied_url

register = template.Library()

# The characters that could end a <script> element or open a comment inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def json_ld(data: dict) -> str:
    """A JSON-LD data block (not executed, so no CSP nonce is needed)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.filter
def proxied_image(url: str) -> str:
    """A publisher's image URL as served by our own image proxy."""
    return proxied_url(url)


@register.filter
def xml_text(value) -> str:
    """Stored text made fit for an XML document we write (core.text): XML 1.0 forbids
    control characters, and rows stored before text was cleaned on its way in may hold
    them. Escaped afterwards like any other value."""
    return clean_text(str(value if value is not None else ""))
