"""The story's lead report (its headline): the most central full report, kept steady."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsdesk.simulator.content import REPORTS
from newsdesk.stories.engine import HEADLINE_MARGIN, Doc, StoryIndex

FIXTURES = Path(__file__).parent / "fixtures"
START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
EVENTS = {a["key"]: a for a in json.loads((FIXTURES / "events.json").read_text())["articles"]}
REACTIONS = json.loads((FIXTURES / "reactions.json").read_text())["articles"]


def doc(key: str, minutes: float) -> Doc:
    article = EVENTS[key]
    return Doc(key, article["title"], article["text"], START + timedelta(minutes=minutes))


def quake_story(minutes: dict[str, float]) -> StoryIndex:
    index = StoryIndex()
    for key, at in sorted(minutes.items(), key=lambda item: item[1]):
        index.restore(doc(key, at), story_id=7)
    return index


def simulator_report(slug: str, minutes: float, key: str | None = None) -> Doc:
    report = next(r for r in REPORTS if r.slug == slug)
    return Doc(key or slug, report.headline, "\n".join(report.paragraphs),
               START + timedelta(minutes=minutes))


WIRE = "magnitude-6-2-earthquake-strikes-northern-kaldoria"
SIDEBAR = "porthaven-families-wait-for-news-kaldoria-quake"


def test_the_report_others_copied_leads_rather_than_an_equally_central_sidebar():
    """The demo's quake story: a sidebar about families waiting for news shares the
    report's particulars, and came first here; the wire report that a blog copied leads."""
    index = StoryIndex()
    index.restore(simulator_report(SIDEBAR, 0), story_id=1)
    index.restore(simulator_report(WIRE, 10), story_id=1)
    index.restore(simulator_report(WIRE, 30, key="blog-copy"), story_id=1, copy_of=WIRE)
    assert index.representative(1) == WIRE


def test_the_earliest_of_the_equally_central_reports_leads():
    index = quake_story({"quake-a1": 20, "quake-a2": 40, "quake-a3": 0})
    assert index.representative(7) == "quake-a3"


def test_five_reaction_pieces_do_not_take_the_headline():
    index = quake_story({"quake-a1": 0, "quake-a2": 10, "quake-a3": 20})
    lead = index.representative(7)
    for n, article in enumerate(REACTIONS):
        index.restore(
            Doc(article["key"], article["title"], article["text"],
                START + timedelta(hours=2, minutes=10 * n)),
            story_id=7,
        )
    assert len(index.members(7)) == 8
    assert index.representative(7, current=lead) == lead
    assert index.representative(7) in {"quake-a1", "quake-a2", "quake-a3"}


def test_the_lead_changes_only_for_a_report_more_central_by_the_margin():
    index = quake_story({"quake-a1": 0, "quake-a2": 10, "quake-a3": 20})
    for n, article in enumerate(REACTIONS[:2]):
        index.restore(
            Doc(article["key"], article["title"], article["text"],
                START + timedelta(hours=2, minutes=10 * n)),
            story_id=7,
        )
    assert index.representative(7) == "quake-a1"
    # quake-a3 is about as central (it retells a1's facts): as the lead, it keeps its place
    assert index.representative(7, current="quake-a3") == "quake-a3"
    # a reaction piece far less central than the reports hands the lead back to them
    assert index.representative(7, current=REACTIONS[0]["key"]) == "quake-a1"
    assert HEADLINE_MARGIN > 0
