"""Excerpts end at sentence boundaries; shortened titles at word boundaries."""

from newsdesk.articles.excerpt import make_excerpt, shorten_title

TEXT = (
    "The bridge reopened on Saturday. Dr. Hale said the bearings would last fifty years. "
    "“It feels like the town is whole again. We waited so long,” said Ines Barros. "
    "Cyclists get their own lane."
)


def test_short_text_is_returned_whole():
    assert make_excerpt("One sentence only.") == "One sentence only."


def test_excerpt_ends_at_the_last_sentence_that_fits():
    assert make_excerpt(TEXT, max_chars=90) == (
        "The bridge reopened on Saturday. Dr. Hale said the bearings would last fifty years."
    )


def test_abbreviations_and_initials_do_not_end_a_sentence():
    assert make_excerpt(TEXT, max_chars=50) == "The bridge reopened on Saturday."
    text = "John F. Kennedy spoke in Berlin. The crowd cheered for a long time afterwards."
    assert make_excerpt(text, max_chars=40) == "John F. Kennedy spoke in Berlin."


def test_excerpt_never_ends_inside_a_quotation():
    excerpt = make_excerpt(TEXT, max_chars=160)
    assert excerpt.endswith("fifty years.")
    assert make_excerpt(TEXT, max_chars=170).endswith("said Ines Barros.")


def test_german_abbreviations_are_known():
    text = "Die Brücke ist z. B. für Radfahrer offen. Sie wurde am Samstag eröffnet."
    assert make_excerpt(text, max_chars=50, language="de") == (
        "Die Brücke ist z. B. für Radfahrer offen."
    )


def test_cjk_full_stops_end_sentences():
    text = "港の橋が土曜日に再開した。二年ぶりの開通となった。" * 3
    assert make_excerpt(text, max_chars=20, language="ja") == "港の橋が土曜日に再開した。"


def test_overlong_first_sentence_is_cut_at_a_word_with_an_ellipsis():
    text = "The council said " + "the repairs took much longer than planned and " * 10 + "ended."
    excerpt = make_excerpt(text, max_chars=60)
    assert excerpt.endswith("…") and len(excerpt) <= 60
    assert text.startswith(excerpt[:-1])
    assert excerpt[:-1].split()[-1] in text.split()


def test_nosnippet_gives_no_excerpt_and_max_snippet_shortens_it():
    assert make_excerpt(TEXT, nosnippet=True) == ""
    assert make_excerpt(TEXT, max_snippet=0) == ""
    assert make_excerpt(TEXT, max_snippet=40) == "The bridge reopened on Saturday."
    assert make_excerpt(TEXT, max_snippet=-1) == make_excerpt(TEXT)


def test_shorten_title_keeps_a_title_that_fits():
    assert shorten_title("Harbour bridge reopens", 40) == "Harbour bridge reopens"


def test_shorten_title_cuts_at_a_word_boundary_with_an_ellipsis():
    title = "Xi-Putin meeting: China’s Xi stresses close ties with ‘dear friend’ Putin during visit"
    short = shorten_title(title, 60)
    assert short == "Xi-Putin meeting: China’s Xi stresses close ties with…"
    assert len(short) <= 60


def test_german_quotation_marks_are_paired_low_to_high():
    text = "„Wir haben lange gewartet“, sagte sie. Die Brücke ist wieder offen für alle."
    expected = "„Wir haben lange gewartet“, sagte sie."
    assert make_excerpt(text, max_chars=45, language="de") == expected


def test_excerpt_starts_at_the_first_line_of_prose():
    text = "LIVE UPDATES\nPhotos: the harbour\nThe bridge reopened on Saturday after two years."
    assert make_excerpt(text) == "The bridge reopened on Saturday after two years."


def test_a_standfirst_is_not_glued_to_the_lead_that_restates_it():
    text = (
        "Forscher haben Wasser in der Atmosphäre eines gemäßigt warmen Exoplaneten "
        "nachgewiesen.\n"
        "Astronomen haben in der Atmosphäre des Exoplaneten Kellan-4b Wasserdampf "
        "nachgewiesen. Der Planet umkreist einen roten Zwergstern.\n"
        "Für ihre Messungen beobachtete das Team elf Transits."
    )

    assert make_excerpt(text, max_chars=300, language="de") == (
        "Forscher haben Wasser in der Atmosphäre eines gemäßigt warmen Exoplaneten "
        "nachgewiesen."
    )


def test_an_excerpt_keeps_to_the_first_paragraph_of_prose():
    text = (
        "WORLD NEWS\n"
        "Porthaven's long wait is over. Fifty years on, Rovers bring the cup home.\n"
        "Half a century of waiting ended in the 112th minute on Saturday."
    )

    assert make_excerpt(text, max_chars=300) == (
        "Porthaven's long wait is over. Fifty years on, Rovers bring the cup home."
    )
