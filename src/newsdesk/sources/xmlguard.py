"""Getting publisher XML ready for a parser, and refusing XML that attacks the parser.

Feeds, sitemaps and OPML files come from strangers. Before any of them reaches
feedparser or ElementTree we (1) decode the bytes with the charset the publisher
really used and hand the parser UTF-8 with a matching declaration, so that a
wrong or missing charset never turns into mojibake or a parse failure, and
(2) read the document type declaration with expat, stopping at the root
element, and refuse entity declarations that only attacks need: external
entities (XXE, reading local files or internal URLs), parameter entities,
entities that expand other entities (billion laughs) and long entity values
(quadratic blow-up). Harmless one-character entities such as
``<!ENTITY nbsp "&#160;">`` stay allowed: some real feeds declare them.
"""

import re
import xml.parsers.expat
from dataclasses import dataclass

from newsdesk.core.charset import declared_charset, decode_body

# A longer entity value serves no feed; it is how a quadratic blow-up starts.
MAX_ENTITY_VALUE_CHARS = 16
_ENTITY_REFERENCE = re.compile(r"&[A-Za-z_:][\w.:-]*;|%[A-Za-z_:][\w.:-]*;")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_WIDE_ENCODINGS = ("utf-16", "utf-32")
_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w:.-]*)")


class UnsafeXMLError(ValueError):
    """The document declares entities that are only used to attack parsers."""


@dataclass(frozen=True, slots=True)
class XMLHead:
    """What the start of a document says: its root element, if expat got that far."""

    root: str | None  # qualified name as written, e.g. "rss", "rdf:RDF", "feed", "html"
    error: str | None  # expat's complaint when the prolog or root tag is not well-formed


def decode_xml(body: bytes, content_type: str | None = None) -> str:
    """The document as text, whatever charset it was sent in.

    Valid UTF-8 that contains non-ASCII bytes is taken as UTF-8 even when the
    publisher declared Latin-1: the opposite mistake almost never yields valid
    UTF-8, while "declared ISO-8859-1, sent UTF-8" is the most common lie.
    """
    declared = declared_charset(body, content_type)
    if declared is None or not declared.startswith(_WIDE_ENCODINGS):
        try:
            return body.decode("utf-8").lstrip("\ufeff")
        except UnicodeDecodeError:
            pass
    return decode_body(body, content_type)


def utf8_xml(text: str) -> bytes:
    """text as UTF-8 bytes whose XML declaration (if any) says UTF-8."""
    return _XML_DECLARATION.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1).encode(
        "utf-8", "surrogatepass"
    )


class _RootReached(Exception):
    """Raised from the start-element handler: everything we check is before the root."""


def inspect_xml(data: bytes) -> XMLHead:
    """Check the document type declaration of UTF-8 data and name its root element.

    Raises UnsafeXMLError for the declarations described in the module docstring.
    Malformed XML is not an error here: the caller's parser reports it better.
    """
    parser = xml.parsers.expat.ParserCreate(encoding="utf-8")
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    root: list[str] = []

    def on_entity(name, is_parameter, value, base, system_id, public_id, notation):
        if is_parameter:
            raise UnsafeXMLError(f"declares a parameter entity %{name}; (refused)")
        if system_id or public_id:
            target = system_id or public_id
            raise UnsafeXMLError(
                f"declares an external entity &{name}; pointing at {target!r} "
                "(XXE; refused, nothing was read)"
            )
        if value is not None and _ENTITY_REFERENCE.search(value):
            raise UnsafeXMLError(
                f"declares entity &{name}; that expands other entities "
                "(billion-laughs attack; refused)"
            )
        if value is not None and len(value) > MAX_ENTITY_VALUE_CHARS:
            raise UnsafeXMLError(
                f"declares entity &{name}; of {len(value)} characters "
                "(entity blow-up attack; refused)"
            )

    def on_start(name, attributes):
        root.append(name)
        raise _RootReached

    parser.EntityDeclHandler = on_entity
    parser.StartElementHandler = on_start
    try:
        parser.Parse(data, True)
    except _RootReached:
        return XMLHead(root=root[0], error=None)
    except xml.parsers.expat.ExpatError as error:
        # Pages that are not XML (HTML with bare attributes) still have a first tag.
        guess = _FIRST_TAG.search(data, 0, 65536)
        return XMLHead(root=guess.group(1).decode("ascii") if guess else None, error=str(error))
    return XMLHead(root=None, error="no root element")
