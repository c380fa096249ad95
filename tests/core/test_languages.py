"""The reader's story languages from Accept-Language: q >= 0.5, only languages stories have."""

import pytest

from newsdesk.core.languages import accepted_languages, primary_subtag

AVAILABLE = ["en", "de", "fr"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("de-DE,de;q=0.9,en;q=0.8", ["de", "en"]),
        ("en-GB,en;q=0.9,de;q=0.4", ["en"]),  # a weak fallback is not imposed
        ("fr;q=0.5,en;q=0.6", ["en", "fr"]),  # the header's preference order, 0.5 included
        ("es-ES,es;q=0.9", []),  # nothing we have: every language
        ("*", []),
        ("", []),
        (None, []),
        ("de-AT;q=0.7, DE;q=0.6", ["de"]),  # one language once, whatever its case
        ("en;q=abc,\x1b[31m;q=1,de", []),  # a malformed header asks for nothing: all
    ],
)
def test_accepted_languages_keep_the_readers_comfortable_languages_that_stories_have(
    header, expected
):
    assert accepted_languages(header, AVAILABLE) == expected


def test_the_result_never_holds_a_language_no_story_has():
    assert accepted_languages("pt-BR,pt;q=0.9,en;q=0.8", ["de"]) == []


@pytest.mark.parametrize(("tag", "code"), [("de-AT", "de"), ("zh_Hant", "zh"), ("*", ""),
                                            ("x", ""), ("1234", "")])
def test_primary_subtag(tag, code):
    assert primary_subtag(tag) == code
