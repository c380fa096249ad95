"""The window-free part of the engine's work, made apart (by extraction workers) and stored."""

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from newsdesk.stories.engine import Doc, EngineSettings, StoryIndex
from newsdesk.stories.prepare import FORMAT, Prepared, prepare

FIXTURES = Path(__file__).parent / "fixtures"
START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
ARTICLES = json.loads((FIXTURES / "events.json").read_text(encoding="utf-8"))["articles"]


def read(name):
    title, _, text = (FIXTURES / name).read_text(encoding="utf-8").partition("\n")
    return title, text


def stream() -> list[Doc]:
    """The look-alike events, then a wire report and its copy (fixtures written for us)."""
    docs = [
        Doc(key=a["key"], title=a["title"], text=a["text"],
            published=START + timedelta(minutes=10 * n), language="en")
        for n, a in enumerate(ARTICLES)
    ]
    for n, name in enumerate(("wire-article.txt", "blog-copy.txt", "own-report.txt")):
        title, text = read(name)
        docs.append(Doc(key=name, title=title, text=text,
                        published=START + timedelta(hours=3, minutes=30 * n), language="en"))
    return docs


def decisions(index: StoryIndex, docs: list[Doc]) -> list[tuple]:
    made = [index.add(doc) for doc in docs]
    return [(a.story_id, a.is_new_story, a.copy_of) for a in made]


def test_stored_form_reads_back_the_same():
    title, text = read("wire-article.txt")
    prepared = prepare(title, text)
    again = Prepared.from_bytes(prepared.to_bytes())
    assert again is not None and prepared.signature is not None
    assert (again.year, again.month, again.num_perm) == (
        prepared.year, prepared.month, prepared.num_perm
    )
    assert np.array_equal(again.signature, prepared.signature)
    for block, read_back in zip(prepared.terms, again.terms, strict=True):
        assert len(block.ids) > 0
        for mine, theirs in zip(block, read_back, strict=True):
            assert np.array_equal(mine, theirs)


def test_a_short_text_has_no_copy_signature_and_reads_back_without_one():
    prepared = prepare("Quake", "A strong earthquake shook Kaldoria on Monday.")
    assert prepared.signature is None
    again = Prepared.from_bytes(prepared.to_bytes())
    assert again is not None and again.signature is None
    assert again.terms[1].ids.tolist() == prepared.terms[1].ids.tolist()  # the names


def test_another_format_or_damaged_bytes_are_ignored():
    data = prepare(*read("own-report.txt")).to_bytes()
    assert Prepared.from_bytes(bytes([FORMAT + 1]) + data[1:]) is None
    assert Prepared.from_bytes(data[:-3]) is None
    assert Prepared.from_bytes(b"") is None and Prepared.from_bytes(None) is None


def test_the_engine_decides_the_same_from_prepared_articles():
    docs = stream()
    from_text = decisions(StoryIndex(), docs)
    stored = [
        dataclasses.replace(d, prepared=Prepared.from_bytes(prepare(d.title, d.text).to_bytes()))
        for d in docs
    ]
    assert decisions(StoryIndex(), stored) == from_text
    assert from_text[-2][2] == "wire-article.txt"  # the copy is found either way


def test_the_engine_reads_the_prepared_terms_not_the_text_again():
    """With the texts blanked out, the prepared terms alone still group and find copies."""
    docs = stream()
    from_text = decisions(StoryIndex(), docs)
    blank = [dataclasses.replace(d, text="", prepared=prepare(d.title, d.text)) for d in docs]
    assert decisions(StoryIndex(), blank) == from_text


def test_terms_prepared_for_another_signature_length_are_made_again():
    docs = stream()
    settings = EngineSettings(copy_num_perm=32)
    from_text = decisions(StoryIndex(settings=settings), docs)
    stored = [dataclasses.replace(d, prepared=prepare(d.title, d.text)) for d in docs]  # 64
    assert decisions(StoryIndex(settings=settings), stored) == from_text
    assert from_text[-2][2] == "wire-article.txt"
