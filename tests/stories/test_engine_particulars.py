"""Rare particulars (names, streets, figures) decide where the models are unsure: reports
of one incident in different outlets' words join, look-alike incidents of one kind in
one town stay apart, one national story told in three framings is one story."""

import math
from datetime import UTC, datetime, timedelta

from dated_stream import stream

from newsdesk.stories.engine import Doc, EngineSettings, StoryIndex

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
STREETS = ("Cobble Row", "Tanner Street", "Wickham Road", "Ferris Lane", "Alder Court",
           "Brindle Way", "Saxon Drive", "Moss Avenue", "Pellow Street", "Garth Road",
           "Hollin Lane", "Dray Street")
VICTIMS = ("Amos Kettering", "Lena Voskuil", "Rafe Dunmore", "Ines Caldwright",
           "Otto Brannagh", "Nell Farrimond", "Cyrus Penhallow", "Edda Marchbank",
           "Silas Trevethan", "Wren Ashdown", "Jory Melland", "Tamsin Quayle")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")



def earlier_shootings_in_town() -> list[Doc]:
    """A dozen shootings in Harlow Mills over the weeks before (closed by now), one report
    each: the town, its police spokeswoman and its hospital are no longer rare."""
    docs = []
    for n, (street, victim) in enumerate(zip(STREETS, VICTIMS, strict=True)):
        when = START - timedelta(days=30 - 2 * n, hours=n)
        docs.append(Doc(
            f"earlier-{n}",
            f"Man, {20 + 3 * n}, shot on {street} in Harlow Mills",
            f"A {20 + 3 * n}-year-old was shot on {street} in Harlow Mills on "
            f"{WEEKDAYS[when.weekday()]}, police spokeswoman Dana Whitcombe said. "
            f"{victim} was taken to Corran Valley Hospital.",
            when,
        ))
    return docs


QUARRY_LANE = [
    Doc("quarry-courier", "Man, 34, shot on Quarry Lane in Harlow Mills",
        "A 34-year-old man was shot on Quarry Lane late Tuesday, Harlow Mills police said. "
        "Officers found Tobias Brennick near the 700 block shortly after 11 p.m.\n"
        "He was taken to Corran Valley Hospital, police spokeswoman Dana Whitcombe said.",
        START + timedelta(hours=15)),
    Doc("quarry-radio", "Brennick recovering after gunfire outside bakery",
        "Tobias Brennick is recovering after gunfire outside a bakery on Quarry Lane, "
        "spokeswoman Dana Whitcombe told us on Wednesday. Neighbours counted four shots; "
        "Brennick, 34, was hit in the arm.",
        START + timedelta(hours=22)),
]
FENWICK_ROAD = Doc(
    "fenwick-lone", "Woman, 27, shot on Fenwick Road in Harlow Mills",
    "A 27-year-old woman was shot on Fenwick Road late Thursday, Harlow Mills police said. "
    "Officers found Mara Oyelaran near the 1100 block shortly after 10 p.m.\n"
    "She was taken to Corran Valley Hospital, police spokeswoman Dana Whitcombe said.",
    START + timedelta(days=2, hours=14),
)


def test_two_outlets_reports_of_one_incident_join_by_its_particulars():
    """Different headlines and sentences; the victim, his age, the street and the day
    are what the two reports share."""
    stories = stream(StoryIndex(), earlier_shootings_in_town() + QUARRY_LANE)
    assert stories["quarry-courier"] == stories["quarry-radio"]
    assert stories["quarry-courier"] not in {stories[f"earlier-{n}"] for n in range(12)}


def test_a_lone_report_of_another_incident_in_the_same_town_stays_apart():
    """Same kind, same town, same spokeswoman and hospital, nearly the same sentences,
    two days later: a lone report whose victim, street and age are its own is not folded
    into the incident it looks like once it has settled."""
    stories = stream(StoryIndex(), earlier_shootings_in_town() + QUARRY_LANE + [FENWICK_ROAD])
    assert stories["fenwick-lone"] != stories["quarry-courier"]
    assert stories["quarry-courier"] == stories["quarry-radio"]

SAME_EVENING = Doc(
    "fenwick-evening", "Woman, 27, shot on Fenwick Road in Harlow Mills",
    "A 27-year-old woman was shot on Fenwick Road late last night, Harlow Mills police said. "
    "Mara Oyelaran was found near the 1100 block shortly after 10 p.m.\n"
    "She was taken to Corran Valley Hospital, police spokeswoman Dana Whitcombe said.",
    START + timedelta(hours=17),
)
SAME_STREET_LATER = Doc(
    "quarry-later", "Quarry Lane gunfire leaves woman wounded",
    "Mara Oyelaran, 27, was wounded by gunfire near the 1100 block of Quarry Lane on "
    "Thursday night, spokeswoman Dana Whitcombe said. Harlow Mills detectives have no suspect.",
    START + timedelta(days=2, hours=14),
)
# the rules of ``consolidate`` for unsure folds of coverage close in time, and for
# coverage a day or more apart, switched off
WITHOUT_TIME_RULES = EngineSettings(settle_unshared=0.0, settle_far_hours=math.inf)


def test_another_incident_in_the_same_town_the_same_evening_stays_apart():
    """Two hours after the Quarry Lane shooting, in one outlet's words: the town, the
    spokeswoman, the hospital and the sentences are shared, the victim, her age, the
    street and the block are not. The merge model is unsure (below 0.4); coverage at the
    same time is no reason to fold without a shared particular."""
    stories = stream(StoryIndex(), earlier_shootings_in_town() + QUARRY_LANE + [SAME_EVENING])
    assert stories["fenwick-evening"] != stories["quarry-courier"]
    assert stories["quarry-courier"] == stories["quarry-radio"]
    without = stream(StoryIndex(settings=WITHOUT_TIME_RULES),
                     earlier_shootings_in_town() + QUARRY_LANE + [SAME_EVENING])
    assert without["fenwick-evening"] == without["quarry-courier"]


def test_another_incident_on_the_same_street_two_days_later_stays_apart():
    """The same street (a rare particular both hold) two days later, with its own victim,
    age and block: coverage a day apart folds only if the merge model is sure."""
    docs = earlier_shootings_in_town() + QUARRY_LANE + [SAME_STREET_LATER]
    stories = stream(StoryIndex(), docs)
    assert stories["quarry-later"] != stories["quarry-courier"]
    assert stories["quarry-courier"] == stories["quarry-radio"]
    without = stream(StoryIndex(settings=WITHOUT_TIME_RULES), docs)
    assert without["quarry-later"] == without["quarry-courier"]


def test_a_late_report_naming_the_victim_joins_its_incident_the_same_evening():
    """Few words in common with the first report, but the victim's name, age and street:
    a report of the Quarry Lane shooting from a third outlet still joins it."""
    third = Doc("quarry-blotter", "Police log: Quarry Lane, 700 block",
                "Tobias Brennick (34) treated for a gunshot wound; Quarry Lane, 700 block.",
                START + timedelta(hours=19))
    stories = stream(StoryIndex(),
                     earlier_shootings_in_town() + QUARRY_LANE + [SAME_EVENING, third])
    assert stories["quarry-blotter"] == stories["quarry-courier"] == stories["quarry-radio"]
    assert stories["fenwick-evening"] != stories["quarry-courier"]


FARM_BILL = [
    Doc("farm-centre", "",
        "The Senate passed Ilse Marrow's $48 billion farm bill on Tuesday by a vote of 58 "
        "to 41, sending the measure to the House.", START + timedelta(hours=30)),
    Doc("farm-left", "",
        "Agribusiness giants won a $48 billion handout on Tuesday as Senator Ilse Marrow's "
        "bill cleared the chamber 58-41 over the objections of family growers.",
        START + timedelta(hours=33)),
    Doc("farm-right", "",
        "Growers will finally get relief from Washington red tape after senators backed "
        "Ilse Marrow's $48 billion plan 58-41 on Tuesday.", START + timedelta(hours=40)),
]
RAIL_BILL = Doc(
    "rail-centre", "",
    "The Senate rejected Ilse Marrow's $12 billion rail bill on Thursday by a vote of 44 "
    "to 55, a setback for the measure's backers in the House.",
    START + timedelta(hours=75),
)


def earlier_stories_of_the_senator() -> list[Doc]:
    """Ilse Marrow in the news every other day of the month before: a recurring figure."""
    topics = ("water rights", "a school funding formula", "broadband grants", "bridge repairs",
              "veterans' clinics", "a wildfire fund", "port security", "rural hospitals",
              "a tariff review", "the postal budget")
    return [Doc(f"marrow-{n}", "", f"Ilse Marrow, the senator, spoke on {topic} in the Senate on "
                f"{WEEKDAYS[n % 7]}, and the House is to take up the matter next month.",
                START - timedelta(days=32 - 3 * n)) for n, topic in enumerate(topics)]


def test_one_story_told_in_three_framings_is_one_story_and_the_next_vote_another():
    """Left, centre and right leads share the sum, the vote and the day, not their words;
    two days later the same senator's next bill is another story (she is in the news
    every week: her name alone tells nothing)."""
    stories = stream(StoryIndex(), [*earlier_stories_of_the_senator(), *FARM_BILL, RAIL_BILL])
    assert stories["farm-centre"] == stories["farm-left"] == stories["farm-right"]
    assert stories["rail-centre"] != stories["farm-centre"]


def test_an_outlets_formula_told_of_another_event_does_not_join_it():
    """One outlet's lead formula, word for word, about two spending plans a day apart:
    every word shared, every particular different."""
    formula = ("Clinics and classrooms lose under the ${sum} spending plan the Assembly "
               "adopted {vote} {day}, {who} warned.")
    first = Doc("plan-1", "", formula.format(sum="77 billion", vote="54-43", day="Tuesday",
                                             who="Bram Castell"), START)
    second = Doc("plan-2", "", formula.format(sum="82 million", vote="56-42",
                                              day="Wednesday", who="Orla Pennick"),
                 START + timedelta(hours=20))
    stories = stream(StoryIndex(), [first, second])
    assert stories["plan-1"] != stories["plan-2"]


def test_without_the_particulars_rule_the_next_vote_is_folded_into_the_first():
    """The same stream with the rule switched off: the merge model alone, sure of a
    fold two days apart, is what the test above pins down."""
    settings = EngineSettings(join_particulars=0.0, settle_apart_hours=math.inf)
    stories = stream(StoryIndex(settings=settings),
                     [*earlier_stories_of_the_senator(), *FARM_BILL, RAIL_BILL])
    assert stories["rail-centre"] == stories["farm-centre"]
