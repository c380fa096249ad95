"""The body keeps the article's paragraphs and none of the page's furniture."""

from newsdesk.articles.extract import extract

ARTICLE_URL = "https://harbour-herald.example/news/2026/03/harbour-bridge-reopens"
BOILERPLATE = [
    "uses cookies", "opt-out", "Subscribe to our mailing list", "Get more stuff like this",
    "Thank you for subscribing", "Something went wrong", "Read More", "Related stories",
    "Ferry timetable changes", "Share on Facebook", "commute is twenty minutes",
    "All rights reserved", "Photo: Harbour Herald archive",
]


def test_cookie_notice_and_newsletter_box_stay_out_of_text_and_excerpt(page_bytes):
    result = extract(page_bytes("cookie_newsletter"), ARTICLE_URL)
    assert result.status == "ok"
    for phrase in BOILERPLATE:
        assert phrase.lower() not in result.text.lower(), phrase
        assert phrase.lower() not in result.excerpt.lower(), phrase


def test_article_paragraphs_are_kept_one_per_line(page_bytes):
    lines = extract(page_bytes("cookie_newsletter"), ARTICLE_URL).text.split("\n")
    assert lines[0].startswith("The swing bridge over the inner harbour reopened")
    assert lines[-1].startswith("Shops on the east quay plan a street market")
    assert len(lines) == 6


def test_headline_is_not_repeated_in_the_body(page_bytes):
    result = extract(page_bytes("cookie_newsletter"), ARTICLE_URL)
    assert "Harbour bridge reopens after two years" not in result.text


def test_div_layout_drops_menus_sidebars_ads_credits_and_more_links(page_bytes):
    text = extract(page_bytes("div_layout"), "https://valley-courier.example/farming/frost-2026").text
    assert text.startswith("Apple and pear growers in the upper valley")
    assert "surviving blossom" in text
    for phrase in ("Most read", "Council approves", "Advertisement", "Image credit",
                   "More from Farming", "Cheese makers", "Imprint", "Tags:"):
        assert phrase not in text, phrase


def test_table_layout_reads_the_article_cell_without_the_menu_cells(page_bytes):
    text = extract(page_bytes("table_layout"), "https://bairro.example/local/terraces").text
    assert text.startswith("Owners of cafés and restaurants in São Bento")
    assert "summer festivals" in text
    assert "Arquivo" not in text and "|" not in text


def test_empty_or_markup_free_page_is_not_an_article():
    assert extract(b"", "https://example.org/a").status == "not_article"
    assert extract("<html><body><nav><a href='/'>Home</a></nav></body></html>").status == (
        "not_article"
    )


def test_str_and_bytes_input_give_the_same_extraction(page_bytes):
    raw = page_bytes("cookie_newsletter")
    assert extract(raw, ARTICLE_URL) == extract(raw.decode("utf-8"), ARTICLE_URL)


def test_vote_keeps_supported_paragraphs_and_those_enclosed_by_them():
    from newsdesk.articles.bodytext import BodyCandidates, VoteSettings, vote_body

    main = "\n".join([
        "Sign up for our daily briefing and never miss a story again today",
        "The ferry service to the islands resumes on Monday after the winter break",
        "A quote only the main extractor kept between two supported paragraphs here",
        "Timetables are posted at the terminal and on the harbour office website",
        "Most popular: five walks along the old harbour wall this spring season",
    ])
    support = ("The ferry service to the islands resumes on Monday after the winter break. "
               "Timetables are posted at the terminal and on the harbour office website.")
    candidates = BodyCandidates(main=main, precise=support, readability="")
    kept = vote_body(candidates, VoteSettings(keep_enclosed=True)).split("\n")
    assert kept == main.split("\n")[1:4]
    strict = vote_body(candidates, VoteSettings(keep_enclosed=False)).split("\n")
    assert strict == [main.split("\n")[1], main.split("\n")[3]]


def test_vote_falls_back_to_another_opinion_when_the_main_one_is_empty():
    from newsdesk.articles.bodytext import BodyCandidates, vote_body

    candidates = BodyCandidates(main="", precise="short", readability="the longer opinion")
    assert vote_body(candidates) == "the longer opinion"


def test_links_in_the_running_text_are_kept_for_attribution_and_menus_are_not():
    page = """<html><head><title>Bridge reopens</title>
    <link rel="canonical" href="https://wire.example/bridge-reopens"></head><body>
    <nav><a href="/news">News</a> <a href="https://social.example/share">Share</a></nav>
    <article><h1>Bridge reopens</h1>
    <p>The harbour bridge reopened on Monday after eight months of repairs, the city's
    transport office said, and the first buses crossed it at dawn.</p>
    <p>This report first appeared on <a href="https://wire.example/bridge-reopens">the
    wire</a>; see also <a href="/news/2026/ferries#top">ferry changes</a> and
    <a href="javascript:void(0)">nothing</a> and <a href="http://[broken">broken</a>.</p>
    </article><footer><a href="/privacy">Privacy</a></footer></body></html>"""
    result = extract(page, "https://blog.example/2026/bridge")
    assert result.links == [
        "https://wire.example/bridge-reopens",
        "https://blog.example/news/2026/ferries",
    ]


def test_a_lead_in_a_teaser_block_and_a_list_in_a_table_cell_stay_in_the_body(page_bytes):
    """trafilatura's default pass drops blocks whose class says "teaser" (here the article's
    lead) and lists inside table cells (here the section on each pier); its recall pass,
    which the vote starts from, keeps both, and the other opinions do not vote them out."""
    text = extract(page_bytes("teaser_lead_list_cell"),
                   "https://lakeside-ledger.example/travel/ferry-timetable").text
    assert text.startswith("From Monday the lake ferries leave every twenty minutes")
    for phrase in ("berth two", "a quarter past six", "signal the crew from the jetty",
                   "shuttle bus connects it", "will review the timetable in spring"):
        assert phrase in text, phrase
    for phrase in ("More from Travel", "Cycle path around the lake", "All rights reserved",
                   "Lakeside Ledger", "About us"):
        assert phrase not in text, phrase


def test_an_article_after_an_early_end_of_the_body_is_still_read(page_bytes):
    """Browsers put what follows a premature </body></html> back into the body; a parser
    that drops it loses the article and keeps only the site header."""
    text = extract(page_bytes("early_body_end"), "https://cape-gazette.example/museum").text
    assert text.startswith("The three stone cottages below the old lighthouse")
    assert "a lens being cleaned" in text
    assert text.rstrip().endswith("every few years.")
    assert "Weather" not in text


def test_an_article_laid_out_twice_for_phones_and_desktops_is_read_once(page_bytes):
    text = extract(page_bytes("article_twice"), "https://riverside-post.example/news/baths").text
    assert text.count("The town council voted on Tuesday night") == 1
    assert len(text.split("\n")) == 5
    assert text.endswith("since the building opened in nineteen thirty one.")
