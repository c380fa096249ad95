"""The story engine: which articles share a story, its headline, its window and its memory."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsdesk.stories.engine import Doc, StoryIndex

FIXTURES = Path(__file__).parent / "fixtures"
START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
ARTICLES = json.loads((FIXTURES / "events.json").read_text(encoding="utf-8"))["articles"]


def doc(key: str, minutes: float = 0, language: str | None = "en") -> Doc:
    article = next(a for a in ARTICLES if a["key"] == key)
    return Doc(key=key, title=article["title"], text=article["text"],
               published=START + timedelta(minutes=minutes), language=language)


def event_keys(event: str) -> list[str]:
    return [a["key"] for a in ARTICLES if a["event"] == event]


def fed(index: StoryIndex, keys: list[str]) -> dict[str, int]:
    return {key: index.add(doc(key, minutes=10 * n)).story_id for n, key in enumerate(keys)}


def test_reports_of_one_event_by_different_publishers_share_one_story():
    stories = fed(StoryIndex(), event_keys("quake-a"))
    assert len(set(stories.values())) == 1


def test_look_alike_events_get_separate_stories():
    """Two earthquakes and two launches by one company share vocabulary, not names/numbers."""
    keys = [k for event in ("quake-a", "quake-b", "launch-a", "launch-b")
            for k in event_keys(event)]
    stories = fed(StoryIndex(), keys)
    for event in ("quake-a", "quake-b", "launch-a", "launch-b"):
        assert len({stories[k] for k in event_keys(event)}) == 1, event
    assert len(set(stories.values())) == 4


def test_first_article_opens_a_story_and_later_ones_join_it():
    index = StoryIndex()
    first, second = event_keys("launch-b")[:2]
    opened = index.add(doc(first))
    joined = index.add(doc(second, minutes=5))
    assert opened.is_new_story and not joined.is_new_story
    assert joined.story_id == opened.story_id


def test_adding_the_same_article_twice_changes_nothing():
    index = StoryIndex()
    first = index.add(doc("quake-a1"))
    again = index.add(doc("quake-a1"))
    assert again.story_id == first.story_id and not again.is_new_story
    assert len(index) == 1


def test_story_ids_come_from_the_callable_given():
    ids = iter([501, 502])
    index = StoryIndex(new_story_id=lambda: next(ids))
    assert index.add(doc("quake-a1")).story_id == 501
    assert index.add(doc("football-1", minutes=1)).story_id == 502


def test_articles_in_different_languages_form_separate_stories():
    index = StoryIndex()
    english = index.add(doc("quake-a1", language="en"))
    tagged_german = index.add(doc("quake-a2", minutes=5, language="de"))
    assert tagged_german.story_id != english.story_id
    assert index.add(doc("quake-a3", minutes=9, language="en-GB")).story_id == english.story_id


def test_representative_is_the_article_closest_to_the_centre_not_the_first_or_longest():
    """The first article is a brief, the longest one rambles; the headline is the central one."""
    index = StoryIndex()
    brief = Doc("brief", "Quake in Peru", "An earthquake was felt in southern Peru on Sunday.",
                START)
    central = doc("quake-a2", minutes=20)
    rambling_text = doc("quake-a1").text + "\n" + " ".join(
        f"Background paragraph {n} about the history of the Andes, mining exports, tourism "
        f"in the Colca canyon, condor watching and the old Spanish churches of the valley."
        for n in range(12))
    rambling = Doc("rambling", "Peru quake: the long read", rambling_text,
                   START + timedelta(minutes=30))
    for article in (brief, central, doc("quake-a3", minutes=40)):
        index.restore(article, story_id=7)
    index.restore(rambling, story_id=7)
    lengths = {"brief": len(brief.text), "quake-a2": len(central.text),
               "rambling": len(rambling.text)}
    assert max(lengths, key=lengths.get) == "rambling"
    assert index.members(7)[0] == "brief"
    assert index.representative(7) == "quake-a2"


def test_restore_rebuilds_stories_without_deciding_and_new_articles_join_them():
    index = StoryIndex()
    index.restore(doc("quake-b1"), story_id=42)
    index.restore(doc("football-1", minutes=1), story_id=42)  # stored decision, kept as is
    assert index.story_of("football-1") == 42
    joined = index.add(doc("quake-b2", minutes=10))
    assert joined.story_id == 42 and not joined.is_new_story
    opened = index.add(doc("launch-a1", minutes=20))
    assert opened.is_new_story and opened.story_id > 42


def test_two_stories_found_to_be_one_are_merged_into_the_larger():
    index = StoryIndex()
    index.restore(doc("quake-a1"), story_id=1)
    index.restore(doc("quake-a2", minutes=1), story_id=1)
    index.restore(doc("quake-a3", minutes=2), story_id=2)
    extra = Doc("quake-a4", "Peru quake toll stays at two as Chivay clears rubble",
                "Residents of Chivay in Peru's Arequipa region cleared rubble on Monday after "
                "Sunday's magnitude 6.1 earthquake, which killed two people and injured 14.\n"
                "Governor Lucia Quispe said rockslides still blocked the Colca valley road and "
                "that the geophysical institute had counted more than 20 aftershocks.\n"
                "Adobe houses collapsed across Chivay, 60 kilometres north of Arequipa.",
                START + timedelta(hours=2))
    result = index.add(extra)
    assert result.story_id == 1
    assert result.merged_story_ids == [2]
    assert index.story_of("quake-a3") == 1
    assert sorted(index.members(1)) == ["quake-a1", "quake-a2", "quake-a3", "quake-a4"]


def test_stories_idle_longer_than_the_window_are_closed():
    index = StoryIndex(window_hours=72)
    old = index.add(doc("quake-a1"))
    later = Doc("quake-a2-late", doc("quake-a2").title, doc("quake-a2").text,
                START + timedelta(days=5))
    result = index.add(later)
    assert result.is_new_story and result.story_id != old.story_id
    assert index.story_of("quake-a1") is None


def test_evict_older_than_frees_memory_and_reports_closed_stories():
    index = StoryIndex()
    fed(index, event_keys("quake-a") + event_keys("launch-a"))
    before = index.memory_bytes()
    closed = index.evict_older_than(START + timedelta(days=1))
    assert len(closed) == 2
    assert len(index) == 0
    assert index.memory_bytes() < before


def test_memory_is_bounded_by_max_docs():
    index = StoryIndex(max_docs=4)
    fed(index, [a["key"] for a in ARTICLES])
    assert len(index) <= 4
    assert index.memory_bytes() > 0


def test_the_story_being_joined_is_not_closed_by_the_memory_bound():
    index = StoryIndex(max_docs=2)
    story = fed(index, event_keys("quake-a"))["quake-a1"]
    assert index.story_of("quake-a3") == story
    assert index.evict_older_than(START + timedelta(days=1)) == [story]


def test_related_stories_are_found_by_content_across_time_not_by_shared_topic():
    """A closed earthquake story is related to a later one; a same-topic launch is not."""
    index = StoryIndex(window_hours=72)
    quake_a = fed(index, event_keys("quake-a"))["quake-a1"]
    followup = Doc("quake-a-followup", "Peru rebuilds Chivay a year after the earthquake",
                   "A year after a magnitude 6.1 earthquake killed two people in Chivay, in "
                   "Peru's Arequipa region, governor Lucia Quispe opened rebuilt adobe homes.\n"
                   "Rockslides in the Colca valley had cut the road for weeks after the quake.",
                   START + timedelta(days=365))
    later = index.add(followup).story_id
    for n, key in enumerate(event_keys("quake-b")):
        index.add(Doc(key, doc(key).title, doc(key).text,
                      START + timedelta(days=365, minutes=n + 1)))
    related = index.related(later, k=3)
    assert related[0][0] == quake_a
    assert index.story_of("quake-a1") is None  # the earlier story was closed, still related
    assert all(0 < score <= 1 for _, score in related)


def test_representative_of_an_unknown_story_says_which_story():
    with pytest.raises(KeyError, match="story 99"):
        StoryIndex().representative(99)


def test_invalid_window_is_refused_with_the_values_given():
    with pytest.raises(ValueError, match="window_hours"):
        StoryIndex(window_hours=0)


def late_report(minutes: float) -> Doc:
    """A follow-up on quake A that shares too little with the first reports to join them."""
    title, _, text = (FIXTURES / "late-report.txt").read_text(encoding="utf-8").partition("\n")
    return Doc("quake-a-late", title, text.strip(), START + timedelta(minutes=minutes), "en")


def fragmented_index() -> StoryIndex:
    """Quake A's first reports in story 1, the look-alike quake B in story 2, and a late
    report on quake A that the join model was not sure enough of: a story of its own."""
    index = StoryIndex()
    for n, key in enumerate(event_keys("quake-a")):
        index.restore(doc(key, minutes=n), story_id=1)
    for n, key in enumerate(event_keys("quake-b")):
        index.restore(doc(key, minutes=5 + n), story_id=2)
    index.restore(doc(event_keys("football")[0], minutes=9), story_id=4)
    assert index.add(late_report(minutes=30)).is_new_story
    return index


def test_a_settled_fragment_joins_the_story_it_belongs_to_not_its_look_alike():
    index = fragmented_index()
    fragment = index.story_of("quake-a-late")
    assert index.consolidate(START + timedelta(hours=2)) == [(1, [fragment])]
    assert index.story_of("quake-a-late") == 1
    assert sorted(index.members(2)) == sorted(event_keys("quake-b"))
    assert index.story_of(event_keys("football")[0]) == 4


def test_fragments_still_receiving_coverage_are_left_alone_until_they_settle():
    index = fragmented_index()
    fragment = index.story_of("quake-a-late")
    assert index.consolidate(START + timedelta(minutes=30)) == []  # news at that minute
    assert index.story_of("quake-a-late") == fragment
    assert index.consolidate(START + timedelta(hours=1)) == [(1, [fragment])]
    assert index.consolidate(START + timedelta(hours=2)) == []  # nothing changed since


def test_fragments_restored_after_a_restart_are_still_settled():
    """The consumer that stored them may have stopped before they settled."""
    index = StoryIndex()
    for n, key in enumerate(event_keys("quake-a")):
        index.restore(doc(key, minutes=n), story_id=1)
    index.restore(late_report(minutes=30), story_id=3)
    assert index.consolidate(START + timedelta(minutes=30)) == []
    assert index.consolidate(START + timedelta(hours=2)) == [(1, [3])]


def test_a_story_an_editor_split_off_is_never_folded_back():
    index = StoryIndex()
    for n, key in enumerate(event_keys("quake-a")[:2]):
        index.restore(doc(key, minutes=n), story_id=1)
    index.restore(late_report(minutes=30), story_id=3, kept_apart=True)
    index.add(doc(event_keys("quake-a")[2], minutes=40))  # its neighbour grows
    assert index.consolidate(START + timedelta(hours=3)) == []
    assert index.story_of("quake-a-late") == 3


def test_a_fold_made_elsewhere_is_followed_and_a_story_folded_into_a_closed_one_is_closed():
    index = StoryIndex()
    stories = fed(index, ["quake-a1", "quake-a2", "launch-a1", "quake-b1"])
    quake, launch, other_quake = stories["quake-a1"], stories["launch-a1"], stories["quake-b1"]
    assert len({quake, launch, other_quake}) == 3
    index.absorb(quake, launch)  # both open here: one story now
    assert index.story_of("quake-a1") == index.story_of("quake-a2") == launch
    assert set(index.members(launch)) == {"quake-a1", "quake-a2", "launch-a1"}
    index.absorb(quake, launch)  # followed twice: nothing changes
    assert set(index.members(launch)) == {"quake-a1", "quake-a2", "launch-a1"}
    index.absorb(other_quake, 999)  # its survivor is not open here: it is closed
    assert index.story_of("quake-b1") is None and index.members(other_quake) == []
    later = index.add(doc("quake-b2", minutes=60))
    assert later.story_id != other_quake  # nothing joins a story folded away
