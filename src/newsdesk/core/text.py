"""Making text from outside safe to store and to write out: one normalising step.

Every publisher byte is hostile. Text that enters from a publisher (feed entries,
sitemaps, OPML, extracted pages) passes through clean_text once, where it enters, so
that what is stored is:

- valid Unicode: surrogate pairs are joined, a lone surrogate becomes U+FFFD (as
  browsers do), so no database or encoder refuses it;
- free of control characters (tabs and line breaks only where the text keeps lines),
  so no XML writer, terminal or mail header is broken by it;
- free of the characters that let a headline pose as something else: the bidi
  embeddings, overrides and isolates (U+202A-202E, U+2066-2069), the zero-width
  space U+200B and the byte-order mark U+FEFF. The joiners ZWJ/ZWNJ (U+200D, U+200C)
  and the marks LRM/RLM (U+200E, U+200F) stay: Persian, Indic scripts, emoji,
  Hebrew and Arabic need them, and they cannot reorder text around them.

Our writers (feeds, sitemaps, mail) pass what they write through the same function,
so that rows stored before it existed, and visitors' own input, cannot break them.
shown_escaped is its counterpart for a terminal: it shows what is there instead of
dropping it.
"""

import dataclasses
import re

# Line breaks of every kind (str.splitlines splits on all of these).
_BREAKS = re.compile("\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# Dropped everywhere: C0 controls but tab and the breaks above, DEL and C1 controls
# (NEL is a break), the spoofing characters, and the noncharacters (U+FFFE and
# U+FFFF are not even XML 1.0).
_DROPPED = re.compile(
    "[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f"
    "\u200b\u202a-\u202e\u2066-\u2069\ufeff\ufdd0-\ufdef\ufffe\uffff"
    "\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0004fffe\U0004ffff"
    "\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff\U0008fffe\U0008ffff"
    "\U0009fffe\U0009ffff\U000afffe\U000affff\U000bfffe\U000bffff\U000cfffe\U000cffff"
    "\U000dfffe\U000dffff\U000efffe\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACES = re.compile("[ \t]+")
# What a terminal must not be given raw: the dropped characters, breaks, tabs, surrogates.
_UNSHOWABLE = re.compile(f"{_DROPPED.pattern}|[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029\ud800-\udfff]")


def clean_text(value: str | None, *, lines: bool = False) -> str:
    """value made safe to store and write out (module docstring); "" for None.

    With lines=False (titles, names, addresses) the result is one line: breaks and
    tabs become spaces, runs of spaces one, and the ends are stripped. With lines=True
    (summaries, article text, HTML) breaks become "\\n" and tabs stay.
    """
    if not value:
        return ""
    if _SURROGATE.search(value):
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    value = _DROPPED.sub("", value)
    if lines:
        return _BREAKS.sub("\n", value)
    return _SPACES.sub(" ", _BREAKS.sub(" ", value)).strip()


def clean_fields(record, *, lines: frozenset[str] = frozenset()) -> dict[str, object]:
    """The text fields of a dataclass instance, cleaned: {name: value} for each str, or
    list of str, whose value cleaning changes. Fields named in lines keep their lines.

    Records of publisher text (a parsed entry, an extraction) are cleaned whole, so that
    a field added later is cleaned too.
    """
    changed = {}
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        keep_lines = field.name in lines
        if isinstance(value, str):
            cleaned = clean_text(value, lines=keep_lines)
        elif isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
            cleaned = type(value)(
                text for item in value if (text := clean_text(item, lines=keep_lines))
            )
        else:
            continue
        if cleaned != value:
            changed[field.name] = cleaned
    return changed


def clean_in_place(record, *, lines: frozenset[str] = frozenset()) -> None:
    """Clean a dataclass instance's text fields (clean_fields) on the instance itself;
    meant for __post_init__, so frozen records are cleaned too."""
    for name, value in clean_fields(record, lines=lines).items():
        object.__setattr__(record, name, value)


def has_line_break(value: str) -> bool:
    """Whether value holds a line break of any kind (all that str.splitlines splits on)."""
    return bool(_BREAKS.search(value))


def shown_escaped(value: str | None) -> str:
    """value for a terminal or a log line: what clean_text would drop, and line breaks,
    written as escapes (\\x1b, \\u202e, \\n) so that nothing is hidden and nothing acts."""
    if not value:
        return ""
    return _UNSHOWABLE.sub(lambda found: found.group().encode("unicode_escape").decode(), value)
