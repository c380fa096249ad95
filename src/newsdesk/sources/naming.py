"""A publisher's name from its own pages, limited so that no page can rename it.

A publisher is first named after its feed's title (or its OPML outline, or its host).
Its pages usually say better what it calls itself (og:site_name, JSON-LD publisher),
but a page can say anything: one page of a followed site that declares "BBC News"
must not make that site BBC News on our pages and in our mails. So a declared name is
taken only when

1. at least PAGES_TO_AGREE of the publisher's pages declare it, and more than half of
   the pages that declared a name at all (a page is one vote, however often it is read);
2. it may be this publisher's: it contains, or is contained in, a distinctive label of
   one of the publisher's hosts, its current name or one of its feeds' titles, or it or
   its initials are such a host label ("DW" for dw.com, "FAZ" for faz.net). Not the
   host of the page that declares it: a feed may link to another outlet's pages;
3. no other publisher has it: its distinctive words ("The Guardian" and "Guardian"
   share theirs) are not another publisher's;
4. nobody named the publisher before: an editor's name, or one taken before, stays.

Names are compared without case, accents, punctuation and spaces.
"""

import hashlib
import logging
import unicodedata
from collections import Counter

from newsdesk.core.text import clean_text
from newsdesk.core.urls import host_of
from newsdesk.sources.models import DeclaredName, Publisher

log = logging.getLogger(__name__)

PAGES_TO_AGREE = 3
# Pages of one publisher remembered while they disagree; beyond it nothing is learnt.
MAX_DECLARATIONS = 50
# Words and host labels that many outlets share: they relate no name to a publisher.
GENERIC = frozenset(
    {
        "www", "m", "mobile", "amp", "feeds", "feed", "rss", "atom", "api", "cdn", "static",
        "com", "net", "org", "co", "ac", "gov", "edu", "info",
        "the", "a", "an", "of", "and", "de", "la", "le", "el", "der", "die", "das",
        "news", "daily", "online", "today", "world", "media", "live", "times", "post",
        "press", "home", "blog", "tv", "radio", "nachrichten", "noticias", "actualites",
    }
)  # fmt: skip
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


def note_declared_name(publisher: Publisher, declared: str | None, page_url: str) -> bool:
    """Record the name page_url declares for its publisher, and rename the publisher
    when its pages agree on a name it may have (module docstring). Returns whether the
    publisher was renamed."""
    name = clean_text(declared)[:200]
    if publisher.name_confirmed or not _squash(name):
        return False
    page_hash = hashlib.sha256(page_url.encode("utf-8", "replace")).hexdigest()
    declared_here = DeclaredName.objects.filter(publisher=publisher)
    if (
        declared_here.count() >= MAX_DECLARATIONS
        and not declared_here.filter(page_hash=page_hash).exists()
    ):
        return False
    DeclaredName.objects.update_or_create(
        publisher=publisher, page_hash=page_hash, defaults={"name": name}
    )
    agreed = agreed_name(list(declared_here.values_list("name", flat=True)))
    if agreed is None or agreed == publisher.name or not may_be_named(publisher, agreed):
        return False
    renamed = Publisher.objects.filter(pk=publisher.pk, name_confirmed=False).update(
        name=agreed, name_confirmed=True
    )
    if renamed:
        log.info("publisher %s: renamed %r -> %r, as its pages declare", publisher.pk,
                 publisher.name, agreed)
        publisher.name, publisher.name_confirmed = agreed, True
        declared_here.delete()
        publisher.follow_name_with_slug()  # its address follows; the old one redirects
    return bool(renamed)


def agreed_name(names: list[str]) -> str | None:
    """The name at least PAGES_TO_AGREE of these declarations and more than half of them
    give (in its commonest spelling), or None."""
    spellings: dict[str, list[str]] = {}
    for name in names:
        spellings.setdefault(_squash(name), []).append(name)
    if not spellings:
        return None
    votes = max(spellings.values(), key=len)
    if len(votes) < PAGES_TO_AGREE or 2 * len(votes) <= len(names):
        return None
    return Counter(votes).most_common(1)[0][0]


def may_be_named(publisher: Publisher, name: str) -> bool:
    """Whether name relates to the publisher's own hosts or titles and no other
    publisher has it (rules 2 and 3)."""
    sources = list(publisher.sources.values_list("url", "site_url", "title"))
    hosts = {publisher.domain, *(host_of(u) for url, site, _ in sources for u in (url, site))}
    titles = {publisher.name, *(title for _, _, title in sources)}
    if not related(name, hosts, titles):
        log.info("publisher %s: declared name %r ignored: unrelated to its hosts and titles",
                 publisher.pk, name)
        return False
    others = Publisher.objects.exclude(pk=publisher.pk).values_list("name", flat=True)
    if any(same_outlet(name, other) for other in others.iterator()):
        log.info("publisher %s: declared name %r ignored: another publisher has it",
                 publisher.pk, name)
        return False
    return True


def related(name: str, hosts: set[str], titles: set[str]) -> bool:
    """Rule 2: name and a host label or title contain one another (a distinctive part of
    at least three letters), or name (however short) or its initials are a host label."""
    labels = {label for host in hosts if host for label in host.split(".")[:-1]} - GENERIC
    if _keys(name) & labels:  # "DW" for dw.com
        return True
    pieces = {
        piece
        for piece in labels | {key for title in titles for key in _keys(title)}
        if len(piece) >= 3 and piece not in GENERIC
    }
    for key in _keys(name):
        distinctive = len(key) >= 3 and key not in GENERIC
        if any(piece in key or (distinctive and key in piece) for piece in pieces):
            return True
    initials = "".join(word[0] for word in _words(name))
    return len(initials) >= 2 and initials in labels


def same_outlet(name: str, other: str) -> bool:
    """Rule 3: the two names are one, or share all their distinctive words."""
    if _squash(name) == _squash(other):
        return True
    mine, theirs = _distinctive_words(name), _distinctive_words(other)
    return bool(mine) and mine == theirs


def _distinctive_words(name: str) -> frozenset[str]:
    return frozenset(word for word in _words(name) if word not in GENERIC)


def _words(name: str) -> list[str]:
    return [squashed for word in name.split() if (squashed := _squash(word))]


def _keys(text: str) -> set[str]:
    """text squashed, also with German umlauts written out (Süddeutsche, sueddeutsche.de)."""
    folded = text.casefold()
    return {key for key in (_squash(folded), _squash(folded.translate(_GERMAN))) if key}


def _squash(text: str) -> str:
    """text without case, accents, punctuation and spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))
