"""Characters a hostile publisher (or visitor) sends, for tests that must fail in general.

Tests parametrise over these lists rather than over one example, and check results with
assert_clean: what core.text promises about every text we store or write out.
"""

from dataclasses import fields, is_dataclass

import defusedxml.ElementTree

# Bidi embeddings, overrides and isolates, the zero-width space and the byte-order mark.
SPOOFING = [
    *(chr(code) for code in range(0x202A, 0x202F)),
    *(chr(code) for code in range(0x2066, 0x206A)),
    "\u200b",
    "\ufeff",
]
# C0 controls but tab, line feed and carriage return; DEL; C1 controls.
CONTROLS = [
    *(chr(code) for code in range(0x20) if code not in (0x09, 0x0A, 0x0D)),
    "\x7f",
    *(chr(code) for code in range(0x80, 0xA0)),
]
LONE_SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff"]
NONCHARACTERS = ["\ufffe", "\uffff", "\ufdd0", "\U0010ffff"]
FORBIDDEN = SPOOFING + CONTROLS + LONE_SURROGATES + NONCHARACTERS
# What a single line must not hold either (all that str.splitlines splits on, and tab).
LINE_BREAKS = ["\n", "\r", "\r\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
# Needed by Persian, Indic scripts, emoji, Hebrew and Arabic: kept.
KEPT = ["\u200c", "\u200d", "\u200e", "\u200f"]
# What a database can hold although it is forbidden: how rows stored before the
# normalising step look (PostgreSQL refuses NUL; no database stores lone surrogates).
STORABLE_FORBIDDEN = [c for c in SPOOFING + CONTROLS + NONCHARACTERS if c != "\x00"]


def name_of(character: str) -> str:
    """A readable test id: U+202E."""
    return "+".join(f"U+{ord(c):04X}" for c in character)


def assert_clean(value: str | None, *, lines: bool = False) -> None:
    """value holds nothing core.text.clean_text removes; one line unless lines."""
    if not value:
        return
    value.encode("utf-8")  # valid Unicode: no lone surrogate
    allowed = {"\n", "\t"} if lines else set()
    found = [c for c in value if (c in FORBIDDEN or c in "".join(LINE_BREAKS) + "\t")]
    found = [c for c in found if c not in allowed]
    assert not found, f"{[name_of(c) for c in found]} left in {value[:80]!r}"


def parse_xml_strictly(body: bytes):
    """The document's root element; raises unless body is well-formed XML 1.0 (expat)."""
    return defusedxml.ElementTree.fromstring(body)


def assert_record_clean(record, *, lines: frozenset[str] = frozenset()) -> None:
    """Every text field of a dataclass record, and of the records it holds, is clean;
    fields named in lines may keep their lines."""
    for field in fields(record):
        value = getattr(record, field.name)
        for item in value if isinstance(value, list | tuple) else [value]:
            if isinstance(item, str):
                assert_clean(item, lines=field.name in lines)
            elif is_dataclass(item):
                assert_record_clean(item, lines=lines)
