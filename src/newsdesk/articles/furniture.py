"""Lines no article contains: furniture that survived extraction, and the repeated headline.

These are generic wordings (consent notices, newsletter boxes, form errors, "read more"
links, bare timestamps), never one site's; only short lines are judged by their words,
so an article that discusses cookies or newsletters keeps its paragraphs.
"""

import re

# Short lines that are site furniture in any article: consent notices, newsletter boxes,
# form errors, "read more" links. Only lines this short are judged by their words.
BOILERPLATE_MAX_WORDS = 30
_BOILERPLATE_LINE = re.compile(
    r"(this (web)?site uses cookies|we use cookies|uses? of cookies|accept (all )?cookies|"
    r"cookie (policy|settings|preferences)|you can opt-out if you wish|"
    r"subscribe to (our|the) (mailing list|newsletter)|sign up (for|to) .{0,40}newsletter|"
    r"newsletter delivered|get (more stuff|the latest) like this|thank you for subscribing|"
    r"something went wrong|for your personal,? non-commercial use only|"
    r"^\s*(read more|related( articles| stories)?|see also)\s*:|"
    r"^\s*you (may|might) also like|^\s*tell us what you think|"
    r"^\s*(share|share this (article|story)|advertisement|continue reading)\s*$|"
    r"^\s*\[/?[a-z_]+(\s[^\]]*)?\])",  # an unexpanded [shortcode]
    re.IGNORECASE,
)
# A short line that is only a timestamp ("Updated at 1:23 p.m.", "22 January 2018, 0:13").
DATELINE_MAX_WORDS = 8
_DATELINE = re.compile(
    r"^\s*(updated|published|posted|last (updated|modified))\b|\b\d{1,2}[:h]\d{2}\b",
    re.IGNORECASE,
)


def drop_boilerplate_lines(text: str) -> str:
    """The text without short lines worded like consent notices, newsletter boxes, errors."""
    return "\n".join(line for line in text.split("\n") if not _is_furniture(line))


def _is_furniture(line: str) -> bool:
    words = len(line.split())
    return (words <= BOILERPLATE_MAX_WORDS and bool(_BOILERPLATE_LINE.search(line))) or (
        words <= DATELINE_MAX_WORDS and bool(_DATELINE.search(line))
    )


def drop_title_lines(text: str, titles: list[str | None]) -> str:
    """The body without its first lines when they repeat the headline (or the <h1>)."""
    lines = text.split("\n")
    squashed = {re.sub(r"\W+", "", title.lower()) for title in titles if title} - {""}
    while lines and re.sub(r"\W+", "", lines[0].lower()) in squashed:
        lines.pop(0)
    return "\n".join(lines)
