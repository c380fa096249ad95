"""A story whose reports share names and numbers, for the brief's tests (web, browser).

The texts are written for these tests: three made-up publishers on one made-up event.
"""

from web_builders import make_article, make_publisher, make_story

HARBOUR_TEXT = (
    "Porthaven council approved the Kestrel Bridge repair on Tuesday.\n"
    "The council voted 7 to 2 to spend 14 million crowns on new cables for the Kestrel Bridge. "
    "Mayor Anna Lind said work would begin in March and take about 18 months. "
    "Residents of the east bank have waited years for a decision like this one.\n"
    "Traffic will be diverted over the Saltmarsh ring road while the work goes on."
)
VALLEY_TEXT = (
    "Valley Voice readers reacted to the news from the coast this week.\n"
    "Porthaven will spend 14 million crowns repairing the Kestrel Bridge, after councillors "
    "voted 7 to 2 in favour. "
    "Anna Lind, the mayor, expects the work to start in March. "
    "The Saltmarsh ring road will take the traffic for 18 months, the council said."
)
NORTH_TEXT = (
    "Northgate commuters are unlikely to notice the repair at all, planners said today. "
    "The Kestrel Bridge carries 30,000 vehicles a day, most of them to the Porthaven docks. "
    "Mayor Anna Lind promised that the 14 million crowns would come from reserves."
)


def bridge_story(publishers, **fields_by_name):
    harbour_fields = {
        "excerpt": "Porthaven council approved the Kestrel Bridge repair on Tuesday.",
        **fields_by_name.get("harbour", {}),
    }
    harbour = make_article(
        publishers["harbour"], "Bridge repair approved", text=HARBOUR_TEXT, language="en",
        **harbour_fields,
    )
    valley = make_article(
        publishers["valley"], "Valley reacts", text=VALLEY_TEXT,
        excerpt="Valley Voice readers reacted to the news from the coast this week.",
        language="en", **fields_by_name.get("valley", {}),
    )
    north = make_article(
        make_publisher("Northgate Post", **fields_by_name.get("north_publisher", {})),
        "What the repair means", text=NORTH_TEXT, language="en",
        excerpt=NORTH_TEXT.split(". ")[0] + ".",
        **fields_by_name.get("north", {}),
    )
    return make_story(harbour, valley, north)
