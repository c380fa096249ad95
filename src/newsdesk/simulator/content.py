"""The simulator's news: made-up events, each reported separately by several publishers.

Every word here was written for Newsdesk's publisher simulator. The places, people,
companies and events are invented (Northmere, Porthaven, Valdmark, Kaldoria, Belmira...),
so that nothing the demo shows can be mistaken for real news. Reports of one event differ
in angle, order and wording, as real coverage does, which is what story clustering must
cope with; the copy blog (see COPIES) republishes wire reports word for word, which is what
deduplication must catch.

`offset_s` is when a report is released, in seconds after the simulator starts: zero or
negative means it was already published before the start, positive means it appears later
(divided by the simulator's speed factor).
"""

from dataclasses import dataclass

TOPICS = ("World", "Politics", "Business", "Science", "Technology", "Sport")


@dataclass(frozen=True)
class Report:
    """One publisher's own article about one event."""

    publisher: str
    event: str
    slug: str
    topic: str
    offset_s: int
    byline: str
    headline: str
    summary: str
    text: str
    language: str = "en"

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(" ".join(p.split()) for p in self.text.strip().split("\n\n") if p.strip())


@dataclass(frozen=True)
class Copy:
    """A republication of another publisher's report, word for word, on the copy blog."""

    publisher: str
    original_publisher: str
    original_slug: str
    offset_s: int
    byline: str


REPORTS: tuple[Report, ...] = (
    # --- Event: the Kestrel Bridge closure -------------------------------------------------
    Report(
        publisher="harbour-herald",
        event="kestrel-bridge",
        slug="kestrel-bridge-shut-three-weeks-corroded-cables",
        topic="Business",
        offset_s=-5400,
        byline="Maggie Tull",
        headline=(
            "Kestrel Bridge shut for at least three weeks after inspectors find corroded "
            "cables"
        ),
        summary=(
            "The city's busiest crossing closed at six this morning, and the council says "
            "drivers should plan for a long detour."
        ),
        text="""
Porthaven's Kestrel Bridge will stay closed to all traffic for at least three weeks after a
routine inspection found corrosion inside two of the steel cables that hold up its eastern
span, the city council said on Thursday.

Barriers went up at both ends of the crossing at six in the morning, catching out hundreds of
commuters who queued on Harbour Road before being turned back by council staff in orange
jackets. Around 38,000 vehicles use the bridge on a normal weekday.

"We did not take this decision lightly," said Ellen Marsh, the council's director of
infrastructure. "The engineers told us the bridge is not about to fall down, but they could
not tell us how much load the damaged cables can safely carry. Until they can, nobody drives
over it."

Drivers heading for the east bank face a detour of about eleven kilometres through the
Saltmarsh interchange. The council has asked the Aske Ferry Company to run extra crossings
every fifteen minutes at peak times, and buses on route 4 will use the old swing bridge at
Fennick Lane.

Traders on Quay Street, who rely on passing trade from the east bank, said they feared a quiet
December. "Three weeks is the whole run-up to Christmas," said Priya Castell, who runs a
bakery a hundred metres from the bridge.
""",
    ),
    Report(
        publisher="meridian-wire",
        event="kestrel-bridge",
        slug="porthaven-closes-kestrel-bridge-cable-corrosion",
        topic="Business",
        offset_s=-4800,
        byline="Tomas Greer",
        headline="Porthaven closes Kestrel Bridge over cable corrosion, diverting port freight",
        summary=(
            "Northmere's second port loses its main road link to the container terminal "
            "while engineers assess damaged suspension cables."
        ),
        text="""
PORTHAVEN, Northmere (Meridian Wire) - Authorities in Porthaven closed the Kestrel Bridge on
Thursday after engineers found corroded suspension cables, cutting the most direct road route
between the city centre and the container terminal that handles a fifth of Northmere's sea
freight.

The city council said the crossing would remain shut for a minimum of three weeks while
specialists drill into the cable anchorages to measure how far the corrosion has spread. It
gave no estimate for the cost of repairs.

The Porthaven Port Authority said lorries serving the east bank terminal had been sent to the
Saltmarsh ring road, adding roughly twenty minutes to each trip. "Cargo is moving and the
terminal is working normally, but hauliers should expect slower turnarounds," a spokesman for
the authority said.

The 1971 bridge was last strengthened in 2009. A national review of ageing road bridges
published in March listed it among eleven structures needing "priority attention" before the
end of the decade.

Shares in Aske Logistics, the largest haulier at the terminal, fell 2.4 percent in afternoon
trading.
""",
    ),
    Report(
        publisher="northgate-post",
        event="kestrel-bridge",
        slug="commuter-chaos-porthaven-bridge-closes-without-warning",
        topic="Business",
        offset_s=300,
        byline="Dev Anand",
        headline="Commuter chaos looms as Porthaven's main bridge closes without warning",
        summary=(
            "Angry drivers say they found out from a roadside barrier. The council says "
            "safety had to come first."
        ),
        text="""
Thousands of drivers in Porthaven were left fuming on Thursday after the city's main bridge
was closed with barely an hour's notice, turning a ten-minute commute into a crawl across the
other side of the city.

Council officials shut the Kestrel Bridge at dawn after inspectors discovered rust eating into
the cables that support it. They say it could be weeks before anyone is allowed across again.

"I saw it on a sign at the lights. No text, no email, nothing," said delivery driver Marcus
Obi, 41, who spent an hour and a half reaching a job on the east bank. "If it's that bad, how
long have they known?"

The council insists it acted the moment the results came in. A spokeswoman said the findings
were handed over late on Wednesday evening and the decision to close was taken "within hours".

Opposition councillor Ruth Penhale said she would demand an inquiry into why earlier
inspections missed the damage. "Families deserve to know whether they have been driving over
a bridge that wasn't safe," she said.

Extra ferry sailings and bus diversions start on Friday.
""",
    ),
    # --- Event: the Valdmark regional election ---------------------------------------------
    Report(
        publisher="meridian-wire",
        event="valdmark-election",
        slug="green-liberal-alliance-wins-valdmark-election",
        topic="Politics",
        offset_s=-7000,
        byline="Hanna Roos",
        headline=(
            "Green-Liberal alliance wins Valdmark election, ending 16 years of Conservative "
            "rule"
        ),
        summary=(
            "Ilse Varga's alliance takes 41 seats in the 80-seat regional assembly on the "
            "highest turnout since 1994."
        ),
        text="""
ESKEBY, Northmere (Meridian Wire) - A Green-Liberal alliance led by former mayor Ilse Varga
won an outright majority in Valdmark's regional election on Sunday, ending sixteen years of
Conservative government in Northmere's largest province.

Final results published by the regional returning office on Monday gave the alliance 41 of the
assembly's 80 seats, up from 27. The Conservatives under outgoing premier Karl Bredsten fell
to 24 seats, their worst result since the province was created.

Turnout reached 71.8 percent, the highest since 1994. Analysts attributed the swing to anger
over housing costs in the provincial capital, Eskeby, and to a long-running dispute over
plans to expand the Valdmark lignite mine.

Varga, 52, told supporters she would form a government within two weeks and that her first
bill would freeze rents on publicly owned housing for two years. "Valdmark voted for change
and it will get change," she said.

Bredsten conceded defeat shortly after midnight and said he would step down as party leader.
""",
    ),
    Report(
        publisher="northgate-post",
        event="valdmark-election",
        slug="ilse-varga-valdmark-premier-landslide",
        topic="Politics",
        offset_s=-6000,
        byline="Sophie Lindqvist",
        headline=(
            "Ilse Varga set to become Valdmark premier after landslide that stunned the "
            "Conservatives"
        ),
        summary=(
            "From town hall to the premier's office in four years: who is the woman who "
            "broke Valdmark's Conservative stronghold?"
        ),
        text="""
Four years ago Ilse Varga was the mayor of a mid-sized town that most Northmerians could not
find on a map. On Monday she woke up as the premier-in-waiting of the country's biggest
province.

Her Green-Liberal alliance tore through seats the Conservatives had held for a generation,
winning 41 of 80 and leaving outgoing premier Karl Bredsten to announce his resignation in a
half-empty conference hall in Eskeby.

Nearly seven in ten voters turned out, and exit polls suggested young renters and first-time
voters broke heavily for the alliance. Rents in Eskeby have risen by almost a third since 2021.

Not everyone is celebrating. Mining unions warned that Varga's promise to stop the expansion of
the lignite pit could cost up to 1,200 jobs. "We will be at her door on day one," said Jonas
Ekholm of the Valdmark Miners' Association.

National politicians were quick to read the result as a warning. Prime Minister Aldous Crane's
office said only that he "respects the choice of Valdmark's voters".
""",
    ),
    Report(
        publisher="rheinblick",
        event="valdmark-election",
        slug="machtwechsel-valdmark-gruen-liberales-buendnis",
        topic="Politics",
        offset_s=400,
        byline="Katrin Wellmann",
        headline="Machtwechsel in Valdmark: Grün-liberales Bündnis gewinnt Regionalwahl",
        summary=(
            "Nach sechzehn Jahren verlieren die Konservativen die Mehrheit in Northmeres "
            "größter Provinz. Künftige Regierungschefin wird Ilse Varga."
        ),
        language="de",
        text="""
In der northmerischen Provinz Valdmark hat ein grün-liberales Bündnis die Regionalwahl klar
gewonnen. Nach dem amtlichen Endergebnis kommt die Allianz der früheren Bürgermeisterin Ilse
Varga auf 41 der 80 Sitze im Regionalparlament und kann damit allein regieren.

Die Konservativen, die Valdmark seit sechzehn Jahren geführt hatten, stürzten auf 24 Sitze ab.
Ministerpräsident Karl Bredsten räumte die Niederlage noch in der Wahlnacht ein und kündigte
seinen Rücktritt vom Parteivorsitz an.

Beobachter führen den Erdrutsch vor allem auf die stark gestiegenen Mieten in der
Provinzhauptstadt Eskeby zurück. Auch der Streit um die Erweiterung des Braunkohletagebaus hat
nach Einschätzung von Wahlforschern viele Stimmen gekostet. Die Wahlbeteiligung lag bei knapp
72 Prozent.

Varga will binnen zwei Wochen eine Regierung bilden. Als erstes Gesetz kündigte sie einen
zweijährigen Mietenstopp für Wohnungen in öffentlicher Hand an. Die Bergbaugewerkschaft
warnte dagegen vor dem Verlust von Arbeitsplätzen, falls der Tagebau nicht erweitert wird.
""",
    ),
    # --- Event: Storm Orla -------------------------------------------------------------------
    Report(
        publisher="harbour-herald",
        event="storm-orla",
        slug="storm-orla-leaves-homes-without-power",
        topic="World",
        offset_s=-3600,
        byline="Owen Petrakis",
        headline="Storm Orla leaves 40,000 homes without power as gusts hit 130 km/h",
        summary=(
            "Fallen trees blocked roads across the west and engineers warn some villages may "
            "not be reconnected until the weekend."
        ),
        text="""
About 40,000 homes across western Northmere were without electricity on Friday morning after
Storm Orla brought gusts of up to 130 kilometres an hour to the coast overnight.

West Coast Power said crews had restored supply to more than half of the 95,000 customers cut
off at the height of the storm, but warned that villages on the Brennock peninsula could wait
until Sunday because fallen trees were still blocking access roads.

In Porthaven, the sea wall along Marine Parade was closed after waves threw shingle and
seaweed across the promenade. Firefighters were called to a dozen flooded basements in the old
town and helped a family of four out of a ground-floor flat on Tanner's Row.

Nobody was seriously hurt in the city, police said, though a man in his sixties was taken to
hospital with a head injury after a garden wall collapsed in Kilbride.

The national weather service lifted its red warning at dawn but kept an amber warning for wind
in place until midnight. Schools in three districts stayed closed.
""",
    ),
    Report(
        publisher="meridian-wire",
        event="storm-orla",
        slug="storm-orla-batters-west-coast-ferries-cancelled",
        topic="World",
        offset_s=200,
        byline="Lea Hartog",
        headline=(
            "Storm Orla batters Northmere's west coast; ferries cancelled, tens of thousands "
            "without power"
        ),
        summary="Wind, rain and high tides disrupt transport and power across the west.",
        text="""
PORTHAVEN, Northmere (Meridian Wire) - Storm Orla swept across western Northmere overnight,
cutting power to tens of thousands of homes and forcing the cancellation of all ferry services
to the outer islands, officials said on Friday.

The national weather service recorded a gust of 131 km/h at Brennock Head, the strongest in
the region since 2014. Rainfall of up to 80 millimetres was measured in upland areas, and
river levels on the Aske were rising.

Grid operator West Coast Power said about 40,000 customers remained disconnected in the
morning, down from a peak of 95,000. Rail operator Nordbahn suspended services north of
Kilbride after a tree fell on the line.

Island Link, which runs ferries from Porthaven to the Skerry Islands, said it did not expect to
resume sailings before Saturday. Supermarkets on the islands reported shortages of bread and
fresh milk.

One person was injured by a falling wall, police said. There were no reports of deaths.
""",
    ),
    Report(
        publisher="northgate-post",
        event="storm-orla",
        slug="like-a-freight-train-night-storm-orla-struck",
        topic="World",
        offset_s=700,
        byline="Ciara Blom",
        headline="'Like a freight train': residents describe the night Storm Orla struck",
        summary="Roofs torn off, cars crushed and a long wait for the lights to come back on.",
        text="""
Anna Koskinen was sure the roof was going. "It sounded like a freight train going over the
house, again and again, for three hours," the retired teacher said, standing in her garden in
Brennock among shards of slate.

Across the west coast on Friday, people like her were counting the cost of the worst night of
weather many could remember. In Kilbride an oak tree flattened two parked cars. In Porthaven's
old town, residents bailed water out of cellars with buckets.

For many the hardest part was the dark. Tens of thousands were still without power by
lunchtime, and in Brennock village neighbours were sharing camping stoves to boil water.

"The lines man said Sunday, maybe," said pub landlord Gus Ferreira, who opened his bar by
candlelight so locals had somewhere warm to go. "We've got a fire and we've got soup. That'll
do."

Forecasters say the wind should ease by Saturday, but more rain is on its way.
""",
    ),
    Report(
        publisher="bayside-bulletin",
        event="storm-orla",
        slug="bayside-harbour-counts-cost-after-storm-orla",
        topic="World",
        offset_s=-2700,
        byline="Nell Garvey",
        headline=(
            "Bayside harbour counts the cost after Storm Orla sinks three boats at their moorings"
        ),
        summary=(
            "Fishermen say the town's breakwater needs repairs that have been promised since 2019."
        ),
        text="""
Three fishing boats sank at their moorings in Bayside harbour during Storm Orla, and the
harbour master says at least a dozen more were damaged when waves broke over the old
breakwater in the early hours of Friday.

"I've worked this harbour for thirty-one years and I have never seen the water come over the
wall like that," said harbour master Colm Reddy. "The swell was lifting boats clean off their
fenders."

The Morning Star, a 12-metre trawler owned by the Quinlan family since the 1980s, was one of
those lost. Divers were due to inspect the wreck on Saturday so it can be raised before it
becomes a hazard to other vessels.

Fishermen gathered on the quay on Friday afternoon said the damage could have been avoided.
The county council promised to raise and strengthen the breakwater in 2019, but the work has
been postponed twice because of rising costs.

A council spokesman said the project was "still a priority" and that engineers would survey
the structure next week. Boat owners have been told to contact their insurers and to keep
away from the eastern end of the quay, where part of the railing was torn away.
""",
    ),
    # --- Event: water vapour on an exoplanet -------------------------------------------------
    Report(
        publisher="circuit-and-cell",
        event="kellan-4b",
        slug="water-vapour-temperate-world-kellan-4b",
        topic="Science",
        offset_s=-9000,
        byline="Dr. Nadia Ferrante",
        headline=(
            "Astronomers find water vapour in the air of a temperate world 112 light years "
            "away"
        ),
        summary=(
            "Kellan-4b is no Earth twin, but it is the coolest planet yet where water has "
            "been seen in the atmosphere."
        ),
        text="""
For the first time, astronomers have detected water vapour in the atmosphere of a planet
whose temperature is not far from our own. The world, Kellan-4b, circles a dim red star 112
light years away, and the result was published this week in the Journal of Planetary Skies.

The team from Calder Observatory watched the planet pass in front of its star eleven times.
Each transit, a sliver of starlight filters through the planet's air, and molecules there
absorb particular colours. Water leaves a distinctive set of dips in the infrared.

"The signal was there in the first three transits, and it just got stronger," said lead
author Marit Oyelaran. "By the end we could rule out a flat, featureless spectrum at more than
five sigma."

Before anyone starts packing: Kellan-4b is about twice the size of Earth and probably wrapped
in a thick hydrogen envelope. Its surface, if it has one, could be crushed under enormous
pressure. But its equilibrium temperature of around 290 kelvin makes it the coolest planet in
which water vapour has been measured.

The team now wants time on the next generation of space telescopes to look for methane and
carbon dioxide alongside the water.
""",
    ),
    Report(
        publisher="meridian-wire",
        event="kellan-4b",
        slug="telescope-team-reports-water-vapour-exoplanet",
        topic="Science",
        offset_s=-8000,
        byline="Ravi Menon",
        headline="Telescope team reports water vapour on temperate exoplanet Kellan-4b",
        summary="Calder Observatory astronomers say the detection is the coolest of its kind.",
        text="""
CALDER, Northmere (Meridian Wire) - Astronomers at Calder Observatory said on Tuesday they had
detected water vapour in the atmosphere of Kellan-4b, a planet roughly twice Earth's size that
orbits a red dwarf star 112 light years from the Sun.

The planet's estimated temperature of about 17 degrees Celsius makes it the coolest world on
which water vapour has been found, the researchers said in a paper in the Journal of Planetary
Skies.

The measurements were made by observing eleven transits, in which the planet passes between
its star and Earth and some of the starlight passes through its atmosphere.

Independent scientists welcomed the result but cautioned against talk of habitability. "This
is most likely a mini-Neptune with a deep gas envelope, not a rocky planet with oceans," said
Jorge Albescu, an astrophysicist not involved in the study.

The observatory said it would apply for further observing time next year.
""",
    ),
    Report(
        publisher="rheinblick",
        event="kellan-4b",
        slug="wasserdampf-auf-ferner-welt-entdeckt",
        topic="Science",
        offset_s=900,
        byline="Jonas Achterberg",
        headline="Wasserdampf auf ferner Welt entdeckt: Was der Fund über Kellan-4b verrät",
        summary=(
            "Forscher des Calder-Observatoriums haben Wasser in der Atmosphäre eines "
            "gemäßigt warmen Exoplaneten nachgewiesen."
        ),
        language="de",
        text="""
Astronomen haben in der Atmosphäre des Exoplaneten Kellan-4b Wasserdampf nachgewiesen. Der
Planet umkreist einen roten Zwergstern in 112 Lichtjahren Entfernung und ist mit geschätzten
290 Kelvin, also rund 17 Grad Celsius, der kühlste Planet, auf dem bisher Wasser in der
Lufthülle gemessen wurde.

Für ihre Messungen beobachtete das Team des Calder-Observatoriums elf Transits. Zieht der
Planet vor seinem Stern vorbei, durchdringt ein kleiner Teil des Sternenlichts seine
Atmosphäre. Wassermoleküle verschlucken dabei bestimmte Wellenlängen im Infrarot, und dieser
Fingerabdruck war in den Daten deutlich zu erkennen.

Eine zweite Erde ist Kellan-4b allerdings nicht. Mit etwa dem doppelten Erdradius handelt es
sich vermutlich um einen sogenannten Mini-Neptun mit einer dichten Wasserstoffhülle. Ob der
Planet überhaupt eine feste Oberfläche besitzt, ist offen.

Die Forscher wollen als Nächstes nach Methan und Kohlendioxid suchen. Gemeinsam mit dem
Wasser könnten diese Gase verraten, wie sich der Planet gebildet hat.
""",
    ),
    # --- Event: the National Cup final -------------------------------------------------------
    Report(
        publisher="harbour-herald",
        event="cup-final",
        slug="rovers-win-the-cup-okoro-header",
        topic="Sport",
        offset_s=-2400,
        byline="Sam Whitlock",
        headline="Rovers win the Cup! Okoro's extra-time header sinks Eastbrook",
        summary=(
            "Porthaven's long wait is over. Fifty years after their last Cup win, Rovers "
            "bring the trophy home."
        ),
        text="""
Half a century of waiting ended in the 112th minute at Crownfield Stadium on Saturday,
when Daniel Okoro rose above the Eastbrook defence and headed Porthaven Rovers to the National
Cup.

It was the least Rovers deserved after a final they dominated for long spells. Lina Haraldsen
put them ahead after 23 minutes with a low shot from the edge of the area, only for Eastbrook
City to level against the run of play when Felix Amundsen's free kick deflected off the wall.

Manager Tess Calloway sent Okoro on with twenty minutes of normal time left, and the
19-year-old from the club's academy changed the game. His header, from Haraldsen's corner,
sent 22,000 travelling fans into delirium.

"I've been coming to this club since I was seven," Okoro said, the medal still round his neck.
"I don't think I'll sleep for a week."

An open-top bus parade will leave the Harbour Road ground at noon on Sunday and finish at the
town hall.
""",
    ),
    Report(
        publisher="northgate-post",
        event="cup-final",
        slug="eastbrook-heartbreak-rovers-snatch-national-cup",
        topic="Sport",
        offset_s=-2000,
        byline="Marco Venn",
        headline="Eastbrook heartbreak as Porthaven Rovers snatch National Cup in extra time",
        summary="City boss Henrik Laine says his side 'ran out of legs' in the final half hour.",
        text="""
Eastbrook City manager Henrik Laine admitted his players simply ran out of energy after
Porthaven Rovers won the National Cup final 2-1 in extra time at Crownfield Stadium.

City had clawed their way back into the game through Felix Amundsen's deflected free kick just
before the hour, and for a spell looked the likelier winners. But a teenage substitute, Daniel
Okoro, settled it eight minutes from the end of extra time with a powerful header.

"We gave everything, and in the last thirty minutes we had nothing left," Laine said. "Three
games in eight days catches up with you. I'm proud of them, but it hurts."

Eastbrook captain Oskar Dahl was booked for dissent after the final whistle, protesting that
Okoro had pushed his marker before the goal. Replays suggested only light contact.

Rovers, who lost the 1998 final, have now won the competition for the first time in 50 years.
They also earn a place in next season's continental cup.
""",
    ),
    Report(
        publisher="meridian-wire",
        event="cup-final",
        slug="porthaven-rovers-beat-eastbrook-city-national-cup",
        topic="Sport",
        offset_s=500,
        byline="Pieter Vance",
        headline="Porthaven Rovers beat Eastbrook City 2-1 to lift first National Cup since 1976",
        summary="Substitute Daniel Okoro scores the winner in the 112th minute.",
        text="""
HALDEN, Northmere (Meridian Wire) - Porthaven Rovers won the National Cup for the first time
since 1976 on Saturday, beating Eastbrook City 2-1 after extra time in the final at Halden's
Crownfield Stadium.

Midfielder Lina Haraldsen opened the scoring in the 23rd minute. Eastbrook equalised in the
57th through a Felix Amundsen free kick that took a deflection.

Daniel Okoro, a 19-year-old substitute, headed the winner from a corner in the 112th minute.

Eastbrook, who had won the trophy four times, pressed for a second equaliser in the closing
minutes of extra time, but Rovers goalkeeper Mats Ivarsen saved from Amundsen at the near post.
Eastbrook captain Oskar Dahl was shown a yellow card after the final whistle for protesting
about the winning goal.

"We were the better team for most of the game and we kept believing," Rovers manager Tess
Calloway said. Eastbrook manager Henrik Laine said his players had been tired after three
matches in eight days.

The attendance was 61,400. Rovers qualify for next season's continental cup competition.
""",
    ),
    Report(
        publisher="bayside-bulletin",
        event="cup-final",
        slug="bayside-supporters-bus-home-cup-final",
        topic="Sport",
        offset_s=650,
        byline="Ray Donnelly",
        headline="Bayside's Rovers fans sing all the way home after Cup final win",
        summary="Two coaches of local supporters made the trip to Halden for the final.",
        text="""
The two coaches that left the Anchor Inn car park at six on Saturday morning came back just
after two on Sunday, and by all accounts nobody on board had stopped singing.

Around ninety supporters from Bayside travelled to Halden to watch Porthaven Rovers beat
Eastbrook City in the National Cup final, a trip organised for the first time by the town's
small Rovers supporters' club.

"When the header went in, the whole end just collapsed on top of each other," said club
secretary Bernie Walsh, 63, who has followed the team since she was a girl. "I lost my hat,
my scarf and my voice. Worth it."

For younger fans it was a first taste of a final. Twelve-year-old Aoife Kerr had made a banner
with her grandfather that read "Bayside Believes", and it was briefly shown on the stadium's
big screen during the second half of extra time.

The supporters' club says it will organise a coach to Porthaven for the open-top bus parade,
and that places can be booked at the Anchor Inn until Sunday morning.
""",
    ),
    # --- Event: the Lumora Atlas phone -------------------------------------------------------
    Report(
        publisher="circuit-and-cell",
        event="lumora-atlas",
        slug="lumora-atlas-swap-battery-with-a-coin",
        topic="Technology",
        offset_s=-1800,
        byline="Theo Marchetti",
        headline="Lumora's Atlas phone lets you swap the battery with a coin",
        summary=(
            "Hands-on with a mid-range phone built around one idea: you should be able to "
            "fix it yourself."
        ),
        text="""
The first thing Lumora's engineers did when they handed me the Atlas was give me a coin. Two
quarter turns of a slotted screw on the back, and the battery slid out in my hand. Ten seconds
later a fresh one was in and the phone was booting.

That is the whole pitch of the Atlas, the Halden start-up's first phone, announced on
Wednesday: a handset designed to be opened, repaired and kept. Lumora promises seven years of
software updates, sells every part on its own website, and publishes repair guides for the
screen, cameras and USB port.

The compromises are visible. At 9.8 millimetres the Atlas is thicker than most rivals, the
back is textured plastic rather than glass, and the main camera is a 50-megapixel sensor that
looked merely fine in a dim bar. But the 6.3-inch screen is bright, and the 4,700 mAh battery
comfortably lasted a day and a half.

It will cost 449 euros when it ships in February, with spare batteries at 29 euros.

Whether enough people care about repair to choose a thicker phone is the open question.
Lumora's founder, Ines Vartanian, thinks they do. "People are tired of throwing away a
perfectly good phone because one part wore out," she said.
""",
    ),
    Report(
        publisher="northgate-post",
        event="lumora-atlas",
        slug="lumora-unveils-atlas-phone-built-to-last",
        topic="Technology",
        offset_s=800,
        byline="Jade Korhonen",
        headline="Lumora unveils Atlas: the phone built to last seven years",
        summary="The 449-euro handset arrives in February with parts you can replace at home.",
        text="""
A young Northmerian tech firm is taking on the smartphone giants with a handset it says
customers will never need to throw away.

Lumora's Atlas, unveiled at a launch event in Halden on Wednesday, has a battery that can be
swapped in seconds using only a coin, and every other part, from the screen to the charging
port, can be bought and fitted at home.

The company says it will keep updating the phone's software for seven years, far longer than
most Android makers promise.

Founder Ines Vartanian, 34, who started Lumora in a shared office three years ago, told the
audience that the average phone is replaced after less than three years. "Most of them still
work. They just have a tired battery," she said.

The Atlas goes on sale in February priced at 449 euros. Consumer groups welcomed the launch,
though one analyst warned that a small company would struggle to compete on price with the
big brands.
""",
    ),
    Report(
        publisher="rheinblick",
        event="lumora-atlas",
        slug="lumora-stellt-reparierbares-smartphone-atlas-vor",
        topic="Technology",
        offset_s=1000,
        byline="Miriam Falkenberg",
        headline="Akku tauschen mit einer Münze: Lumora stellt reparierbares Smartphone Atlas vor",
        summary=(
            "Das Start-up aus Halden verspricht sieben Jahre Updates und Ersatzteile für "
            "alles."
        ),
        language="de",
        text="""
Das northmerische Start-up Lumora hat am Mittwoch in Halden sein erstes Smartphone vorgestellt.
Das Atlas soll sich von seinen Besitzern selbst reparieren lassen: Der Akku lässt sich mit
einer Münze in wenigen Sekunden wechseln, Display, Kameras und Ladebuchse sind als Ersatzteile
im Onlineshop des Herstellers erhältlich.

Lumora verspricht sieben Jahre lang Software-Updates. Das ist deutlich mehr, als die meisten
Hersteller von Android-Geräten zusagen.

Die Reparierbarkeit hat ihren Preis. Mit 9,8 Millimetern ist das Gerät dicker als viele
Konkurrenzmodelle, die Rückseite besteht aus Kunststoff. Dafür bietet es einen Akku mit 4700
Milliamperestunden und ein 6,3 Zoll großes Display.

Das Atlas kommt im Februar für 449 Euro in den Handel, ein Ersatzakku kostet 29 Euro.
Verbraucherschützer begrüßten das Konzept. Gründerin Ines Vartanian sagte, viele Menschen
seien es leid, ein funktionierendes Telefon wegen eines schwachen Akkus zu ersetzen.
""",
    ),
    # --- Event: earthquake in Kaldoria -------------------------------------------------------
    Report(
        publisher="meridian-wire",
        event="quake-kaldoria",
        slug="magnitude-6-2-earthquake-strikes-northern-kaldoria",
        topic="World",
        offset_s=-1200,
        byline="Yusuf Aydemir",
        headline="Magnitude 6.2 earthquake strikes northern Kaldoria, at least three dead",
        summary="The shallow quake damaged old buildings in the town of Arvena before dawn.",
        text="""
ARVENA, Kaldoria (Meridian Wire) - A magnitude 6.2 earthquake struck northern Kaldoria before
dawn on Thursday, killing at least three people and damaging dozens of buildings in the
historic centre of Arvena, the country's civil protection agency said.

The quake hit at 4:52 a.m. local time at a depth of about 10 kilometres, some 14 kilometres
north-east of Arvena, a town of 60,000 people, according to the national seismic institute.
It was followed by more than 40 aftershocks, the strongest of magnitude 4.8.

Two of the victims died when the roof of a three-storey house collapsed, officials said. A
third, an elderly woman, was killed by falling masonry. At least 27 people were treated in
hospital.

Rescue teams with sniffer dogs searched the rubble of a partly collapsed apartment block
through the morning. The bell tower of Arvena's fourteenth-century church of St Mirela lost its
upper section.

Kaldoria's interior minister said 1,500 people had spent the night in tents and sports halls.
""",
    ),
    Report(
        publisher="harbour-herald",
        event="quake-kaldoria",
        slug="porthaven-families-wait-for-news-kaldoria-quake",
        topic="World",
        offset_s=100,
        byline="Maggie Tull",
        headline="Porthaven families wait for news from Arvena after deadly earthquake",
        summary=(
            "The city's Kaldorian community has organised a collection at the Ferry Street "
            "hall."
        ),
        text="""
For Porthaven's Kaldorian community, Thursday began with phones buzzing in the dark. Many of
the two thousand or so Kaldorians in the city have family in Arvena, the northern town worst
hit by an earthquake that killed at least three people overnight.

"My mother lives two streets from the church," said Dina Mazur, who runs a grocery on Ferry
Street. "She called at six to say she was in the square in her dressing gown, but she was
fine. Then the line went dead again for four hours."

By lunchtime volunteers had filled the hall of the Kaldorian cultural society with donated
blankets, tinned food and children's clothes. A van is due to leave for Arvena on Saturday.

The quake, measured at magnitude 6.2, brought down roofs in the old centre and damaged an
apartment block where rescuers were still searching on Thursday afternoon. Northmere's foreign
ministry said it had no reports of Northmerian citizens among the injured.

The society has asked people to donate money rather than goods from now on.
""",
    ),
    Report(
        publisher="rheinblick",
        event="quake-kaldoria",
        slug="schweres-erdbeben-erschuettert-kaldoria",
        topic="World",
        offset_s=-600,
        byline="Stefan Hollerbach",
        headline="Schweres Erdbeben erschüttert Kaldoria – mindestens drei Tote in Arvena",
        summary="Das Beben der Stärke 6,2 traf die Altstadt von Arvena im Morgengrauen.",
        language="de",
        text="""
Ein Erdbeben der Stärke 6,2 hat am frühen Donnerstagmorgen den Norden Kaldorias erschüttert.
Nach Angaben des Zivilschutzes kamen in der Kleinstadt Arvena mindestens drei Menschen ums
Leben, 27 wurden verletzt.

Das Epizentrum lag rund 14 Kilometer nordöstlich von Arvena in etwa zehn Kilometern Tiefe. Weil
das Beben so flach war, waren die Erschütterungen an der Oberfläche besonders stark. Mehr als
40 Nachbeben folgten.

In der Altstadt stürzten mehrere Dächer ein, der Glockenturm der mittelalterlichen Kirche
St. Mirela wurde schwer beschädigt. Rettungskräfte suchten mit Hunden in den Trümmern eines
teilweise eingestürzten Wohnhauses nach Verschütteten.

Rund 1500 Menschen verbrachten die Nacht in Zelten und Turnhallen. Die Regierung in der
Hauptstadt kündigte Soforthilfe für die betroffenen Familien an. Der Innenminister reiste noch
am Vormittag nach Arvena und versprach, beschädigte Schulen und das Krankenhaus vorrangig
prüfen zu lassen.

Seismologen rechnen in den kommenden Tagen mit weiteren, meist schwächeren Nachbeben. Die
Behörden riefen die Bewohner der Altstadt auf, beschädigte Häuser vorerst nicht zu betreten.
""",
    ),
    # --- Event: earthquake in Belmira (looks like Kaldoria's, but is a different event) ------
    Report(
        publisher="meridian-wire",
        event="quake-belmira",
        slug="magnitude-6-1-earthquake-hits-belmira-coast",
        topic="World",
        offset_s=240,
        byline="Clara Sousa",
        headline="Magnitude 6.1 earthquake hits Belmira coast; tsunami warning lifted",
        summary="Residents of Sancor fled to high ground, but no deaths were reported.",
        text="""
SANCOR, Belmira (Meridian Wire) - A magnitude 6.1 earthquake struck off the coast of southern
Belmira on Thursday evening, shaking buildings in the port city of Sancor and prompting a
brief tsunami warning, the country's geological service said.

The quake was centred about 30 kilometres offshore at a depth of 18 kilometres. The warning was
lifted after 90 minutes when tide gauges recorded a wave of only 20 centimetres.

There were no immediate reports of deaths. Emergency services said eleven people suffered minor
injuries, most of them while leaving buildings in a hurry. Power was cut to parts of Sancor for
about two hours.

The quake came hours after a deadly tremor of similar size in Kaldoria, some 2,000 kilometres
to the north. Seismologists said the two events were not connected.

Belmira's ports authority said container operations at Sancor would resume on Friday morning
after inspections of the quays.
""",
    ),
    Report(
        publisher="northgate-post",
        event="quake-belmira",
        slug="buildings-sway-in-sancor-strong-quake-belmira",
        topic="World",
        offset_s=1100,
        byline="Ciara Blom",
        headline="Buildings sway in Sancor as strong quake strikes off Belmira",
        summary="Holidaymakers describe running from hotels as sirens sounded along the coast.",
        text="""
Tourists and residents in the Belmiran resort of Sancor ran into the streets on Thursday night
when a strong earthquake rattled the coast, setting off tsunami sirens along the seafront.

"The chandelier in the dining room started swinging and then everyone just ran," said Hugo
Lindahl, a Northmerian on holiday with his wife. "Staff were shouting at us to go uphill. We
stood by the castle for an hour in our flip-flops."

The tremor, put at magnitude 6.1, struck out at sea. The water never came: the tsunami warning
was withdrawn after gauges picked up only a small wave, and the authorities reported no deaths.

Hotels checked their buildings overnight and most guests were back in their rooms by
midnight. A handful of injuries were reported, mostly cuts and sprains.

Northmere's foreign ministry advised travellers to follow local instructions but did not
change its advice for the region.
""",
    ),
    Report(
        publisher="circuit-and-cell",
        event="quake-belmira",
        slug="two-quakes-one-day-why-belmira-and-kaldoria-not-linked",
        topic="Science",
        offset_s=1200,
        byline="Dr. Nadia Ferrante",
        headline="Two big quakes in one day: why Belmira's and Kaldoria's are not linked",
        summary="Similar magnitudes, similar headlines, completely different faults.",
        text="""
On Thursday, two earthquakes of almost the same size struck two countries within sixteen hours
of each other: a magnitude 6.2 on land in northern Kaldoria, and a magnitude 6.1 off the coast
of Belmira. Inevitably, people asked whether one set off the other.

Seismologists are confident it did not. The epicentres are roughly 2,000 kilometres apart, and
the shaking from a magnitude 6 quake has faded to almost nothing long before it covers that
distance. Triggering at such ranges has only been seen after the very largest earthquakes, of
magnitude 8 and above.

The faults are also different beasts. Kaldoria's quake was shallow and happened on a fault
where the crust is being pulled apart. Belmira's was deeper, beneath the sea, where one plate
slides under another.

"Magnitude 6 earthquakes happen somewhere in the world more than once a week on average," said
seismologist Aino Rautio. "Two on the same day is a coincidence, not a pattern."

What the pair does show is how much depth and building quality matter. The shallow quake under
old stone houses killed three people. The deeper one offshore injured eleven.
""",
    ),
    # --- Event: the central bank raises its rate ---------------------------------------------
    Report(
        publisher="meridian-wire",
        event="rate-rise",
        slug="northmere-central-bank-raises-key-rate",
        topic="Business",
        offset_s=-4000,
        byline="Annika Solberg",
        headline="Northmere Central Bank raises key rate to 3.75% as inflation lingers",
        summary="The quarter-point increase was expected; two board members voted to hold.",
        text="""
HALDEN, Northmere (Meridian Wire) - The Northmere Central Bank raised its main policy rate by 25
basis points to 3.75 percent on Wednesday, its fourth increase this year, saying inflation
was falling more slowly than it had forecast.

The decision was in line with the expectations of 19 of 24 economists polled by Meridian Wire.
Two of the bank's seven board members voted to keep the rate at 3.50 percent.

Consumer prices rose 4.1 percent in the year to October, down from a peak of 6.3 percent in
the spring but well above the bank's 2 percent target. Services inflation, driven by wages and
rents, remained "uncomfortably high", Governor Agnes Holloway told reporters.

Holloway said the board was "close to the end" of its tightening cycle but would not rule out
a further increase in February.

The Northmere crown strengthened 0.4 percent against the euro after the announcement, and
two-year government bond yields rose five basis points.
""",
    ),
    Report(
        publisher="harbour-herald",
        event="rate-rise",
        slug="what-the-rate-rise-means-for-porthaven-homeowners",
        topic="Business",
        offset_s=-3900,
        byline="Owen Petrakis",
        headline="What the rate rise means for Porthaven homeowners",
        summary="A typical variable mortgage in the city will cost about 34 crowns a month more.",
        text="""
If you have a variable-rate mortgage, your monthly payment is about to go up again.

On Wednesday the Northmere Central Bank lifted its key interest rate from 3.5 to 3.75 percent,
and Porthaven's two biggest lenders, Aske Savings and the Harbour Building Society, both said
they would pass the increase on to borrowers from the first of next month.

For a typical Porthaven home loan of 180,000 crowns over 25 years, that works out at roughly 34
crowns a month, according to figures from the Harbour Building Society. Over the whole year the
four rate rises have added more than 120 crowns a month to the same loan.

Those on fixed-rate deals are shielded for now, but about 6,000 fixed mortgages in the city
expire next year, estate agents say.

"The people I worry about are first-time buyers who stretched themselves in 2022," said debt
adviser Rosa Quint of the Porthaven Advice Centre. "If you are struggling, call your lender
before you miss a payment, not after."

Savers, at least, should see slightly better rates.
""",
    ),
    Report(
        publisher="northgate-post",
        event="rate-rise",
        slug="mortgage-pain-central-bank-lifts-rates-fourth-time",
        topic="Business",
        offset_s=600,
        byline="Dev Anand",
        headline="Mortgage pain as central bank lifts rates for the fourth time this year",
        summary="Governor Agnes Holloway hints the end is near, but will not promise it.",
        text="""
Millions of borrowers are facing higher bills after the Northmere Central Bank pushed up
interest rates yet again, despite pleas from business groups and homeowners to pause.

The quarter-point rise takes the bank's key rate to 3.75 percent, the highest in fifteen years.
It is the fourth increase since January.

Governor Agnes Holloway said rising wages and rents were keeping prices up and the bank could
not afford to "declare victory too early". Pressed on whether this would be the last rise, she
would say only that the board was "close to the end".

The Northmere Chamber of Commerce said the decision would hit small firms already struggling
with energy bills. "Every increase makes it harder to invest and to hire," said its chief
economist, Leon Aarts.

But some economists backed the move. Inflation is still running at more than double the
bank's target, and two board members who wanted to hold rates were outvoted.
""",
    ),
)

# The copy blog republishes these wire reports in full, a little after the wire moved them.
COPIES: tuple[Copy, ...] = (
    Copy("newsbuzz-hub", "meridian-wire", "porthaven-closes-kestrel-bridge-cable-corrosion",
         offset_s=-3000, byline="admin"),
    Copy("newsbuzz-hub", "meridian-wire", "green-liberal-alliance-wins-valdmark-election",
         offset_s=600, byline="admin"),
    Copy("newsbuzz-hub", "meridian-wire", "magnitude-6-2-earthquake-strikes-northern-kaldoria",
         offset_s=-300, byline="NewsBuzz Staff"),
)

# Reader comments, by language, shown under articles on layouts that have a comment section.
COMMENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (
        ("harbourgull", "Been saying this for years. Nobody listens until something breaks."),
        ("Ingrid K.", "Thanks for the clear write-up, much better than the TV news last night."),
        ("tomfromkilbride", "Does anyone know if the council will publish the full report?"),
        ("M. Ostrowski", "Interesting, but the headline oversells it a bit."),
        ("quietreader", "Sharing this with my mum, she has been asking about it all week."),
        ("Pel", "Second paragraph has the number wrong I think? Or am I misreading."),
    ),
    "de": (
        ("Leserin_77", "Endlich berichtet mal jemand ausführlich darüber. Danke!"),
        ("H. Brandt", "Die Überschrift ist etwas reißerisch, der Text dagegen sachlich."),
        ("nordlicht", "Weiß jemand, wann die nächste Sitzung dazu stattfindet?"),
        ("K. Yilmaz", "Im dritten Absatz fehlt meiner Meinung nach die Gegenseite."),
    ),
}
