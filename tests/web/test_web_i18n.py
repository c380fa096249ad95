"""The interface in English and German: translated strings, dates in the visitor's language."""

import re
from datetime import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from web_builders import make_article, make_story, page_html

import newsdesk

LOCALE = Path(newsdesk.__file__).parent / "locale"


@pytest.mark.django_db
def test_german_visitors_get_the_german_interface_and_dates(client, publishers):
    when = timezone.make_aware(datetime(2026, 3, 14, 9, 30))
    story = make_story(
        make_article(publishers["harbour"], "Bridge approved", published_at=when),
        first_seen_at=when,
    )

    html = page_html(client.get("/", headers={"Accept-Language": "de"}))
    story_html = page_html(client.get(story.get_absolute_url(), headers={"Accept-Language": "de"}))

    assert '<html lang="de">' in html
    assert "Zum Inhalt springen" in html and "Top-Meldungen" in html
    assert "Weiterlesen bei Harbour Herald" in story_html
    assert "14. März 2026" in html


@pytest.mark.django_db
def test_english_is_the_default(client, publishers):
    html = page_html(client.get("/", headers={"Accept-Language": "fr"}))

    assert '<html lang="en">' in html and "Skip to content" in html


def test_german_catalogue_is_complete_and_compiled():
    po = (LOCALE / "de" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    untranslated = re.findall(r'msgid "(.+)"\nmsgstr ""\n(?!")', po)
    fuzzy = re.findall(r"^#, .*fuzzy", po, re.M)

    assert untranslated == [] and fuzzy == []
    assert (LOCALE / "de" / "LC_MESSAGES" / "django.mo").exists()
