"""core.text: the one normalising step for text from outside, and its terminal twin."""

from dataclasses import dataclass, field

import pytest
from hostile import FORBIDDEN, KEPT, LINE_BREAKS, LONE_SURROGATES, assert_clean, name_of

from newsdesk.core.text import clean_fields, clean_text, has_line_break, shown_escaped


@pytest.mark.parametrize("lines", [False, True], ids=["one line", "with lines"])
@pytest.mark.parametrize("character", FORBIDDEN, ids=name_of)
def test_every_forbidden_character_is_removed(character, lines):
    cleaned = clean_text(f"Harbour{character} reopens{character}", lines=lines)
    assert_clean(cleaned, lines=lines)
    assert cleaned.startswith("Harbour") and "reopens" in cleaned


@pytest.mark.parametrize("character", LONE_SURROGATES, ids=name_of)
def test_a_lone_surrogate_becomes_the_replacement_character(character):
    assert clean_text(f"a{character}b") == "a\ufffdb"


def test_a_surrogate_pair_is_joined_into_its_character():
    assert clean_text("wave \ud83d\udc4b") == "wave \U0001f44b"


@pytest.mark.parametrize("character", KEPT, ids=name_of)
def test_joiners_and_direction_marks_are_kept(character):
    text = f"\u0645\u06cc{character}\u062e\u0648\u0627\u0647\u0645"
    assert clean_text(text) == text


def test_an_emoji_sequence_with_joiners_survives():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean_text(f"A {family} story") == f"A {family} story"


@pytest.mark.parametrize("brk", LINE_BREAKS, ids=name_of)
def test_a_single_line_has_no_break_of_any_kind(brk):
    cleaned = clean_text(f"Title{brk}Bcc: victim@example.com\tX")
    assert cleaned == "Title Bcc: victim@example.com X"
    assert not has_line_break(cleaned)


@pytest.mark.parametrize("brk", LINE_BREAKS, ids=name_of)
def test_text_with_lines_keeps_every_break_as_a_newline(brk):
    assert clean_text(f"one{brk}two\tthree", lines=True) == "one\ntwo\tthree"


@pytest.mark.parametrize("character", FORBIDDEN + LINE_BREAKS + ["\t"], ids=name_of)
def test_a_terminal_is_shown_escapes_instead_of_the_character(character):
    shown = shown_escaped(f"Feed{character}title")
    assert character not in shown
    assert shown == f"Feed{character.encode('unicode_escape').decode()}title"


def test_shown_escaped_leaves_ordinary_text_alone():
    text = "Süddeutsche Zeitung \u200d \u05e9\u05dc\u05d5\u05dd"
    assert shown_escaped(text) == text


@dataclass
class Record:
    title: str
    body: str
    names: list[str] = field(default_factory=list)
    count: int = 0
    link: str | None = None


def test_clean_fields_cleans_every_text_field_of_a_record():
    record = Record("A\u202eB\nC", "one\r\ntwo\x1b", ["x\u200b", "\x07"], 3, None)
    assert clean_fields(record, lines=frozenset({"body"})) == {
        "title": "AB C",
        "body": "one\ntwo",
        "names": ["x"],  # a name left empty is dropped
    }
