#!/usr/bin/env python3
"""Synthetic dated news streams of two hard kinds, for ``bench/clustering.py``.

Nothing here is copied from real articles: towns, streets, people, outlets and every
sentence are generated from the templates below.

- ``local``: many incidents of one kind of crime in a handful of invented towns, over
  months. Every report uses the same vocabulary (shot, police, victim, hospital), so
  only the particulars tell incidents apart: the town, the street and block, the
  victim's name and age, figures, the weekday and date. Several outlets report an
  incident, each in its own wording (its own headline and sentence templates, each
  with paraphrases; some name the victim, some give only an age; "34-year-old",
  "aged 34", "(34)"). Most incidents are reported once; a share is followed up days
  later (the victim named, an arrest), some past the 72-hour window; and a share has a
  near twin: another incident of the same kind in the same town a few days later,
  sometimes on the same street, with the same police spokesperson quoted (precision).
- ``framings``: national stories, each told in one lead paragraph by an outlet of the
  left, of the centre and of the right, in the framing and vocabulary of each
  ("giveaway to corporations", "tax relief for families", "a $48 billion tax bill"),
  sharing the particulars (who, where, the figures, the day). The same national
  figures recur across many stories, and stories of one kind (a vote, a ruling, a
  strike) come several a week.

Each kind has two template families: ``dev`` (for looking and tuning, with any
``seed``) and ``heldout`` (other headlines, sentences, synonyms, name syllables and
outlet styles), kept for evaluation only: a rule is kept only if it helps the
``heldout`` streams too.

    .venv/bin/python bench/clustering_streams.py local dev 0 > stream.jsonl

writes one article per line (id, title, text, date, cluster), as ``--data`` takes.
"""

import json
import random
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

START = datetime(2025, 3, 3, 6, 0, tzinfo=UTC)
ORDINALS = {1: "First", 2: "Second", 3: "Third", 4: "Fourth", 5: "Fifth", 6: "Sixth",
            7: "Seventh", 8: "Eighth", 9: "Ninth", 10: "Tenth"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
          "Nov.", "Dec.")
CHOICE_RE = re.compile(r"\{([^{}]*\|[^{}]*)\}")
FIELD_RE = re.compile(r"\{(\w+)\}")
FIRST_NAMES = (
    "James Maria Robert Linda Michael Angela David Teresa Jose Karen Marcus Denise Kevin "
    "Tamika Brian Rosa Anthony Keisha Luis Brenda Andre Monica Terrell Gloria Carlos Diane "
    "Jamal Yolanda Eric Latoya Victor Sandra Darius Crystal Hector Wanda Malik Irene"
).split()

# --------------------------------------------------------------------------- helpers


def expand(template: str, rng: random.Random, **values) -> str:
    """Fill ``{name}`` fields and pick one of ``{a|b|c}`` (paraphrase) at random."""
    text = FIELD_RE.sub(lambda m: str(values[m.group(1)]), template)
    while True:
        new = CHOICE_RE.sub(lambda m: rng.choice(m.group(1).split("|")), text)
        if new == text:
            return text.replace("..", ".")
        text = new


def invented_name(rng: random.Random, syllables: tuple[str, ...], parts: tuple[int, int]):
    word = "".join(rng.choice(syllables) for _ in range(rng.randint(*parts)))
    return word.capitalize()


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Family:
    """One template family: name syllables, and the templates of each outlet."""

    syllables: tuple[str, ...]
    town_suffixes: tuple[str, ...]
    street_suffixes: tuple[str, ...]
    outlets: tuple[dict, ...]
    kinds: tuple[dict, ...] = ()


# --------------------------------------------------------------------------- local crime
#
# Each outlet: headline templates, an opening sentence, detail sentences (some drawn),
# and how it writes ages, places and days. Fields: {town} {street} {block} {victim}
# {first} {age} {age_phrase} {day} {date} {time} {kind...} {spokes} {dept} {hospital}
# {count} {suspect} {sus_age} {vehicle} {amount}.

LOCAL_DEV = Family(
    syllables=("bar", "lin", "dor", "wick", "ham", "ton", "mer", "ley", "stan", "ford",
               "ash", "brook", "cal", "den", "fer", "gal", "hol", "kes", "mor", "rid"),
    town_suffixes=("ton", "field", "ville", "burg", " Falls", " Heights"),
    street_suffixes=("Street", "Avenue", "Road", "Lane", "Drive"),
    kinds=(
        {"noun": "shooting", "verb": "shot", "injury": "{gunshot wound|gunshot wounds}",
         "weapon": "a handgun", "count_noun": "shots"},
        {"noun": "stabbing", "verb": "stabbed", "injury": "{stab wounds|knife wounds}",
         "weapon": "a knife", "count_noun": "wounds"},
    ),
    outlets=(
        {"name": "Courier",
         "titles": ("{Man|Woman}, {age}, {verb} on {street} in {town}",
                    "{age}-year-old {verb} in {town} {kind_noun}",
                    "Police investigate {day} {kind_noun} on {street}"),
         "open": ("A {age}-year-old {person} was {verb} {on} {street} {late|early} {day}, "
                  "{town} police said.",
                  "{town} police are investigating after a {age}-year-old {person} was "
                  "{verb} {scene} {day} {time} on {street}."),
         "details": ("The {kind_noun} happened {scene}, {witnesses|neighbors} said.",
                     "Officers found {victim} near the {block} block of {street} "
                     "{shortly after|just before|around} {time}.",
                     "{victim_short} was taken to {hospital} {in stable condition|with "
                     "injuries not considered life-threatening|in critical condition}.",
                     "{spokes}, a {dept} spokes{person_s}, said {count} {count_noun} "
                     "were reported.",
                     "No arrests have been made, and police asked {witnesses|anyone with "
                     "information} to call the detective bureau.")},
        {"name": "TV",
         "titles": ("{Kind_noun} {scene} leaves {one|a} {person} {hurt|injured} in {town}",
                    "{town}: {person} {verb} near {street}",
                    "{Victim_short} hurt in {day} night {kind_noun}"),
         "open": ("{town} {officers|police} say {victim}, {age}, was {verb} {day} "
                  "{night|evening} in the {block} block of {street}.",
                  "A {person} was {hurt|wounded} in a {kind_noun} on {street} in {town} "
                  "on {day}, according to police."),
         "details": ("{Spokes} told reporters the {person} was conscious when {he_she} "
                     "arrived at {hospital}.",
                     "Neighbors reported hearing {count} {count_noun} around {time}.",
                     "Investigators believe the attack {scene} was not random.",
                     "Police have not released a description of a suspect.")},
        {"name": "Blotter",
         "titles": ("{Kind_noun}, {block} block {street}, {town}",
                    "{town} police log: {kind_noun} on {street} ({date})"),
         "open": ("{date}, {time}: {officers|patrol units} responded to the {block} block "
                  "of {street}, {town}, for a report of a {kind_noun}.",
                  "{town} PD responded {day} {date} at {time} to {street} "
                  "({block} block) for a {kind_noun}."),
         "details": ("Victim: {person}, {age}, transported to {hospital}.",
                     "Victim identified as {victim} ({age}).", "Location: {scene}.",
                     "{Count} {count_noun} reported. Suspect fled {on foot|in a "
                     "{vehicle}}.",
                     "Case remains open; contact {spokes} at the {dept}.")},
        {"name": "Gazette",
         "titles": ("{victim} {verb} in {town}; police seek suspect",
                    "{town} {person} {verb} {scene} on {street}"),
         "open": ("{victim}, a {age}-year-old {town} {resident|{person} from the neighborhood}, "
                  "was {verb} {day} after an argument on {street}, police said.",
                  "An argument on {street} ended with {victim} {verb}, {town} police "
                  "said {day}."),
         "details": ("The {kind_noun} happened {about|shortly after} {time} near the "
                     "{block} block, {spokes} said.",
                     "{victim_short}, {age}, was listed {in stable condition|in fair "
                     "condition} at {hospital}.",
                     "A suspect described as a man in his {twenties|thirties} fled in a "
                     "{vehicle}.",
                     "It was the {ordinal} {kind_noun} in {town} this {month|season}.")},
    ),
)

LOCAL_HELDOUT = Family(
    syllables=("qu", "orv", "ae", "zel", "pim", "tro", "ux", "van", "sk", "ol", "nir",
               "ebb", "yar", "cho", "lum", "ost", "wen", "ib", "rasp", "ty"),
    town_suffixes=("more", "stead", " Junction", " Springs", "port", " Crossing"),
    street_suffixes=("Boulevard", "Court", "Way", "Parkway", "Terrace"),
    kinds=(
        {"noun": "robbery", "verb": "robbed at gunpoint", "injury": "minor injuries",
         "weapon": "a pistol", "count_noun": "dollars"},
        {"noun": "assault", "verb": "beaten", "injury": "head injuries",
         "weapon": "a bat", "count_noun": "attackers"},
    ),
    outlets=(
        {"name": "Herald",
         "titles": ("{town} {person} {verb}; {dept} asks for tips",
                    "{Kind_noun} reported on {street}"),
         "open": ("Detectives in {town} are looking for whoever left {victim} with "
                  "{injury} on {street} {day} {night|afternoon}.",
                  "{victim}, {age}, suffered {injury} when {he_she} was {verb} near "
                  "{street}, {town} detectives said {day}."),
         "details": ("According to {spokes} of the {dept}, the call came in at {time} "
                     "from {scene}.",
                     "Paramedics took {victim_short} to {hospital}.",
                     "The {dept} said {count} {count_noun} were involved.",
                     "Anyone who saw something is urged to phone the tip line.")},
        {"name": "Radio",
         "titles": ("{Kind_noun} in {town}: {person} aged {age} hurt",
                    "{day} {kind_noun} near {street} under investigation"),
         "open": ("A {person} aged {age} was {verb} {on} {street} in {town} on {day}, "
                  "the {dept} reports.",
                  "We are hearing that a {person} was {verb} this {day} on {street}."),
         "details": ("The {dept}'s {spokes} says the {person} is expected to recover.",
                     "It happened {scene}.",
                     "The incident, near number {block}, was reported at {time}.",
                     "There is no word yet on arrests.",
                     "Witnesses described {count} {count_noun}.")},
        {"name": "Weekly",
         "titles": ("Another {kind_noun} rattles {town}", "{town} neighbors shaken by "
                    "{day} {kind_noun} on {street}"),
         "open": ("Residents of {street} in {town} say they are shaken after {victim}, "
                  "{age}, was {verb} outside a home on the street {day}.",
                  "{town} is reeling after the {kind_noun} of a {age}-year-old on "
                  "{street} late {day}."),
         "details": ("\"It could have been any of us,\" said a neighbor, who asked not to "
                     "be named.",
                     "Police spokesperson {spokes} confirmed the victim was treated at "
                     "{hospital}.",
                     "The {dept} said the attacker drove off in a {vehicle}.",
                     "Neighbors said the trouble started {scene}.",
                     "It is the {ordinal} such case in {town} since spring.")},
    ),
)

# what outlets add around any incident (context, appeals, statistics): words that
# reports of different incidents share and reports of one incident need not
FILLER = {
    "dev": (
        "The {dept} has recorded {stat} violent incidents in {town} so far this year.",
        "Community leaders plan a vigil for peace at the end of the month.",
        "Residents have asked the city council for more street lighting.",
        "The neighborhood association meets on the first Thursday of each month.",
        "A reward of up to ${reward} is offered for information leading to an arrest.",
        "Crime Stoppers accepts anonymous tips by phone and online.",
        "The mayor said last week that patrols would be stepped up over the summer.",
        "Violent crime in the county fell {stat2} percent last year, state figures show.",
        "The area has seen a string of car break-ins in recent weeks.",
        "Officers canvassed the block and collected evidence at the scene.",
        "Detectives are reviewing surveillance video from nearby businesses.",
        "Traffic was diverted for several hours while investigators worked.",
    ),
    "heldout": (
        "Statistics from the {dept} show {stat} similar calls since January.",
        "A candlelight gathering is being organised by local churches.",
        "Shop owners on the strip say foot traffic has dropped since the spring.",
        "A cash reward of ${reward} has been posted by a victims' fund.",
        "Councillors will debate the policing budget at their next session.",
        "Tips can be left anonymously through the department's app.",
        "Clearance rates for such cases remain below {stat2} percent statewide.",
        "Forensic teams stayed at the location until dawn.",
        "Several roads nearby were closed to traffic into the morning.",
        "Nearby schools briefly held students indoors as a precaution.",
    ),
}
HOSPITALS = ("Saint {n} Hospital", "{n} Memorial", "{n} General Hospital",
             "{n} Medical Center")
# what happened where: shared by an incident's reports, drawn from a long list so that
# incidents of one kind differ in their words as well as their particulars
SCENES = (
    "outside a convenience store", "in a laundromat parking lot", "at a bus stop",
    "during a dispute over a parking space", "at a birthday party", "outside a bar",
    "in the parking garage of an apartment complex", "near a playground",
    "after a traffic crash", "at a gas station", "behind a pizza restaurant",
    "on a basketball court", "outside a nightclub", "in a motel room",
    "at a car wash", "near a church", "in an alley behind a pharmacy",
    "outside a barbershop", "at a house party", "on the porch of a duplex",
    "inside a tattoo parlor", "near the train station", "in a grocery store lot",
    "outside a liquor store", "at a family cookout", "near a middle school",
    "in a pawn shop", "during a road rage argument", "at a hookah lounge",
    "outside a recording studio", "in a hotel lobby", "at a used car lot",
    "near a food truck", "outside a boxing gym", "at a tire shop",
)
VEHICLES = ("dark sedan", "white pickup", "silver SUV", "red hatchback", "gray van",
            "black coupe")


@dataclass
class Town:
    name: str
    streets: list[str]
    spokes: str
    dept: str
    hospital: str


def make_towns(rng: random.Random, family: Family, count: int) -> list[Town]:
    towns = []
    used = set()
    for _ in range(count):
        while (name := invented_name(rng, family.syllables, (1, 2))
               + rng.choice(family.town_suffixes)) in used:
            pass
        used.add(name)
        streets = [f"{invented_name(rng, family.syllables, (1, 2))} "
                   f"{rng.choice(family.street_suffixes)}" for _ in range(30)]
        streets += ["Main Street", "Oak Avenue", f"{ORDINALS[rng.randint(1, 10)]} Street"]
        spokes = f"{rng.choice(FIRST_NAMES)} {invented_name(rng, family.syllables, (2, 3))}"
        dept = rng.choice((f"{name} Police Department", f"{name} police",
                           f"{name} County Sheriff's Office"))
        hospital = rng.choice(HOSPITALS).format(n=invented_name(rng, family.syllables, (2, 2)))
        towns.append(Town(name, streets, spokes, dept, hospital))
    return towns


def make_person(rng: random.Random, family: Family) -> tuple[str, str, str]:
    first = rng.choice(FIRST_NAMES)
    female = first in FIRST_NAMES[1::2]
    last = invented_name(rng, family.syllables, (2, 3))
    return first, last, "woman" if female else "man"


def local_incident(rng, family: Family, town: Town, when: datetime, street=None) -> dict:
    first, last, person = make_person(rng, family)
    kind = rng.choice(family.kinds)
    hour = rng.choice((1, 2, 3, 9, 10, 11, 4, 5, 6, 7, 8))
    minute = rng.choice((0, 10, 15, 20, 30, 40, 45, 50))
    meridiem = "p.m." if hour >= 4 or rng.random() < 0.5 else "a.m."
    when = when.replace(hour=rng.randint(0, 23), minute=minute)
    return {
        "town": town.name, "street": street or rng.choice(town.streets),
        "block": rng.choice((1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 18, 21)) * 100,
        "victim": f"{first} {last}", "victim_short": last, "first": first,
        "age": rng.randint(16, 78), "person": person,
        "he_she": "she" if person == "woman" else "he",
        "person_s": rng.choice(("man", "woman")),
        "day": WEEKDAYS[when.weekday()],
        "date": f"{MONTHS[when.month - 1]} {when.day}",
        "time": f"{hour}:{minute:02d} {meridiem}",
        "kind_noun": kind["noun"], "verb": kind["verb"],
        "injury": kind["injury"], "count_noun": kind["count_noun"],
        "count": rng.randint(2, 9) if kind["count_noun"] != "dollars" else rng.randint(20, 900),
        "spokes": town.spokes, "dept": town.dept, "hospital": town.hospital,
        "vehicle": rng.choice(VEHICLES), "ordinal": rng.choice(("second", "third", "fourth")),
        "on": rng.choice(("on", "along", "near")), "scene": rng.choice(SCENES),
        "moment": when,
    }


def local_report(rng: random.Random, outlet: dict, incident: dict, follow_up: bool) -> tuple:
    values = {k: v for k, v in incident.items() if k != "moment"}
    values.update({k[:1].upper() + k[1:]: sentence_case(str(v)) for k, v in values.items()
                   if isinstance(v, (str, int))})
    title = expand(rng.choice(outlet["titles"]), rng, **values)
    opening = expand(rng.choice(outlet["open"]), rng, **values)
    details = list(outlet["details"])
    rng.shuffle(details)
    sentences = [opening] + [expand(d, rng, **values)
                             for d in details[: rng.randint(1, len(details))]]
    filler = FILLER[outlet["family"]]
    sentences += [expand(f, rng, stat=rng.randint(12, 240), stat2=rng.randint(2, 19),
                         reward=rng.choice((1000, 2500, 5000, 10000)), **values)
                  for f in rng.sample(filler, rng.randint(0, 3))]
    if follow_up:
        suspect = f"{rng.choice(FIRST_NAMES)} {incident['victim_short']}son"
        title = expand(rng.choice((
            "Arrest {made|announced} in {street} {kind_noun}",
            "{town} police charge suspect in {kind_noun} of {victim}",
            "Update: {victim_short} {kind_noun} suspect in custody")), rng, **values)
        sentences.insert(1, expand(
            "{town} police {said|announced} {they had arrested|they charged} "
            "{suspect}, {sus_age}, in the {date} {kind_noun} on {street}.", rng,
            suspect=suspect, sus_age=rng.randint(18, 50), **values))
    text = sentences[0] + ("\n" if rng.random() < 0.5 else " ") + " ".join(sentences[1:])
    return title, text


def local_stream(seed: int = 0, family: str = "dev", incidents: int = 1000,
                 days: int = 480, towns: int = 20) -> list[dict]:
    """Articles (id, title, text, date, cluster) of ``incidents`` local incidents."""
    rng = random.Random(f"local:{family}:{seed}")
    fam = LOCAL_DEV if family == "dev" else LOCAL_HELDOUT
    places = make_towns(rng, fam, towns)
    events = []
    for _ in range(incidents):
        moment = START + timedelta(days=rng.uniform(0, days))
        town = rng.choice(places)
        events.append(local_incident(rng, fam, town, moment))
        if rng.random() < 0.2:  # a near twin: same kind, same town, days later
            twin = local_incident(rng, fam, town, moment + timedelta(days=rng.uniform(0.3, 5)),
                                  street=events[-1]["street"] if rng.random() < 0.25 else None)
            twin["kind_noun"], twin["verb"] = events[-1]["kind_noun"], events[-1]["verb"]
            twin["injury"], twin["count_noun"] = events[-1]["injury"], events[-1]["count_noun"]
            events.append(twin)
    articles = []
    for number, incident in enumerate(events):
        reports = 1 if rng.random() < 0.55 else min(1 + int(rng.expovariate(1 / 1.6)) + 1, 6)
        outlets = [{**o, "family": family}
                   for o in rng.sample(fam.outlets, min(reports, len(fam.outlets)))]
        while len(outlets) < reports:
            outlets.append({**rng.choice(fam.outlets), "family": family})
        for n, outlet in enumerate(outlets):
            follow_up = n > 0 and rng.random() < 0.15
            delay = (timedelta(days=rng.uniform(1, 9)) if follow_up
                     else timedelta(hours=min(rng.expovariate(1 / 10), 60)))
            title, text = local_report(rng, outlet, incident, follow_up)
            articles.append({
                "id": f"{family}-{seed}-local-{len(articles)}",
                "title": title, "text": text,
                "date": (incident["moment"] + delay).strftime("%Y-%m-%d %H:%M:%S"),
                "cluster": f"incident-{number}",
            })
    return articles


# --------------------------------------------------------------------------- framings
#
# A story kind: the particulars drawn for it, and per framing the lead templates.
# Fields common to all: {actor} {actor_last} {title} {party} {rival} {rival_last}
# {place} {state} {day} {percent} {amount} {yes} {no} {count} {company}, and {newcomer}
# (someone in the news once: a judge, an appointee), beside the recurring figures.

FRAMINGS_DEV = (
    {"kind": "tax bill",
     "left": ("{Party} {lawmakers|senators} {rammed|pushed} through {actor_last}'s {amount} "
              "{giveaway to corporations|handout to the wealthy} on {day}, {yes} to {no}, "
              "as {rival} warned it would {gut|starve} schools in {state}.",
              "Working families in {state} will pay for {actor}'s {amount} tax plan, "
              "which {passed|cleared the chamber} {yes}-{no} {day} over the objections of "
              "{rival}."),
     "centre": ("The Senate {passed|approved} {actor}'s {amount} tax bill {day} by a vote "
                "of {yes} to {no}, sending the measure, which {rival} opposed, to the "
                "House.",
                "Lawmakers voted {yes}-{no} on {day} to approve a {amount} tax package "
                "written by {actor}, {a senator from|who represents} {state}."),
     "right": ("In a win for taxpayers, {actor} {steered|delivered} {amount} in tax relief "
               "for families through the Senate {day}, {yes}-{no}, despite {rival_last}'s "
               "{obstruction|stalling}.",
               "{state} families will keep more of their paychecks after the Senate "
               "backed {actor_last}'s {amount} relief plan {yes} to {no} on {day}.")},
    {"kind": "court ruling",
     "left": ("A {count}-page ruling by Judge {newcomer} on {day} {dealt a blow to|struck "
              "down} {rival_last}'s {assault on|crackdown on} voting rights in {state}.",
              "Voters in {state} {won|scored} a reprieve {day} when Judge {newcomer} blocked "
              "{rival}'s restrictive ballot law."),
     "centre": ("Judge {newcomer} on {day} blocked a {state} election law backed by {rival}, "
                "ruling in a {count}-page opinion that it {likely|probably} violates the "
                "constitution.",
                "A federal judge in {place} halted {state}'s new voting law {day}, a "
                "setback for {rival}, who signed it."),
     "right": ("An activist judge, {newcomer}, {overrode|threw out} {state} voters' election "
               "safeguards {day}, in a {count}-page ruling {rival_last} vowed to appeal.",
               "{rival} {blasted|slammed} Judge {newcomer_last} {day} after the judge in "
               "{place} {tossed|froze} {state}'s ballot integrity law.")},
    {"kind": "strike",
     "left": ("{count} {workers|nurses} at {company} in {place} walked off the job "
              "{day}, demanding {percent} percent raises from a company that {earned|"
              "booked} {amount} last year.",
              "Union members at {company} {took a stand|went on strike} {day} in "
              "{place}, {count} strong, for fair pay and safe staffing."),
     "centre": ("About {count} workers at {company} in {place}, {state}, began a strike "
                "{day} after talks on a {percent} percent raise broke down, the union "
                "said.",
                "A strike by {count} {company} employees {began|started} {day} in "
                "{place}, where the company and its union remain {percent} points apart "
                "on wages."),
     "right": ("Union bosses at {company} {pulled|ordered} {count} employees off the job "
               "in {place} {day}, leaving customers stranded over a {percent} percent pay "
               "demand.",
               "{company} customers in {place} face {disruption|delays} after {count} "
               "workers {struck|walked out} {day}, backed by {actor}.")},
    {"kind": "protest",
     "left": ("Thousands {marched|rallied} in {place} on {day} to {demand|call for} "
              "action from {rival}, with {actor} telling the crowd of {count} that "
              "{state} deserves better.",
              "{actor} joined {count} peaceful demonstrators in {place} {day} against "
              "{rival_last}'s {cuts|policies}."),
     "centre": ("About {count} people {protested|demonstrated} in {place}, {state}, on "
                "{day} against policies of {rival}; {actor} addressed the crowd.",
                "Police estimated {count} protesters in {place} {day}, where {actor} "
                "criticised {rival}."),
     "right": ("{Radical|Angry} protesters {clogged|blocked} {place} {day}, egged on by "
               "{actor}, in a {count}-strong show of {anger|disruption} aimed at {rival}.",
               "{place} businesses {boarded up|closed early} {day} as {actor} led {count} "
               "protesters against {rival_last}.")},
)

FRAMINGS_HELDOUT = (
    {"kind": "budget",
     "left": ("{actor}'s {amount} budget {slashes|guts} {percent} percent from {state} "
              "clinics, {rival} said {day} as the plan {cleared|passed} the House "
              "{yes}-{no}.",
              "Clinics and classrooms {lose|suffer} under the {amount} spending plan the "
              "House adopted {yes}-{no} {day}, {rival_last} warned."),
     "centre": ("The House {adopted|approved} a {amount} budget {day}, {yes} to {no}; "
                "{actor}, who wrote it, says it trims spending by {percent} percent.",
                "By {yes} votes to {no}, the House on {day} backed {actor_last}'s "
                "{amount} budget, which cuts {percent} percent of discretionary "
                "spending."),
     "right": ("{actor} {reined in|curbed} {runaway|bloated} spending {day}: the House "
               "passed {actor_last}'s {amount} budget {yes}-{no}, cutting {percent} "
               "percent.",
               "Fiscal sanity {returned|prevailed} {day} as the House backed a leaner "
               "{amount} budget from {actor}, {yes} to {no}.")},
    {"kind": "shutdown",
     "left": ("{company} {shuttered|closed} its {place} plant {day}, throwing {count} "
              "workers out while executives {pocketed|kept} {amount} in bonuses.",
              "Greed {cost|took} {count} jobs in {place} {day} as {company} closed its "
              "plant, {rival} said."),
     "centre": ("{company} will close its plant in {place}, {state}, cutting {count} "
                "jobs, the company said {day}, citing {amount} in losses.",
                "{count} jobs will go when {company} shuts its {place} factory, it "
                "announced {day}."),
     "right": ("{Heavy|Crushing} regulation {drove|forced} {company} to close its {place} "
               "plant {day}, {company} said, with {count} jobs lost and {amount} in "
               "losses.",
               "Blame {rival}'s rules for the {count} lost {place} jobs, {actor} said {day}"
               " after {company} closed shop.")},
    {"kind": "appointment",
     "left": ("{rival} {tapped|picked} {newcomer}, a {lobbyist|former industry lawyer}, to "
              "run the {state} {agency|office} {day}, {alarming|worrying} advocates.",
              "Advocates fear the worst after {newcomer} was named {day} to lead {state}'s "
              "regulators by {rival_last}."),
     "centre": ("{rival} on {day} named {newcomer} to lead the {state} regulatory office, "
                "which oversees {count} firms and a {amount} budget.",
                "{newcomer}, {rival_last}'s choice to lead {state}'s regulators, was "
                "announced {day}."),
     "right": ("{rival} chose a {seasoned|proven} hand {day}: {newcomer} will lead {state}'s "
               "regulators and their {amount} budget.",
               "{newcomer}, named {day} to head {state}'s regulators, {promises|vows} to cut "
               "red tape for {count} firms.")},
)

PARTIES = ("Republican", "Democratic")


def framings_stream(seed: int = 0, family: str = "dev", stories: int = 360,
                    days: int = 75) -> list[dict]:
    """Lead paragraphs (id, title '', text, date, cluster): each story by up to three
    outlets, one of each framing."""
    rng = random.Random(f"framings:{family}:{seed}")
    kinds = FRAMINGS_DEV if family == "dev" else FRAMINGS_HELDOUT
    syllables = (LOCAL_DEV if family == "dev" else LOCAL_HELDOUT).syllables
    figures = [f"{rng.choice(FIRST_NAMES)} {invented_name(rng, syllables, (2, 3))}"
               for _ in range(24)]
    states = [invented_name(rng, syllables, (2, 3)) for _ in range(10)]
    places = [invented_name(rng, syllables, (1, 2)) + rng.choice(("ton", " City", "ville"))
              for _ in range(25)]
    companies = [invented_name(rng, syllables, (2, 2)) + rng.choice((" Corp.", " Inc.",
                                                                     " Group")) for _ in range(12)]
    articles = []
    for number in range(stories):
        moment = START + timedelta(days=rng.uniform(0, days))
        kind = rng.choice(kinds)
        # the same figures recur: a small pool, chosen with a skew towards a few
        actor = figures[min(int(rng.expovariate(1 / 6)), len(figures) - 1)]
        rival = rng.choice([f for f in figures if f != actor])
        newcomer = f"{rng.choice(FIRST_NAMES)} {invented_name(rng, syllables, (2, 3))}"
        yes = rng.randint(51, 70)
        values = {
            "actor": actor, "actor_last": actor.split()[-1], "rival": rival,
            "rival_last": rival.split()[-1], "Party": rng.choice(PARTIES),
            "newcomer": newcomer, "newcomer_last": newcomer.split()[-1],
            "state": rng.choice(states), "place": rng.choice(places),
            "day": WEEKDAYS[moment.weekday()], "company": rng.choice(companies),
            "amount": f"${rng.randint(2, 95)} {rng.choice(('million', 'billion'))}",
            "percent": rng.randint(3, 24), "yes": yes, "no": 100 - yes - rng.randint(0, 3),
            "count": rng.choice((rng.randint(120, 990), rng.randint(1, 30) * 1000)),
        }
        for framing in ("left", "centre", "right"):
            if rng.random() < 0.06:
                continue  # not every outlet covers every story
            delay = timedelta(hours=min(rng.expovariate(1 / 8), 40))
            text = sentence_case(expand(rng.choice(kind[framing]), rng, **values))
            articles.append({
                "id": f"{family}-{seed}-framing-{len(articles)}", "title": "",
                "text": text, "date": (moment + delay).strftime("%Y-%m-%d %H:%M:%S"),
                "cluster": f"story-{number}",
            })
    return articles


STREAMS = {"local": local_stream, "framings": framings_stream}


def main() -> None:
    if len(sys.argv) != 4 or sys.argv[1] not in STREAMS or sys.argv[2] not in ("dev",
                                                                                "heldout"):
        sys.exit("usage: clustering_streams.py local|framings dev|heldout SEED "
                 "(writes JSON lines to stdout)")
    for article in STREAMS[sys.argv[1]](int(sys.argv[3]), sys.argv[2]):
        print(json.dumps(article))


if __name__ == "__main__":
    main()
