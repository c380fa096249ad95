"""Which story languages a reader asked for: one rule for the site and the newsletter.

A browser's `Accept-Language` lists what its user reads, with weights. Entries weighted
q >= 0.5 are the languages the reader reads comfortably; lower ones are fallbacks we do
not impose. Only languages some story has are kept (a filter that matches nothing helps
no one), so the result is always a subset of what the desk can show, never the raw
header: that set, not the header, is what a page cache may key on.
"""

from __future__ import annotations

from django.utils.translation.trans_real import parse_accept_lang_header

MIN_QUALITY = 0.5
# The story language a reader picked in the site's filter: an essential preference
# cookie, set only when they pick one (web/views.py choose_language).
STORY_LANGUAGE_COOKIE = "newsdesk_story_language"


def primary_subtag(tag: str) -> str:
    """'de-AT' -> 'de'; '*' and malformed tags -> ''."""
    head = tag.strip().lower().replace("_", "-").split("-", 1)[0]
    return head if head.isalpha() and 2 <= len(head) <= 3 else ""


def accepted_languages(header: str | None, available: list[str] | tuple[str, ...]) -> list[str]:
    """The languages of `available` the header asks for at q >= 0.5, in the header's order
    of preference; [] (meaning every language) when none of them is available."""
    offered = {code.lower() for code in available}
    chosen: list[str] = []
    for tag, quality in parse_accept_lang_header(header or ""):
        code = primary_subtag(tag)
        if quality >= MIN_QUALITY and code in offered and code not in chosen:
            chosen.append(code)
    return chosen
