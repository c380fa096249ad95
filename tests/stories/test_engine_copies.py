"""Copy detection: republished articles are recognised, with the right original."""

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsdesk.stories.engine import Doc, StoryIndex

FIXTURES = Path(__file__).parent / "fixtures"
START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def page(name: str) -> tuple[str, str]:
    """(title, text) of a fixture: first line is the headline."""
    title, _, text = (FIXTURES / name).read_text(encoding="utf-8").partition("\n")
    return title, text


def article(key: str, name: str, minutes: float = 0, **extra) -> Doc:
    title, text = page(name)
    return Doc(key=key, title=title, text=text, published=START + timedelta(minutes=minutes),
               **extra)


def test_blog_copy_of_a_wire_article_with_its_own_boilerplate_is_a_copy_of_the_wire():
    """The pattern of the example page: new headline, cookie notice, newsletter box."""
    index = StoryIndex()
    wire = index.add(article("wire", "wire-article.txt"))
    blog = index.add(article("blog", "blog-copy.txt", minutes=45))
    assert blog.copy_of == "wire"
    assert blog.story_id == wire.story_id and not blog.is_new_story


def test_another_publishers_own_report_of_the_event_is_not_a_copy():
    index = StoryIndex()
    index.add(article("wire", "wire-article.txt"))
    own = index.add(article("own", "own-report.txt", minutes=30))
    assert own.copy_of is None


def test_copy_with_reordered_sentences_changed_words_and_new_headline_is_found():
    title, text = page("wire-article.txt")
    sentences = text.splitlines()
    rng = random.Random(5)
    rng.shuffle(sentences)
    words = "\n".join(sentences).split(" ")
    for position in rng.sample(range(len(words)), len(words) // 30):
        words[position] = "indeed"
    index = StoryIndex()
    index.add(Doc("wire", title, text, START))
    copy = index.add(Doc("reworked", "You won't believe what happened on the bridge",
                         " ".join(words) + "\nShare this post. Follow us for more.",
                         START + timedelta(hours=1)))
    assert copy.copy_of == "wire"


def test_original_is_the_earliest_version_when_nothing_is_linked():
    index = StoryIndex()
    index.add(article("wire", "wire-article.txt", minutes=0))
    index.add(article("blog", "blog-copy.txt", minutes=20))
    third = index.add(article("aggregator", "blog-copy.txt", minutes=40))
    assert third.copy_of == "wire"


def test_original_is_the_article_the_copy_links_to():
    """A fast copier reached us first; the later copy's link names the real original."""
    index = StoryIndex()
    index.add(article("early-copier", "blog-copy.txt", minutes=0,
                      url="https://copier.example/bridge"))
    index.add(article("wire", "wire-article.txt", minutes=10,
                      url="https://wire.example/bridge-reopens"))
    linked = index.add(article("reposter", "blog-copy.txt", minutes=30,
                               links=["https://wire.example/bridge-reopens"]))
    assert linked.copy_of == "wire"


def test_copies_are_not_counted_when_choosing_the_headline():
    index = StoryIndex()
    story = index.add(article("wire", "wire-article.txt")).story_id
    index.add(article("blog", "blog-copy.txt", minutes=5))
    index.add(article("own", "own-report.txt", minutes=10))
    assert index.representative(story) in {"wire", "own"}


def test_copies_in_another_language_tag_are_not_matched():
    index = StoryIndex()
    index.add(article("wire", "wire-article.txt", language="en"))
    other = index.add(article("blog", "blog-copy.txt", minutes=5, language="fr"))
    assert other.copy_of is None


def test_a_copy_that_arrives_first_is_recorded_as_the_copy_once_its_linked_original_comes():
    index = StoryIndex()
    early = index.add(article("copier", "blog-copy.txt", minutes=0,
                              url="https://copier.example/bridge",
                              links=["https://wire.example/bridge-reopens"]))
    assert early.copy_of is None  # nothing to copy yet
    wire = index.add(article("wire", "wire-article.txt", minutes=10,
                             url="https://wire.example/bridge-reopens"))
    assert wire.copy_of is None and wire.copies_found == ["copier"]
    assert wire.story_id == early.story_id
    assert index.copy_of("copier") == "wire"
    later = index.add(article("reposter", "blog-copy.txt", minutes=30))
    assert later.copy_of == "wire"  # the earliest match is a copy: its original is named


PROCESS = r"""
import json, sys
from newsdesk.stories import dedup
text = open(sys.argv[1], encoding="utf-8").read()
values = dedup.signature_values(text, 64, 20)
loaded = {"after_signature": type(sys.modules.get("scipy.integrate")).__name__}
detector = dedup.CopyDetector()
detector.add("original", detector.wrap(values))
loaded["copies"] = [key for key, _ in detector.copies_of(detector.wrap(values))]
loaded["after_index"] = type(sys.modules.get("scipy.integrate")).__name__
print(json.dumps(loaded))
"""


def test_a_process_that_only_makes_signatures_does_not_load_scipy_integrate():
    """The extraction workers make signatures and never an index: scipy.integrate (54 MB
    resident, which datasketch's LSH imports) waits until an index is made, and the index
    then works as before."""
    import json
    import subprocess
    import sys

    src = Path(__file__).resolve().parents[2] / "src"
    out = subprocess.run(
        [sys.executable, "-c", PROCESS, str(FIXTURES / "wire-article.txt")],
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, check=True, timeout=120,
    )
    loaded = json.loads(out.stdout)
    assert loaded["after_signature"] == "_IntegrateOnFirstUse"
    assert loaded["after_index"] == "module"  # the real one, loaded when the index needed it
    assert loaded["copies"] == ["original"]  # a signature was made, and an index found it
