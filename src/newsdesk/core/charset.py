"""Decoding fetched bytes to text with the charset the publisher really used.

Publishers often declare the wrong charset or none. Order of trust: a byte-order
mark, then the HTTP header, then the document's own declaration, and when the
declared charset cannot decode the bytes, charset-normalizer's detection.
"""

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# What browsers do: a page labelled Latin-1 is decoded as Windows-1252.
_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252"}


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        canonical = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    return _ALIASES.get(canonical, _ALIASES.get(name.strip().lower(), canonical))


def declared_charset(body: bytes, content_type: str | None = None) -> str | None:
    """The charset a BOM, the HTTP header or the document declares, if any is valid."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    if content_type:
        match = _HEADER_CHARSET.search(content_type)
        if match and (name := _known(match.group(1))):
            return name
    head = body[:4096]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        match = pattern.search(head)
        if match and (name := _known(match.group(1).decode("ascii", "ignore"))):
            return name
    return None


def decode_body(body: bytes, content_type: str | None = None) -> str:
    """Decode body to str, never raising: the declared charset if it fits, else detection."""
    if not body:
        return ""
    declared = declared_charset(body, content_type)
    candidates = [declared] if declared else []
    if declared not in ("utf-8", "utf_8"):
        candidates.append("utf-8")  # undeclared pages are most often UTF-8
    for name in candidates:
        try:
            text = body.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        return text.lstrip("\ufeff")
    # Detection needs material; on a short page Windows-1252 is the browsers' guess too.
    if len(body) >= 2048 and (encoding := _detect(body[:200_000])):
        return body.decode(encoding, errors="replace").lstrip("\ufeff")
    return body.decode("cp1252", errors="replace")


def _detect(body: bytes) -> str | None:
    """charset-normalizer's choice; among equally good ones, Windows-1252 (the web's default)."""
    matches = list(from_bytes(body))
    if not matches:
        return None
    best = matches[0]
    for match in matches:
        same = (match.chaos, match.coherence) == (best.chaos, best.coherence)
        if same and match.encoding == "cp1252":
            return "cp1252"
    return best.encoding
