"""What the fuzz suite feeds our doors: any text, and text weighted toward what breaks.

Arbitrary Unicode rarely hits the characters that matter, so hostile_text mixes runs of
any character (surrogates included) with the forbidden ones, line breaks, markup, entity
and character references, and the kept joiners and marks.
"""

from xml.sax.saxutils import escape

from hostile import FORBIDDEN, KEPT, LINE_BREAKS
from hypothesis import strategies as st

ANY_CHARACTER = st.characters(exclude_categories=())  # surrogates too
MARKUP = [
    "<", ">", "&", '"', "'", "]]>", "<br/>", "<p>", "</p>", "<b>", "&amp;", "&lt;br&gt;",
    "&#27;", "&#x1B;", "&#xD800;", "&#x202E;", "&#0;", "&#1114112;", "&nbsp;", "<!--", "-->",
    "<![CDATA[", "Bcc: victim@example.com", "=?utf-8?q?x?=", "%%ND-ADDRESS%%", " ", "\t",
]  # fmt: skip
PIECES = st.one_of(
    st.text(ANY_CHARACTER, max_size=6),
    st.sampled_from(FORBIDDEN + LINE_BREAKS + KEPT + MARKUP),
    st.sampled_from(["Harbour", "ferry", "Süddeutsche", "مرحبا", "שלום", "ἄλφα", "🙂"]),
)
hostile_text = st.lists(PIECES, max_size=12).map("".join)
# What a database holds: no lone surrogate, no NUL (PostgreSQL refuses both).
storable_text = hostile_text.map(
    lambda text: "".join(c for c in text if c != "\x00" and not "\ud800" <= c <= "\udfff")
)


def xml_text(text: str) -> str:
    """text for the inside of an XML element: escaped, and what XML or UTF-8 cannot hold
    written as a character reference (which makes the document not well-formed, as a
    careless publisher's would be)."""
    return "".join(
        c if _xml_char(c) else f"&#x{ord(c):X};" for c in escape(text, {'"': "&quot;"})
    )


def _xml_char(c: str) -> bool:
    code = ord(c)
    return c in "\t\n\r" or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code > 0xFFFF


@st.composite
def rss_documents(draw) -> bytes:
    items = "".join(
        f"<item><title>{xml_text(draw(hostile_text))}</title>"
        f"<link>https://harbour.example/{xml_text(draw(hostile_text))}</link>"
        f"<guid>{xml_text(draw(hostile_text))}</guid>"
        f"<author>{xml_text(draw(hostile_text))}</author>"
        f"<category>{xml_text(draw(hostile_text))}</category>"
        f"<description>{xml_text(draw(hostile_text))}</description></item>"
        for _ in range(draw(st.integers(0, 3)))
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{xml_text(draw(hostile_text))}</title><link>https://harbour.example/</link>"
        f"{items}</channel></rss>"
    ).encode()


@st.composite
def atom_documents(draw) -> bytes:
    kind = draw(st.sampled_from(["text", "html", "xhtml"]))
    entries = "".join(
        f"<entry><id>{xml_text(draw(hostile_text))}</id><updated>2026-11-27T12:00:00Z</updated>"
        f'<title type="{kind}">{xml_text(draw(hostile_text))}</title>'
        f'<link href="https://harbour.example/{xml_text(draw(hostile_text))}"/>'
        f"<author><name>{xml_text(draw(hostile_text))}</name></author>"
        f'<content type="html">{xml_text(draw(hostile_text))}</content></entry>'
        for _ in range(draw(st.integers(0, 3)))
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{xml_text(draw(hostile_text))}</title><id>https://harbour.example/</id>"
        f"<updated>2026-11-27T12:00:00Z</updated>{entries}</feed>"
    ).encode()


JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile_text
)
json_values = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(hostile_text, inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def json_feed_documents(draw) -> dict:
    def item():
        return {
            "id": draw(st.one_of(hostile_text, st.integers())),
            "url": "https://harbour.example/" + draw(hostile_text),
            "title": draw(hostile_text),
            "summary": draw(hostile_text),
            "content_html": draw(hostile_text),
            "content_text": draw(hostile_text),
            "authors": [{"name": draw(hostile_text)}],
            "tags": draw(st.lists(hostile_text, max_size=3)),
            "date_published": draw(hostile_text),
            draw(hostile_text): draw(json_values),
        }

    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": draw(hostile_text),
        "home_page_url": "https://harbour.example/",
        "items": [item() for _ in range(draw(st.integers(0, 3)))],
    }
