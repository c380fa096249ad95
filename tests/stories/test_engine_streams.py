"""The engine on a dated stream: reports of one event joined within the window by their
particulars and their closeness in time, look-alike events kept apart."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dated_stream import stream

from newsdesk.stories.engine import Doc, StoryIndex
from newsdesk.stories.join_model import JOIN_MODEL, MERGE_MODEL, time_gap_hours

FIXTURES = Path(__file__).parent / "fixtures"
START = datetime(2026, 5, 5, 22, 0, tzinfo=UTC)



def crime_reports(incidents: set[str]) -> list[tuple[str, Doc]]:
    articles = json.loads((FIXTURES / "local-crime.json").read_text())["articles"]
    return [
        (a["incident"], Doc(a["key"], a["title"], a["text"],
                            START + timedelta(hours=a["hour"])))
        for a in articles
        if a["incident"] in incidents
    ]


def test_reports_of_one_incident_join_by_its_particulars_and_other_incidents_stay_apart():
    """Three shootings in one town within two days, each told by outlets in their own
    words: the street, the victim, the ages and the day join them, the words every
    report of a shooting shares do not."""
    reports = crime_reports({"elm", "oak", "mill"})
    stories = stream(StoryIndex(), [doc for _, doc in reports])
    by_incident: dict[str, set[int]] = {}
    for incident, doc in reports:
        by_incident.setdefault(incident, set()).add(stories[doc.key])
    assert all(len(found) == 1 for found in by_incident.values()), by_incident
    assert len(set.union(*by_incident.values())) == 3  # incidents kept apart


def test_the_first_report_of_a_new_look_alike_event_keeps_its_own_story():
    """A second earthquake's first report arrives while the first quake's coverage still
    comes in: it is not folded into that look-alike before its own coverage grows."""
    events = json.loads((FIXTURES / "events.json").read_text())["articles"]
    hours = {"quake-a1": 0, "quake-a2": 1, "quake-a3": 5, "quake-b1": 4, "quake-b2": 7,
             "quake-b3": 9}
    docs = [Doc(a["key"], a["title"], a["text"], START + timedelta(hours=hours[a["key"]]))
            for a in events if a["key"] in hours]
    stories = stream(StoryIndex(), docs)
    assert stories["quake-a1"] == stories["quake-a2"] == stories["quake-a3"]
    assert stories["quake-b1"] == stories["quake-b2"] == stories["quake-b3"]
    assert stories["quake-a1"] != stories["quake-b1"]


def test_coverage_days_apart_needs_more_evidence_than_coverage_hours_apart():
    features = [1.0] + [0.5] * (len(JOIN_MODEL.coefficients) - 1)
    for model in (JOIN_MODEL, MERGE_MODEL):
        close = model.probability(features, gap_hours=1)
        apart = model.probability(features, gap_hours=48)
        assert apart < close < model.probability(features, gap_hours=0)


def test_a_date_without_a_time_of_day_stands_for_the_whole_day():
    midnight = datetime(2026, 5, 6, tzinfo=UTC).timestamp()
    evening = datetime(2026, 5, 6, 23, 0, tzinfo=UTC).timestamp()
    next_morning = datetime(2026, 5, 7, 1, 0, tzinfo=UTC).timestamp()
    assert time_gap_hours(midnight, midnight, evening, evening) == 0  # same day
    assert time_gap_hours(midnight, midnight, next_morning, next_morning) == 1
    assert time_gap_hours(evening, evening, next_morning, next_morning) == 2
