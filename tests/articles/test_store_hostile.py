"""An extraction is cleaned where it is stored, and one page cannot rename its publisher."""

from datetime import UTC, datetime

import pytest
from hostile import FORBIDDEN, assert_clean, name_of

from newsdesk.articles.extract import Extraction
from newsdesk.articles.store import store_article
from newsdesk.sources.models import Entry, Publisher, Source

pytestmark = pytest.mark.django_db
PAGE = "https://harbour.example/2026/11/27/ferry"


@pytest.fixture
def entry():
    publisher = Publisher.for_domain("harbour.example", "Harbour feed")
    source = Source.objects.create(url="https://harbour.example/feed", publisher=publisher)
    return Entry.objects.create(
        source=source,
        key_hash=Entry.hash_key(f"link:{PAGE}"),
        link=PAGE,
        title="Ferry resumes",
        published_at=datetime(2026, 11, 27, 12, tzinfo=UTC),
    )


def extraction_with(c: str, **fields) -> Extraction:
    values = {
        "title": f"Ferry{c} resumes",
        "bylines": [f"Pat{c} Gull", c],
        "section": f"Trans{c}port",
        "keywords": [f"ferry{c}"],
        "language": f"en{c}",
        "canonical_url": f"{PAGE}{c}",
        "text": f"Crossings resume.{c}\nThe harbour{c} reopened at dawn.",
        "links": [f"https://other.example/a{c}"],
        **fields,
    }
    return Extraction(**values)


@pytest.mark.parametrize("character", FORBIDDEN, ids=name_of)
def test_an_extraction_with_any_character_is_stored_clean(entry, character):
    article = store_article(entry, extraction_with(character))
    article.refresh_from_db()
    for text in (article.title, article.section, article.language, article.url, *article.bylines,
                 *article.keywords, *article.links):
        assert_clean(text)
    assert_clean(article.text, lines=True)
    assert_clean(article.excerpt, lines=True)
    assert article.title.replace("\ufffd", "") == "Ferry resumes"  # a surrogate shows as U+FFFD


def test_one_page_declaring_another_outlets_name_does_not_rename_its_publisher(entry):
    """The issue's spoof: og:site_name of one page renamed its publisher at once."""
    from newsdesk.pipeline import store_and_hand_off

    Publisher.for_domain("valleycourier.example", "Valley Courier")
    store_and_hand_off(entry, extraction_with("", publisher="Valley Courier"))
    entry.source.publisher.refresh_from_db()
    assert entry.source.publisher.name == "Harbour feed"
    entry.refresh_from_db()
    assert entry.state == Entry.State.DONE


def test_storing_an_article_writes_article_rows_only(entry):
    """The entry's state and the publisher's name are the pipeline's hand-offs."""
    store_article(entry, extraction_with("", publisher="Harbour Daily"))
    entry.refresh_from_db()
    entry.source.publisher.refresh_from_db()
    assert entry.state == Entry.State.NEW
    assert entry.source.publisher.name == "Harbour feed"
