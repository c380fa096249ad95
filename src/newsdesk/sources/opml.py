"""Importing and exporting subscription lists as OPML (http://opml.org/spec2.opml).

Every feed reader exports its subscriptions as OPML, with folders as nested
outlines; here folders become topics: each feed carries the path of the folder
titles above it (["News", "Europe"]). Feed readers without folders put the path
in a category attribute ("/News/Europe"), which is read the same way.

The file comes from a user, so it is read with defusedxml (no entity tricks)
and every problem is reported with the line it is on. Export writes feeds back
in the same order and the same folders, so that parse_opml(export_opml(feeds))
gives feeds back unchanged.
"""

import xml.sax
import xml.sax.handler
from collections.abc import Iterable
from dataclasses import dataclass, field
from io import BytesIO
from xml.etree.ElementTree import Element, SubElement, indent, tostring

import defusedxml.sax
from defusedxml import DefusedXmlException

from newsdesk.core.text import clean_in_place, clean_text
from newsdesk.core.urls import is_http_url

from .xmlguard import decode_xml, utf8_xml

# An outline attribute label-NAME="value" labels the feed's publisher (sources.models).
LABEL_PREFIX = "label-"
# Attributes an outline may carry that still make it a plain folder.
FOLDER_ATTRIBUTES = frozenset({"text", "title", "category", "created", "isopen", "isclosed"})


class OpmlError(ValueError):
    """An OPML file could not be read; the message names the file and the line."""


@dataclass(slots=True)
class OpmlFeed:
    """One subscription from an OPML file."""

    title: str
    xml_url: str
    html_url: str | None = None
    topics: list[str] = field(default_factory=list)  # folder path, outermost first
    # The operator's free labels of the publisher (label-country="DE" -> {"country": "DE"}).
    labels: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        """An OPML file is someone else's text too: titles and topics are kept clean
        (core.text), on the way in and on the way out."""
        clean_in_place(self)


def parse_opml(body: bytes, name: str = "OPML file") -> list[OpmlFeed]:
    """The feeds an OPML file lists, in file order; name is used in error messages."""
    if not body or not body.strip():
        raise OpmlError(f"{name}: the file is empty; export the subscription list again")
    reader = _OutlineReader(name)
    try:
        defusedxml.sax.parse(
            BytesIO(utf8_xml(decode_xml(body))), reader, forbid_dtd=False, forbid_entities=True
        )
    except DefusedXmlException:
        raise OpmlError(
            f"{name} line {reader.line()}: declares XML entities, which are refused for "
            "safety; remove the DOCTYPE and its entities"
        ) from None
    except xml.sax.SAXParseException as error:
        raise OpmlError(
            f"{name} line {error.getLineNumber()}, column {error.getColumnNumber() + 1}: "
            f"not valid XML: {error.getMessage()}"
        ) from None
    if not reader.saw_body:
        raise OpmlError(f"{name}: no <body> element, so no subscriptions (is this an OPML file?)")
    return reader.feeds


@dataclass(slots=True)
class _Outline:
    line: int
    title: str
    is_feed: bool
    is_plain_folder: bool
    has_children: bool = False


class _OutlineReader(xml.sax.handler.ContentHandler):
    """SAX handler collecting feeds, with the line numbers that error messages need."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name
        self.locator = None
        self.feeds: list[OpmlFeed] = []
        self.stack: list[_Outline] = []
        self.depth = 0
        self.saw_body = False

    def setDocumentLocator(self, locator):
        self.locator = locator

    def line(self) -> int:
        return self.locator.getLineNumber() if self.locator else 0

    def fail(self, problem: str, line: int | None = None):
        raise OpmlError(f"{self.name} line {line or self.line()}: {problem}")

    def startElement(self, tag, attributes):
        self.depth += 1
        if self.depth == 1 and tag != "opml":
            self.fail(f"not an OPML file (the document is <{tag}>, expected <opml>)")
        if tag == "body":
            self.saw_body = True
        if tag != "outline":
            return
        if self.stack:
            self.stack[-1].has_children = True
        found = {key.lower(): value.strip() for key, value in attributes.items()}
        title = " ".join((found.get("text") or found.get("title") or "").split())
        xml_url = found.get("xmlurl", "")
        outline = _Outline(
            line=self.line(),
            title=title,
            is_feed=bool(xml_url),
            is_plain_folder=set(found) <= FOLDER_ATTRIBUTES,
        )
        self.stack.append(outline)
        if xml_url:
            self.add_feed(found, title, xml_url)

    def add_feed(self, found: dict[str, str], title: str, xml_url: str) -> None:
        label = f"outline {title!r}" if title else "outline"
        if not is_http_url(xml_url):
            self.fail(f"{label} has xmlUrl {xml_url!r}, which is not an http(s) address")
        html_url = found.get("htmlurl") or None
        if html_url and not is_http_url(html_url):
            html_url = None  # only a convenience link; a bad one is not worth refusing the file
        self.feeds.append(
            OpmlFeed(
                title=title or xml_url,
                xml_url=xml_url,
                html_url=html_url,
                topics=self.folder_path() or _category_path(found.get("category", "")),
                labels=_labels(found),
            )
        )

    def folder_path(self) -> list[str]:
        """Titles of the folder outlines enclosing the current one (feeds are not topics)."""
        return [o.title for o in self.stack[:-1] if not o.is_feed and o.title]

    def endElement(self, tag):
        self.depth -= 1
        if tag != "outline":
            return
        outline = self.stack.pop()
        if not outline.is_feed and not outline.has_children and not outline.is_plain_folder:
            label = f"outline {outline.title!r}" if outline.title else "outline"
            self.fail(
                f"{label} has no xmlUrl and no nested outlines, so it names no feed; "
                "add its feed address as xmlUrl or remove it",
                outline.line,
            )


def _labels(found: dict[str, str]) -> dict[str, str]:
    """The label-NAME attributes of an outline, as {name: value} (empty values dropped)."""
    labels = {}
    for key, value in found.items():
        name, value = clean_text(key.removeprefix(LABEL_PREFIX)), clean_text(value)
        if key.startswith(LABEL_PREFIX) and name and value:
            labels[name[:50]] = value[:100]
    return labels


def _category_path(category: str) -> list[str]:
    """The first path of a category attribute ("/News/Europe,/Sport") as a list."""
    first = category.split(",")[0]
    return [" ".join(part.split()) for part in first.split("/") if part.strip()]


def export_opml(feeds: Iterable[OpmlFeed], title: str) -> bytes:
    """An OPML 2.0 document listing feeds, each topic path as nested folders.

    Feeds stay in the order given; a folder is opened where its first feed comes
    and closed when a feed outside it follows.
    """
    root = Element("opml", version="2.0")
    head = SubElement(root, "head")
    SubElement(head, "title").text = title
    body = SubElement(root, "body")
    open_folders: list[tuple[str, Element]] = []
    for feed in feeds:
        shared = 0
        while (
            shared < min(len(open_folders), len(feed.topics))
            and open_folders[shared][0] == feed.topics[shared]
        ):
            shared += 1
        del open_folders[shared:]
        for topic in feed.topics[shared:]:
            parent = open_folders[-1][1] if open_folders else body
            open_folders.append((topic, SubElement(parent, "outline", text=topic, title=topic)))
        parent = open_folders[-1][1] if open_folders else body
        attributes = {
            "type": "rss",
            "text": feed.title,
            "title": feed.title,
            "xmlUrl": feed.xml_url,
        }
        if feed.html_url:
            attributes["htmlUrl"] = feed.html_url
        for name, value in sorted(feed.labels.items()):
            attributes[LABEL_PREFIX + name] = value
        SubElement(parent, "outline", attributes)
    indent(root)
    return tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
