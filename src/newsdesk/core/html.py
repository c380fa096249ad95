"""Sanitising publisher HTML and turning it into text.

Every piece of publisher HTML we show passes through sanitize_html: an nh3
allow-list, so nothing a publisher sends can run script or track a reader from
our pages.
"""

import html as html_lib
import re
from urllib.parse import urljoin

import nh3

from .text import clean_text
from .urls import strip_tracking

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "abbr": {"title"},
    "q": {"cite"},
    "blockquote": {"cite"},
}
_WHITESPACE = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_BLOCK_TAGS = re.compile(
    r"<\s*/?\s*(p|div|br|li|h[1-6]|blockquote|tr|section|article|header|footer|pre|figure)\b[^>]*>",
    re.IGNORECASE,
)


def sanitize_html(html: str, base_url: str | None = None) -> str:
    """Return html reduced to the allow-list, links made safe and absolute.

    Relative links are resolved against base_url when given; tracking parameters are
    removed from every link and image address. The result is clean text (core.text),
    cleaned before too: the sanitiser refuses text that is not valid Unicode, and
    decodes character references into what it writes out.
    """
    html = clean_text(html, lines=True)
    if not html:
        return ""

    def clean_urls(tag: str, attribute: str, value: str) -> str | None:
        if attribute in ("href", "src", "cite"):
            return strip_tracking(urljoin(base_url, value) if base_url else value)
        return value

    sanitized = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=clean_urls,
    )
    return clean_text(sanitized, lines=True)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, spaces collapsed.

    Block-level tags become line breaks so paragraphs stay apart. The result is clean
    text (core.text), with its lines.
    """
    html = clean_text(html, lines=True)
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return _WHITESPACE.sub(" ", html).strip()
    with_breaks = _BLOCK_TAGS.sub("\n", html)
    stripped = nh3.clean(with_breaks, tags=set(), strip_comments=True)
    text = clean_text(html_lib.unescape(stripped), lines=True)  # references decode to anything
    lines = [_WHITESPACE.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n", "\n".join(line for line in lines if line)).strip()
