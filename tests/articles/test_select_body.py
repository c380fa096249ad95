"""The guard against catastrophic picks: each failure kind of issue 13, on text written
for these tests, asserting which body is chosen."""

from newsdesk.articles.bodytext import (
    RULES,
    BodyCandidates,
    SelectSettings,
    select_body,
    vote_body,
)

# An invented report, twelve paragraphs long.
ARTICLE = [
    f"Paragraph {n}: the river authority said the new flood gates at the lower weir held "
    f"through the night, while engineers measured the water at station {n} and reported "
    "the level falling slowly after the storm had moved east across the valley." for n in
    range(1, 13)
]
LEAD = ARTICLE[0]
BODY = "\n".join(ARTICLE)


def test_a_lead_only_teaser_block_gives_way_to_the_long_body():
    """The fast extractor took the teaser (lead paragraph) for the body, and the precision
    run agrees with it: agreement does not save it, the longer full cascade wins."""
    candidates = BodyCandidates(main=LEAD, precise=LEAD, readability=LEAD, full=BODY)
    assert select_body(candidates) == BODY


def test_a_boilerplate_block_with_many_dates_is_not_taken_for_the_article():
    """The article was chosen; the alternative adds a long calendar of fairs, each entry
    a link of the page: it stays out."""
    fairs = [f"Harbour trade fair {n}, 1{n} March 2027, exhibition hall {n}"
             for n in range(1, 30)]
    article = LEAD + "\n" + ARTICLE[1]
    candidates = BodyCandidates(
        main=article, precise=article, readability="", full=article + "\n" + "\n".join(fairs),
        anchors=frozenset(" ".join(fair.lower().replace(",", "").split()) for fair in fairs),
    )
    assert select_body(candidates) == article
    # Without the link evidence the calendar would have been taken.
    no_links = SelectSettings(rules=frozenset(RULES) - {"evidence_links"})
    assert "trade fair" in select_body(candidates, select=no_links)


def test_the_calendar_chosen_by_the_fast_extractor_gives_way_to_the_article():
    fairs = "\n".join(f"Trade fair {n}, 1{n} May 2027" for n in range(1, 8))
    candidates = BodyCandidates(main=fairs, precise=fairs, readability=fairs, full=BODY)
    assert select_body(candidates) == BODY


def test_a_jsonld_body_that_is_a_truncated_teaser_does_not_replace_the_article():
    teaser = " ".join(LEAD.split()[:25]) + " …"
    candidates = BodyCandidates(main=BODY, precise=BODY, readability=BODY, jsonld=teaser,
                                full=BODY)
    assert select_body(candidates) == BODY


def test_a_whole_jsonld_body_replaces_a_lead_only_pick():
    candidates = BodyCandidates(main=LEAD, precise=LEAD, readability="", jsonld=BODY)
    assert select_body(candidates) == BODY


def test_of_two_long_candidates_the_shorter_is_right_when_the_rest_is_the_pages_links():
    """The full cascade swept in a list of other stories: every extra line is the text of
    a link on the page, so the shorter article stands."""
    others = [f"Other story number {n} about the regional council budget and its critics"
              for n in range(1, 40)]
    article = "\n".join(ARTICLE[:6])
    candidates = BodyCandidates(
        main=article, precise=article, readability=article, full=article + "\n" + "\n".join(others),
        anchors=frozenset(line.lower() for line in others),
    )
    assert select_body(candidates) == article
    no_links = SelectSettings(rules=frozenset(RULES) - {"evidence_links"})
    assert "Other story number 1 " in select_body(candidates, select=no_links)


def test_a_longer_alternative_within_the_ratio_leaves_the_vote_alone():
    article = "\n".join(ARTICLE[:10])
    candidates = BodyCandidates(main=article, precise=article, readability=article, full=BODY)
    assert select_body(candidates) == article


def test_the_full_run_is_made_only_when_the_voted_body_may_have_lost_the_article():
    """The fourth extraction (trafilatura's full cascade) is deferred: a long voted body
    that the readability port and the fast run agree with in size never asks for it; a
    short one does, and takes it when it is the article."""
    runs = []

    def full_run():
        runs.append(1)
        return BODY + "\n" + BODY.replace("Paragraph", "Section")

    long_body = "\n".join(  # about 1,400 words, no passage repeated
        paragraph.replace("Paragraph", f"Part {part}, paragraph")
        for part in range(4) for paragraph in ARTICLE)
    agreed = BodyCandidates(main=long_body, precise=long_body, readability=long_body,
                            full=None, run_full=full_run)
    assert select_body(agreed) == long_body
    assert runs == []

    teaser = BodyCandidates(main=LEAD, precise=LEAD, readability=LEAD, full=None,
                            run_full=full_run)
    assert select_body(teaser) == full_run()
    assert len(runs) == 2  # once for the guard, once in this assertion


def test_the_precision_run_is_made_only_when_a_paragraph_lacks_other_support():
    runs = []

    def precise_run():
        runs.append(1)
        return BODY

    article = "\n".join(ARTICLE[:6])
    supported = BodyCandidates(main=article, precise=None, readability=BODY,
                               run_precise=precise_run)
    assert vote_body(supported) == article
    assert runs == []

    # The readability port misses the closing paragraph: the precision run is asked, and
    # its support keeps it, as when the run was made up front.
    closing = ("Volunteers from three villages filled sandbags until dawn and the mayor "
               "thanked them at a short ceremony outside the old mill.")
    whole = article + "\n" + closing
    runs_precise = []

    def precise_with_closing():
        runs_precise.append(1)
        return whole

    half = BodyCandidates(main=whole, precise=None, readability=article,
                          run_precise=precise_with_closing)
    assert vote_body(half) == whole
    assert runs_precise == [1]
    assert vote_body(BodyCandidates(main=whole, precise=whole, readability=article)) == whole


def test_an_article_the_page_holds_twice_is_read_once():
    """A phone copy beside the desktop copy: the second whole copy goes, the first stays."""
    twice = BODY + "\n" + BODY
    candidates = BodyCandidates(main=twice, precise=twice, readability=twice, full=twice)
    assert select_body(candidates) == BODY
    without = SelectSettings(rules=frozenset(RULES) - {"drop_repeats"})
    assert select_body(candidates, select=without) == twice


def test_repeated_short_lines_and_a_short_repeated_run_are_the_articles_own():
    """A refrain, a recipe's recurring line, or a run of lines under 200 words that comes
    back (a chorus) are kept: only a long passage repeated is the layout's doing."""
    refrain = "Portion: one cup of rice, half a cup of beans, one spoon of oil."
    chorus = "\n".join(ARTICLE[:2])  # about 70 words
    text = "\n".join([ARTICLE[0], refrain, ARTICLE[1], refrain, chorus, ARTICLE[5], chorus,
                      ARTICLE[6]])
    candidates = BodyCandidates(main=text, precise=text, readability=text, full=text)
    assert select_body(candidates) == text


def test_a_long_passage_repeated_later_goes_and_what_follows_it_stays():
    passage = "\n".join(ARTICLE[:6])  # six lines, about 220 words
    text = "\n".join([passage, ARTICLE[6], passage, ARTICLE[7]])
    candidates = BodyCandidates(main=text, precise=text, readability=text, full=text)
    assert select_body(candidates) == "\n".join([passage, ARTICLE[6], ARTICLE[7]])


# An invented article whose text the page splits over two blocks (an advert between),
# each part a little over 100 words.
FIRST_PART = "\n".join([
    "The regional water board approved a plan on Monday to replace the lead pipes that "
    "still carry drinking water to about nine thousand homes in the older districts.",
    "Engineers told the board that the work would take six years and cost about eighty "
    "million euros, paid partly by a national grant and partly by higher water bills.",
    "Tests last winter found lead above the legal limit in one tap in twelve in the "
    "affected streets, so filters will be handed out to every household until then.",
    "Schools and nurseries in the old districts come first, well before the summer holidays.",
])
SECOND_PART = "\n".join([
    "Residents of the harbour district, where the first streets will be dug up in the "
    "spring, asked how long each road would stay closed. Crews will work block by block.",
    "Shop owners on the market square were more worried. The last time their street was "
    "opened for a gas main, customers stayed away for two months, they said.",
    "A hotline for complaints and a weekly map of the streets to be dug up were promised, "
    "and the results of the water tests will be published every quarter.",
    "Opposition members asked why the work had taken so long to begin after the tests.",
])


def split_page(readability: str, locate=None) -> BodyCandidates:
    return BodyCandidates(main=FIRST_PART, precise=FIRST_PART, readability=readability,
                          full=FIRST_PART, locate=locate)


def test_an_article_split_over_two_blocks_is_read_whole_when_each_extractor_found_one():
    assert select_body(split_page(SECOND_PART)) == FIRST_PART + "\n" + SECOND_PART
    without = SelectSettings(rules=frozenset(RULES) - {"join_parts"})
    assert select_body(split_page(SECOND_PART), select=without) == FIRST_PART


def test_the_two_parts_are_joined_in_the_order_the_page_has_them():
    page = " ".join([SECOND_PART, "Advertisement", FIRST_PART]).lower()

    def locate(text):
        return page.find(text.lower()[:60])

    assert select_body(split_page(SECOND_PART, locate)) == SECOND_PART + "\n" + FIRST_PART


def test_a_long_list_found_by_the_readability_port_is_not_joined_to_the_article():
    names = "\n".join(f"Project team {n} - Alpha {n} Beta {n} Gamma {n} Delta {n}"
                      for n in range(40))  # 280 words, not one sentence
    assert select_body(split_page(names)) == FIRST_PART


def test_a_readability_body_that_overlaps_the_chosen_one_is_not_joined():
    overlapping = FIRST_PART + "\n" + SECOND_PART.split("\n")[0]
    assert select_body(split_page(overlapping)) == FIRST_PART


def test_the_page_locator_finds_where_a_text_begins():
    from lxml.html import fromstring

    from newsdesk.articles.bodytext import page_locator

    tree = fromstring("<html><body><nav>Home News</nav><div><p>" + SECOND_PART +
                      "</p></div><aside>Advertisement</aside><div><p>" + FIRST_PART +
                      "</p></div></body></html>")
    locate = page_locator(tree)
    assert 0 <= locate(SECOND_PART) < locate(FIRST_PART)
    assert locate("Words that are nowhere on this page at all") == -1
