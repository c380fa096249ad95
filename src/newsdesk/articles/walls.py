"""Pages that stand in for the article: bot challenges, consent walls, paywalls.

A wall is only called when the page shows next to no article text. A full article
with a cookie banner or a "subscribe" box is an article (the banner is dropped as
boilerplate), and so is a paywalled page's free teaser paragraph; the same banner
over a near-empty page is a consent wall. Markers are the words and page furniture
the common wall vendors use, never one site's.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

# Below this many words of body text, wall words and challenge markup are believed.
# A teaser paragraph (often 60-100 words) is the publisher's text, not a wall.
SHORT_BODY_WORDS = 40
# A consent wall is a dialog: the whole page says little else. A short article on a
# site whose cookie banner is in the HTML still has menus and footers around it.
CONSENT_PAGE_MAX_WORDS = 300

_CHALLENGE_TITLES = re.compile(
    r"^\s*(just a moment|attention required|please wait|checking your browser|"
    r"access denied|are you a robot|robot check|verify you are human|"
    r"pardon our interruption|ddos-guard|security check|one more step|captcha)"
    r"\s*(?:[.…!:|\-–—]|$)",  # the phrase is the title, not an article's opening words
    re.IGNORECASE,
)
_CHALLENGE_MARKUP = re.compile(
    r"cf-challenge|challenge-form|cf_chl_opt|captcha-delivery\.com|px-captcha|"
    r"_incapsula_resource|sgcaptcha|enable javascript and cookies to continue",
    re.IGNORECASE,
)
_CONSENT_WORDS = re.compile(
    r"(we value your privacy|before you continue|your privacy choices|"
    r"(use|uses|using) (of )?cookies|consent to (the use|our use)|manage (your )?consent|"
    r"accept all|reject all|cookie (settings|preferences|policy)|we and our partners)",
    re.IGNORECASE,
)
_PAYWALL_WORDS = re.compile(
    r"(subscribe (now )?to (continue|keep) reading|to continue reading,? (please )?"
    r"(subscribe|log ?in|sign ?in)|(this|the) (article|story|content) is (only )?"
    r"(available |reserved )?(for|to) (paying )?(subscribers|members)|"
    r"you have reached your (free )?(article )?limit)",
    re.IGNORECASE,
)


def _visible_text(tree: HtmlElement) -> str:
    body = tree.find(".//body")
    root = body if body is not None else tree
    texts = root.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]")
    return " ".join(" ".join(texts).split())


def detect_wall(tree: HtmlElement, raw_html: str, body_text: str,
                accessible_for_free: bool | None) -> str | None:
    """"bot_challenge", "consent_wall" or "paywall" when the page is one, else None."""
    if len(body_text.split()) >= SHORT_BODY_WORDS:
        return None
    title = tree.findtext(".//title") or ""
    if _CHALLENGE_TITLES.search(title) or _CHALLENGE_MARKUP.search(raw_html):
        return "bot_challenge"
    visible = _visible_text(tree)
    if accessible_for_free is False or _PAYWALL_WORDS.search(visible):
        return "paywall"
    if len(visible.split()) <= CONSENT_PAGE_MAX_WORDS and _CONSENT_WORDS.search(visible):
        return "consent_wall"
    return None
