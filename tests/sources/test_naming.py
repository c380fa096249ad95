"""Publisher names from the publisher's pages: agreed by several, related, never another's."""

import pytest

from newsdesk.sources.models import DeclaredName, Publisher, Source
from newsdesk.sources.naming import (
    PAGES_TO_AGREE,
    agreed_name,
    note_declared_name,
    related,
    same_outlet,
)


@pytest.mark.parametrize(
    ("name", "hosts", "titles"),
    [
        ("The Harbour Gazette", {"harbourgazette.example"}, set()),
        ("Harbour Gazette", {"www.harbour-gazette.example"}, {"harbour-gazette.example"}),
        ("Frankfurter Allgemeine Zeitung", {"faz.example"}, set()),  # initials
        ("DW", {"rss.dw.example"}, set()),  # a short name that is the host's label
        ("Süddeutsche Zeitung", {"sueddeutsche.example"}, set()),  # umlaut written out
        ("Le Monde", {"lemonde.example"}, set()),
        ("El País", {"elpais.example"}, set()),  # accents ignored
        ("Valley Courier", {"feeds.vc-media.example"}, {"Valley Courier - World"}),
        ("Курьер", {"kurier.example"}, {"Курьер: главное"}),  # any script, by title
    ],
)
def test_a_name_related_to_the_publishers_hosts_or_titles_may_be_taken(name, hosts, titles):
    assert related(name, hosts, titles)


@pytest.mark.parametrize(
    ("name", "hosts", "titles"),
    [
        ("Northern Broadcasting News", {"pier-watch.example"}, {"Pier Watch"}),
        ("Daily News", {"valley-daily.example"}, {"Valley Daily"}),  # only generic words
        ("World News Today", {"news.example"}, {"News"}),
        ("Harbour Gazette", set(), set()),
    ],
)
def test_a_name_unrelated_to_the_publisher_is_not_taken(name, hosts, titles):
    assert not related(name, hosts, titles)


@pytest.mark.parametrize(
    ("name", "other"),
    [
        ("The Harbour Gazette", "Harbour Gazette"),
        ("HARBOUR-GAZETTE", "harbour gazette"),
        ("Harbour Gazette.", "Harbour Gazette"),
        ("Harbour Gazette News", "Harbour Gazette"),
    ],
)
def test_names_sharing_their_distinctive_words_are_one_outlet(name, other):
    assert same_outlet(name, other)


def test_an_outlet_with_a_further_distinctive_word_is_another():
    assert not same_outlet("Harbour Gazette Mundo", "Harbour Gazette")


@pytest.mark.parametrize(
    ("names", "agreed"),
    [
        (["Harbour Gazette"] * PAGES_TO_AGREE, "Harbour Gazette"),
        (["Harbour Gazette"] * (PAGES_TO_AGREE - 1), None),
        (["Harbour Gazette", "HARBOUR GAZETTE", "Harbour Gazette"], "Harbour Gazette"),
        (["Harbour Gazette"] * 3 + ["Pier Watch"] * 3, None),  # no majority
        (["Harbour Gazette"] * 4 + ["Pier Watch"] * 3, "Harbour Gazette"),
        ([], None),
    ],
)
def test_pages_agree_on_a_name_by_majority_of_at_least_three(names, agreed):
    assert agreed_name(names) == agreed


@pytest.fixture
def gazette(db):
    publisher = Publisher.for_domain("harbourgazette.example", "Gazette feed: World")
    Source.objects.create(url="https://feeds.harbourgazette.example/world", publisher=publisher)
    return publisher


def declare(publisher, name, pages):
    return [
        note_declared_name(publisher, name, f"https://harbourgazette.example/2026/{n}")
        for n in range(pages)
    ]


def test_pages_that_agree_rename_their_publisher(gazette):
    assert declare(gazette, "The Harbour Gazette", PAGES_TO_AGREE) == [False, False, True]
    gazette.refresh_from_db()
    assert (gazette.name, gazette.name_confirmed) == ("The Harbour Gazette", True)
    assert not DeclaredName.objects.filter(publisher=gazette).exists()


def test_one_page_read_again_and_again_is_one_vote(gazette):
    for _ in range(PAGES_TO_AGREE + 2):
        note_declared_name(gazette, "The Harbour Gazette", "https://harbourgazette.example/a")
    gazette.refresh_from_db()
    assert gazette.name == "Gazette feed: World"


def test_one_page_cannot_rename_its_publisher(gazette):
    assert declare(gazette, "The Harbour Gazette", 1) == [False]
    gazette.refresh_from_db()
    assert gazette.name == "Gazette feed: World"


@pytest.mark.parametrize("spoof", ["Valley Courier", "The Valley Courier", "VALLEY COURIER."])
def test_pages_cannot_take_another_publishers_name(gazette, spoof):
    Publisher.for_domain("valleycourier.example", "Valley Courier")
    # Even a name related to the publisher's own titles: its feed may claim it.
    Source.objects.filter(publisher=gazette).update(title="Valley Courier mirror")
    assert not any(declare(gazette, spoof, PAGES_TO_AGREE + 2))
    gazette.refresh_from_db()
    assert gazette.name == "Gazette feed: World"


def test_pages_cannot_take_an_unrelated_name(gazette):
    assert not any(declare(gazette, "Northern Broadcasting News", PAGES_TO_AGREE + 2))
    gazette.refresh_from_db()
    assert gazette.name == "Gazette feed: World"


def test_an_editors_name_is_never_replaced(gazette):
    Publisher.objects.filter(pk=gazette.pk).update(name="Gazette (edited)", name_confirmed=True)
    gazette.refresh_from_db()
    assert not any(declare(gazette, "The Harbour Gazette", PAGES_TO_AGREE + 2))
    gazette.refresh_from_db()
    assert gazette.name == "Gazette (edited)"


def test_an_editor_renaming_meanwhile_wins_over_the_pages(gazette):
    declare(gazette, "The Harbour Gazette", PAGES_TO_AGREE - 1)
    Publisher.objects.filter(pk=gazette.pk).update(name="Gazette (edited)", name_confirmed=True)
    # This worker's copy of the publisher is stale: the rename must not overwrite the editor.
    assert declare(gazette, "The Harbour Gazette", PAGES_TO_AGREE)[-1] is False
    gazette.refresh_from_db()
    assert gazette.name == "Gazette (edited)"


def test_declared_names_are_cleaned_before_they_count(gazette):
    declare(gazette, "The Harbour\u202e Gazette\x1b", PAGES_TO_AGREE)
    gazette.refresh_from_db()
    assert gazette.name == "The Harbour Gazette"
