"""Template helpers of the public site."""

import json

from django import template
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from newsdesk.core.text import clean_text
from newsdesk.web.images import proxied_url
from newsdesk.web.times import exact_time, relative_label, relative_labels

register = template.Library()

# The characters that could end a <script> element or open a comment inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def json_ld(data: dict) -> str:
    """A JSON-LD data block (not executed, so no CSP nonce is needed)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.filter
def proxied_image(url: str, width=None) -> str:
    """A publisher's image URL as served by our own image proxy (scaled to `width`)."""
    return proxied_url(url, int(width) if width else None)


@register.filter
def xml_text(value) -> str:
    """Stored text made fit for an XML document we write (core.text): XML 1.0 forbids
    control characters, and rows stored before text was cleaned on its way in may hold
    them. Escaped afterwards like any other value."""
    return clean_text(str(value if value is not None else ""))


@register.simple_tag(takes_context=True)
def relative_time(context, moment) -> str:
    """<time> with a relative label ("2 h ago"), the exact time and zone as its title and
    the instant in `datetime` (web/times.py). The clock is the page's `page_now` when the
    view set one, so every time on a page is seen from the same instant."""
    if moment is None:
        return ""
    now = context.get("page_now") or timezone.now()
    return format_html(
        '<time datetime="{}" title="{}" data-relative>{}</time>',
        moment.isoformat(),
        exact_time(moment),
        relative_label(moment, now),
    )


@register.simple_tag
def relative_time_script() -> str:
    """The words of relative labels and the script that keeps them true (web/times.py)."""
    text = json.dumps(relative_labels(), ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html(
        '<script type="application/json" id="relative-time-labels">{}</script>\n'
        '<script src="{}" defer></script>',
        mark_safe(text),  # noqa: S308
        static("web/times.js"),
    )


@register.filter(name="exact_time")
def exact_time_filter(moment) -> str:
    """The full date and time with the zone (web/times.py)."""
    return exact_time(moment) if moment else ""
