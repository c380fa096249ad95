"""Visitor search text becomes a bounded query that cannot be malformed."""

import pytest

from newsdesk.web.search_query import MAX_CHARS, MAX_TERMS, parse_query


def test_words_phrases_exclusions_and_or_are_understood():
    query = parse_query('harbour "new bridge" -ferry council OR mayor')

    assert query.fts5() == '("harbour" AND "new bridge" AND ("council" OR "mayor")) NOT "ferry"'
    assert query.websearch() == 'harbour "new bridge" council OR mayor -ferry'


@pytest.mark.parametrize(
    "text",
    ['"unbalanced', 'a "b', "AND OR NOT", "NEAR(a b)", "'; DROP TABLE x; --", "*", "a:b", "(("],
)
def test_operators_and_punctuation_become_plain_quoted_words(text):
    rendered = parse_query(text).fts5()

    for fragment in rendered.replace("AND", " ").replace("NOT", " ").split('"')[::2]:
        assert set(fragment) <= set(" ()OR")


def test_long_text_is_shortened_and_says_so():
    query = parse_query("word " * 5000)

    assert query.shortened
    assert len(query.words()) == MAX_TERMS
    assert len(parse_query("x" * (MAX_CHARS + 50)).words()[0]) == MAX_CHARS


def test_only_exclusions_or_only_punctuation_is_an_empty_query():
    assert parse_query("-ferry -bridge").is_empty
    assert parse_query("!!! ??? ---").is_empty
    assert parse_query("").is_empty
