"""What the engine reads from an article: words, names, numbers and the year."""

import pytest

from newsdesk.stories.dedup import shingle_hashes, shingles
from newsdesk.stories.features import extract_features
from newsdesk.stories.vectors import BlockWeights, Vocabulary, vectorize


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


def test_weekdays_and_months_are_date_terms_and_may_only_beside_a_figure():
    features = extract_features("", "On Saturday, Dec. 11, the club met.\nYou may come.\n"
                                    "It closed on May 24, 2005.")
    assert {"saturday", "december", "may"} <= set(features.numbers)
    assert features.numbers["may"] == 1
    assert features.month in {"december", "may"}


def test_title_case_headline_words_written_in_lower_case_elsewhere_are_not_names():
    features = extract_features("Sixers Fire Coach Jim Obrien",
                                "The Sixers chose to fire their coach, Jim Obrien, on Monday.")
    assert {"sixers", "jim obrien"} <= set(features.names)
    assert not {"fire", "coach"} & set(features.names)


def test_fast_shingle_hashes_count_the_same_shingles_as_the_readable_ones():
    text = ("The bridge reopened on Tuesday after repairs.\n"
            "Ferries return to normal next week, the operator said.")
    assert len(shingle_hashes(text)) == len(shingles(text))
    reordered = "\n".join(reversed(text.splitlines()))
    assert set(shingle_hashes(reordered).tolist()) == set(shingle_hashes(text).tolist())


def test_common_english_words_weigh_less_than_rare_ones_from_the_first_article():
    vocabulary = Vocabulary(1000)
    features = extract_features("", "People felt the earthquake.")
    ids, weights = vectorize(features, vocabulary, BlockWeights())
    weight = dict(zip(ids.tolist(), weights.tolist(), strict=True))
    people, earthquake = (int(Vocabulary.ids_of("w:", [w])[0]) for w in ("people", "earthquake"))
    assert weight[earthquake] > weight[people]


def test_vocabulary_memory_does_not_grow_with_new_terms():
    vocabulary = Vocabulary(1000)
    before = vocabulary.memory_bytes()
    for n in range(50):
        vectorize(extract_features("", f"Zorblat{n} met Quanrix{n} in Vellido{n}."),
                  vocabulary, BlockWeights())
    assert vocabulary.memory_bytes() == before


def test_contrast_weighs_what_sets_an_article_apart_from_its_look_alikes():
    """Against two rehab stories, sharing "rehab" says little and sharing the name much."""
    import numpy as np

    from newsdesk.stories.vectors import Contrast, sparse_dot

    def vector(*terms):
        ids = np.sort(Vocabulary.ids_of("w:", list(terms)))
        return ids, np.ones(len(ids), np.float32)

    reid, lohan = vector("rehab", "clinic", "reid"), vector("rehab", "clinic", "lohan")
    article = vector("rehab", "clinic", "reid", "malibu")
    family = [reid[0], lohan[0]]

    def plain(a, b):
        return sparse_dot(*a, *b) / float(np.linalg.norm(a[1]) * np.linalg.norm(b[1]))

    assert plain(article, reid) / plain(article, lohan) == pytest.approx(1.5)
    own, other = (Contrast(*article, family).cosine(*story) for story in (reid, lohan))
    assert own / other > 8  # the name now decides
    # with no family every term keeps its weight: the plain cosine
    assert Contrast(*article, []).cosine(*reid) == pytest.approx(plain(article, reid))
