"""Every document our site writes out (feeds, sitemaps), and how a test reads one back.

Shared by the web tests and the fuzz suite: a writer must answer 200 with a document a
strict parser reads (XML 1.0 by expat, JSON as UTF-8), holding only clean text.
"""

import json

from django.urls import reverse
from hostile import assert_clean, parse_xml_strictly

WRITERS = [
    *((name, args, extension) for name, args in [
        ("web:front_feed", []),
        ("web:topic_feed", ["science"]),
        ("web:publisher_feed", ["harbour-herald"]),
        ("web:search_feed", []),
    ] for extension in ("atom", "rss", "json")),
    ("web:news_sitemap", [], None),
    ("web:sitemap", [], None),
    *(("web:sitemap_section", [section], None) for section in
      ("pages", "stories", "topics", "publishers")),
]  # fmt: skip


def writer_id(writer) -> str:
    name, args, extension = writer
    return "/".join([name.removeprefix("web:"), *args, *([extension] if extension else [])])


def writer_url(writer) -> str:
    name, args, extension = writer
    return reverse(name, args=[*args, extension] if extension else args)


def assert_document_clean(response) -> None:
    """The response parses strictly (XML 1.0, or JSON in UTF-8) and holds only clean text."""
    assert response.status_code == 200, response.content[:300]
    if response["Content-Type"].startswith("application/feed+json"):
        texts = list(_json_strings(json.loads(response.content.decode("utf-8"))))
    else:
        root = parse_xml_strictly(response.content)
        texts = [t for e in root.iter() for t in (e.text, e.tail, *e.attrib.values()) if t]
    assert texts
    for text in texts:
        assert_clean(text, lines=True)


def _json_strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)
    elif isinstance(value, str):
        yield value


