"""An article's metadata, from the sources a page offers, in order of trust.

JSON-LD (NewsArticle and kin) > OpenGraph / article:* > other meta tags > the page
itself (<title>, <h1>, <html lang>, <link rel=canonical>, <time>), then htmldate's
search of the page for a date. Headlines lose their site-name suffix (" - CNN")
but are never shortened; a canonical URL pointing at a home or section page is
ignored so that unrelated articles never share one URL.
"""

from __future__ import annotations

import html
import json
import re
import warnings
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta, timezone
from urllib.parse import urljoin, urlsplit

from dateutil import parser as date_parser
from lxml.html import HtmlElement

from newsdesk.core.html import html_to_text
from newsdesk.core.urls import canonicalize_url, host_of, is_http_url

ARTICLE_TYPES = frozenset(
    {
        "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle",
        "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "blogposting",
        "liveblogposting", "socialmediaposting", "techarticle", "scholarlyarticle", "report",
    }
)
TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-–—:·•»~/]|::)\s+")
# Zone abbreviations news sites print; ambiguous ones (IST, CST in China) are left out.
ZONE_ABBREVIATIONS = {
    name: hours * 3600
    for name, hours in {"UTC": 0, "GMT": 0, "EST": -5, "EDT": -4, "CDT": -5, "MST": -7,
                        "MDT": -6, "PST": -8, "PDT": -7, "CET": 1, "CEST": 2, "BST": 1}.items()
}
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# "By", "Analysis by", "Von": what precedes the names in a byline.
_BY_PREFIX = re.compile(
    r"^\s*(?:[\w-]+\s+)?(?:by|von|par|por|di|door|av|af)\s*:?\s+", re.IGNORECASE
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\band\b|\bund\b|\bet\b|&)\s*", re.IGNORECASE)
# Where a byline stops naming people: a handle, a date or time, a separator, "Updated".
_BYLINE_TAIL = re.compile(
    r"\s*(?:@\w|\||•|·|\bprint this\b|\bupdated\b|\bpublished\b|\b\d{1,2}:\d{2}|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d).*$",
    re.IGNORECASE,
)
# Not a person: account names and staff roles some sites put in the author field.
_NOT_A_PERSON = re.compile(
    r"admin|\b(editor|correspondent|reporter|contributor|news service|staff writer)\b",
    re.IGNORECASE,
)


@dataclass
class ArticleFacts:
    """What a page says about its article, as an extraction reports it."""

    title: str | None = None
    bylines: list[str] = field(default_factory=list)
    published: datetime | None = None
    updated: datetime | None = None
    language: str | None = None
    image: str | None = None
    canonical_url: str | None = None
    section: str | None = None
    keywords: list[str] = field(default_factory=list)
    publisher: str | None = None

    def facts(self) -> dict:
        """Just the ArticleFacts fields, e.g. to build an Extraction from page metadata."""
        return {f.name: getattr(self, f.name) for f in fields(ArticleFacts)}


@dataclass
class PageMetadata(ArticleFacts):
    jsonld_body: str = ""
    accessible_for_free: bool | None = None
    page_heading: str | None = None  # the <h1>, which may word the headline differently


# ---------------------------------------------------------------- JSON-LD


def _json_nodes(data) -> list[dict]:
    """Every object in a JSON-LD document, @graph and nested lists flattened."""
    found, stack = [], [data]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            found.append(node)
            if isinstance(node.get("@graph"), list):
                stack.extend(reversed(node["@graph"]))
    return found


def _types(node: dict) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.lower().rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)}


def jsonld_article(tree: HtmlElement) -> dict | None:
    """The page's JSON-LD article object (the one with a headline first), or None."""
    articles = []
    for script in tree.iterfind(".//script[@type]"):
        if "ld+json" not in script.get("type", "").lower() or not script.text:
            continue
        try:
            data = json.loads(script.text, strict=False)
        except ValueError:
            try:
                data = json.loads(_CONTROL_CHARS.sub(" ", script.text.strip().rstrip(";")))
            except ValueError:
                continue
        articles.extend(n for n in _json_nodes(data) if _types(n) & ARTICLE_TYPES)
    if not articles:
        return None
    return max(articles, key=lambda n: (bool(n.get("headline")), bool(n.get("datePublished"))))


def _names(value) -> list[str]:
    """Names from a JSON-LD person/organisation value (str, dict or list)."""
    values = value if isinstance(value, list) else [value]
    names = []
    for item in values:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            names.append(item["name"])
    return names


def _first_url(value) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _first_url(value.get("url") or value.get("@id") or value.get("contentUrl"))
    if isinstance(value, list) and value:
        return _first_url(value[0])
    return None


def _text_list(value) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        return [item.strip() for item in value if isinstance(item, str) and item.strip()]
    return []


def _article_body(node: dict) -> str:
    body = node.get("articleBody")
    if isinstance(body, list):
        body = "\n".join(part for part in body if isinstance(part, str))
    if not isinstance(body, str):
        return ""
    return html_to_text(body) if "<" in body else body.strip()


# ---------------------------------------------------------------- meta tags


def meta_tags(tree: HtmlElement) -> dict[str, str]:
    """First value of every <meta name|property|itemprop> tag, keys lower-cased."""
    found: dict[str, str] = {}
    for meta in tree.iterfind(".//meta"):
        content = (meta.get("content") or "").strip()
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (meta.get(attr) or "").strip().lower()
            if key:
                found.setdefault(key, content)
    return found


def _first(*values) -> str | None:
    """The first non-blank string, entities decoded (JSON-LD often carries &#8217;)."""
    for value in values:
        if isinstance(value, str) and value.strip():
            return " ".join(html.unescape(value).split())
    return None


def parse_date(value) -> datetime | None:
    """An aware datetime from a date string; a date without zone is taken as UTC."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            with warnings.catch_warnings():  # an unknown zone name leaves the date naive
                warnings.simplefilter("ignore", date_parser.UnknownTimezoneWarning)
                parsed = date_parser.parse(value.strip(), tzinfos=ZONE_ABBREVIATIONS)
        except (ValueError, OverflowError):
            return None
    if not 1990 <= parsed.year <= 2100:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# ---------------------------------------------------------------- titles


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text.lower())


def site_names(meta: dict[str, str], publisher: str | None, url: str | None) -> set[str]:
    names = {publisher, meta.get("og:site_name"), meta.get("application-name"),
             meta.get("twitter:site", "").lstrip("@")}
    host = host_of(url or "")
    if host:
        labels = host.removeprefix("www.").split(".")
        names.add(labels[0])
        names.add(".".join(labels))
    return {_squash(name) for name in names if name and _squash(name)}


def strip_site_name(title: str, names: set[str]) -> str:
    """The title without a leading or trailing segment that names the site."""
    parts = TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title

    def is_site(segment: str) -> bool:
        squashed = _squash(segment)
        return bool(squashed) and any(
            squashed == name or (len(name) >= 3 and (name in squashed or squashed in name)
                                 and len(segment.split()) <= 4)
            for name in names
        )

    separators = TITLE_SEPARATORS.findall(title)
    if is_site(parts[-1]):
        return title[: title.rfind(separators[-1])].strip()
    if is_site(parts[0]):
        return title[title.find(separators[0]) + len(separators[0]) :].strip()
    return title


def untruncated(title: str, others: list[str]) -> str:
    """A longer variant from another source when this title was cut ("...", or just short).

    Another source's title that continues this one after a word boundary is the whole
    headline of which this is the start.
    """
    stem = title.rstrip(".… ").strip()
    if not stem:
        return title
    longer = [o for o in others if len(o) > len(stem) and o.startswith(stem)
              and (stem != title or not o[len(stem)].isalnum())
              and not TITLE_SEPARATORS.match(o[len(stem):])]  # "Title | Site" is no sequel
    return max(longer, key=len) if longer else title


def page_heading(tree: HtmlElement) -> str:
    h1 = tree.find(".//h1")
    return " ".join(h1.text_content().split()) if h1 is not None else ""


def choose_title(ld: dict, meta: dict[str, str], tree: HtmlElement, names: set[str]) -> str | None:
    page_title = tree.findtext(".//title")
    h1_text = page_heading(tree)
    candidates = [
        _first(ld.get("headline") if isinstance(ld.get("headline"), str) else None),
        _first(meta.get("og:title")),
        _first(meta.get("twitter:title")),
        _first(meta.get("title"), meta.get("dc.title")),
        _first(page_title),
        h1_text or None,
    ]
    cleaned = [strip_site_name(c, names) for c in candidates if c]
    if not cleaned:
        return None
    title = untruncated(cleaned[0], cleaned[1:])
    # A <title> whose site name we could not recognise: the segment the <h1> repeats.
    if h1_text and title != h1_text and len(TITLE_SEPARATORS.split(title)) > 1:
        if _squash(h1_text) in (_squash(part) for part in TITLE_SEPARATORS.split(title)):
            return h1_text
    return title


# ---------------------------------------------------------------- canonical URL


def is_home_or_section(candidate: str, page_url: str | None) -> bool:
    """True for a site's home page, or a page whose path is a prefix of the article's."""
    path = urlsplit(candidate).path.rstrip("/")
    if not path and not urlsplit(candidate).query:
        return True
    if page_url:
        page = urlsplit(page_url)
        if page.hostname == urlsplit(candidate).hostname:
            page_path = page.path.rstrip("/")
            if page_path != path and page_path.startswith(path + "/"):
                return True
        return False
    segments = [s for s in path.split("/") if s]
    return len(segments) <= 2 and not any(ch.isdigit() or ch in "-_." for ch in path)


def choose_canonical(
    ld: dict, meta: dict[str, str], tree: HtmlElement, url: str | None
) -> str | None:
    links = [link.get("href") for link in tree.iterfind(".//link[@rel]")
             if "canonical" in link.get("rel", "").lower().split()]
    for candidate in [*links, meta.get("og:url"), _first_url(ld.get("url")),
                      _first_url(ld.get("mainEntityOfPage"))]:
        if not candidate:
            continue
        absolute = urljoin(url or "", candidate.strip())
        if is_http_url(absolute) and not is_home_or_section(absolute, url):
            return canonicalize_url(absolute)
    return canonicalize_url(url) if url and is_http_url(url) else None


# ---------------------------------------------------------------- the rest


def _bylines(
    ld: dict, meta: dict[str, str], tree: HtmlElement, publisher: str | None, site: set[str]
) -> list[str]:
    names = [html.unescape(n) for n in _names(ld.get("author")) if n != publisher]
    if not names:
        raw = _first(meta.get("author"), meta.get("article:author"), meta.get("parsely-author"),
                     meta.get("sailthru.author"), meta.get("dc.creator"), meta.get("byl"))
        if raw and not is_http_url(raw):
            names = [raw]
    if not names:
        for el in tree.xpath('.//*[@rel="author" or @itemprop="author"]')[:3]:
            text = " ".join(el.text_content().split())
            if text and len(text) < 80:
                names.append(text)
    found: list[str] = []
    for name in names:
        for part in _AUTHOR_SPLIT.split(_BYLINE_TAIL.sub("", _BY_PREFIX.sub("", name))):
            part = _BY_PREFIX.sub("", part).strip(" .-–—\"'“”")
            if _is_person_name(part, site) and part not in found:
                found.append(part)
    return found or _trafilatura_authors(tree)


def _trafilatura_authors(tree: HtmlElement) -> list[str]:
    """trafilatura's author search (meta tags, JSON-LD, then bylines in the page), for
    pages where ours finds no person: it also names teams and brands ("Podium Staff"),
    which is how such pages sign their articles."""
    from trafilatura.metadata import examine_meta, extract_author, extract_meta_json

    try:
        found = examine_meta(tree)
        if found.author and " " not in found.author:
            found.author = None
        found = extract_meta_json(tree, found)
        author = found.author or extract_author(tree)
    except Exception:  # noqa: BLE001 - its parsers raise assorted errors on odd pages
        return []
    names = [" ".join(name.split()) for name in (author or "").split(";")]
    return [name for name in dict.fromkeys(names) if name and not is_http_url(name)]


def _is_person_name(part: str, site: set[str]) -> bool:
    """A plausible person's name: a few words, no digits, not a role or the site's desk.

    "CNN Business" names a desk of the site; a blogger whose name is the site's stays.
    """
    squashed = _squash(part)
    return (
        bool(squashed) and len(part.split()) <= 5 and not any(ch.isdigit() for ch in part)
        and not _NOT_A_PERSON.search(part)
        and not any(len(name) >= 3 and name in squashed and name != squashed for name in site)
    )


def _language(ld: dict, meta: dict[str, str], tree: HtmlElement, header: str | None) -> str | None:
    raw = _first(
        ld.get("inLanguage") if isinstance(ld.get("inLanguage"), str) else None,
        tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang"),
        meta.get("content-language"), meta.get("og:locale"), meta.get("language"), header,
    )
    if not raw:
        return None
    primary = re.split(r"[-_,;\s]", raw.strip())[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


# A valid HTML datetime value starts with the year ("2025-12-02"); "02-12-2025" could be
# either day or month first, so the page's first <time> that is not ambiguous is read.
_ISO_DATE = re.compile(r"\s*\d{4}-\d{2}-\d{2}")


def _page_date(tree: HtmlElement, attribute: str) -> datetime | None:
    for time_el in tree.xpath(f".//time[@datetime][@itemprop='{attribute}']") + [
        el for el in tree.xpath(".//time[@datetime]") if _ISO_DATE.match(el.get("datetime"))
    ][:1]:
        if found := parse_date(time_el.get("datetime")):
            return found
    return None


# The day a publisher's system filed the article under, in its URL: /2025/12/18/.
_URL_DAY = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?=/|$|[-_])")


def on_url_day(found: datetime | None, url: str | None) -> datetime | None:
    """The same instant in a zone where it falls on the day the URL files it under, when
    that day is one before or after the date as stated (a UTC time stamp of an evening
    article west of Greenwich): the day of publication is the publisher's own."""
    match = _URL_DAY.search(urlsplit(url or "").path)
    if found is None or match is None or found.utcoffset() != timedelta(0):
        return found
    try:
        url_day = date(*(int(part) for part in match.groups()))
    except ValueError:
        return found
    if abs((found.date() - url_day).days) != 1:
        return found
    for hours in sorted(range(-12, 15), key=abs):
        shifted = found.astimezone(timezone(timedelta(hours=hours)))
        if shifted.date() == url_day:
            return shifted
    return found


def _htmldate(tree: HtmlElement, url: str | None) -> datetime | None:
    """htmldate's search of the page, the last resort for a publication date."""
    from htmldate import find_date

    try:
        found = find_date(tree, url=url, original_date=True)
    except Exception:  # noqa: BLE001 - htmldate raises assorted errors on odd pages
        return None
    return parse_date(found)


def extract_metadata(tree: HtmlElement, url: str | None = None,
                     content_language: str | None = None) -> PageMetadata:
    ld = jsonld_article(tree) or {}
    meta = meta_tags(tree)
    publisher = _first(*_names(ld.get("publisher")), meta.get("og:site_name"),
                       meta.get("application-name"))
    names = site_names(meta, publisher, url)
    image = _first(_first_url(ld.get("image")), meta.get("og:image"),
                   meta.get("og:image:url"), meta.get("twitter:image"),
                   meta.get("twitter:image:src"))
    # schema.org's datePublished is ISO 8601; a template that prints a display date there
    # ("Jun 24, 2025") often prints the day of the build or of the last edit, so such a
    # value is the last resort, after the meta tags, the page and htmldate's search.
    ld_published = ld.get("datePublished")
    ld_is_iso = isinstance(ld_published, str) and _ISO_DATE.match(ld_published.strip(" \"'"))
    published = ((parse_date(ld_published) if ld_is_iso else None)
                 or parse_date(meta.get("article:published_time"))
                 or parse_date(_first(meta.get("og:published_time"), meta.get("pubdate"),
                                      meta.get("publishdate"), meta.get("date"),
                                      meta.get("parsely-pub-date"), meta.get("sailthru.date"),
                                      meta.get("dc.date.issued"), meta.get("dc.date"),
                                      meta.get("datepublished")))
                 or _page_date(tree, "datePublished"))
    updated = (parse_date(ld.get("dateModified"))
               or parse_date(_first(meta.get("article:modified_time"),
                                    meta.get("og:updated_time"), meta.get("datemodified"))))
    section = _first(*_text_list(ld.get("articleSection"))[:1], meta.get("article:section"),
                     meta.get("parsely-section"), meta.get("section"))
    keywords = (_text_list(ld.get("keywords")) or _text_list(meta.get("news_keywords"))
                or _text_list(meta.get("keywords"))
                or [m.get("content").strip() for m in tree.iterfind(".//meta[@property]")
                    if m.get("property") == "article:tag" and m.get("content")])
    free = ld.get("isAccessibleForFree")
    return PageMetadata(
        title=choose_title(ld, meta, tree, names),
        bylines=_bylines(ld, meta, tree, publisher, names),
        published=(on_url_day(published, url) or _htmldate(tree, url)
                   or parse_date(ld_published)),
        updated=updated,
        language=_language(ld, meta, tree, content_language),
        image=urljoin(url or "", image) if image else None,
        canonical_url=choose_canonical(ld, meta, tree, url),
        section=section,
        keywords=list(dict.fromkeys(keywords)),
        publisher=publisher,
        jsonld_body=_article_body(ld),
        accessible_for_free=(None if free is None else str(free).lower() not in ("false", "0")),
        page_heading=page_heading(tree) or None,
    )
