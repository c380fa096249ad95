"""What the engine reads from an article: words, names, numbers and the year."""

from newsdesk.stories.dedup import shingles
from newsdesk.stories.features import extract_features


def test_capitalised_spans_are_names_but_a_capitalised_first_word_is_not():
    features = extract_features("", "Police said Tara Reid entered a clinic in Malibu.\n"
                                    "The police gave no details.")
    assert {"tara reid", "tara", "reid", "malibu"} <= set(features.names)
    assert "police" not in features.names


def test_a_name_at_the_start_of_a_sentence_is_still_a_name():
    features = extract_features("", "Reid, 33, starred in a comedy.\nHer publicist confirmed it.")
    assert "reid" in features.names


def test_days_months_and_dateline_words_are_not_names():
    features = extract_features("", "Updated: July 7, 2012. Klitschko won on Saturday.")
    assert set(features.names) == {"klitschko"}


def test_figures_and_years_are_kept_and_single_digits_dropped():
    features = extract_features("", "Navy captured 23 pirates in 2008 after 3 hours.")
    assert {"23", "2008"} <= set(features.numbers)
    assert "3" not in features.numbers
    assert features.year == 2008


def test_the_most_mentioned_year_is_the_articles_year():
    features = extract_features("", "In 2013 she returned. Since 2010 she had worked. In 2013.")
    assert features.year == 2013


def test_title_counts_twice_but_is_not_tripled_when_the_text_repeats_it():
    repeated = extract_features("Quake hits Peru", "Quake hits Peru\nMore later.")
    assert repeated.words["quake"] == 2


def test_shingles_ignore_sentence_order_and_case():
    first = shingles("The bridge reopened on Tuesday.\nFerries return to normal next week.")
    second = shingles("Ferries return to normal next week.\nthe bridge reopened on tuesday.")
    assert first == second
