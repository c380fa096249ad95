"""Story languages on list pages: the browser's languages by default, a reader's choice
remembered in an essential cookie set only when they choose, the page cache keyed on
the resolved languages (never the raw header or cookie), the list of languages right
from the first request."""

import pytest
from django.urls import reverse
from web_builders import make_article, make_story, page_html, page_rows

from newsdesk.stories import assign
from newsdesk.stories.languages import story_language_codes
from newsdesk.web.listing import LANGUAGE_COOKIE

pytestmark = pytest.mark.django_db

ENGLISH, GERMAN = "Bridge opens to traffic", "Brücke für den Verkehr freigegeben"


@pytest.fixture
def two_languages(publishers):
    make_story(make_article(publishers["harbour"], ENGLISH, language="en"))
    make_story(make_article(publishers["valley"], GERMAN, language="de"))


def shown(response) -> set[str]:
    html = page_html(response)
    return {title for title in (ENGLISH, GERMAN) if title in html}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("de-AT,de;q=0.9,en;q=0.3", {GERMAN}),
        ("en-GB,en;q=0.9", {ENGLISH}),
        ("de,en;q=0.5", {ENGLISH, GERMAN}),
        ("en,de;q=0.4", {ENGLISH}),
        ("fr-FR,fr;q=0.9", {ENGLISH, GERMAN}),  # nothing in French: everything
        ("", {ENGLISH, GERMAN}),
    ],
)
def test_lists_default_to_the_browsers_languages_that_stories_have(
    client, two_languages, header, expected
):
    response = client.get("/", headers={"Accept-Language": header})

    assert shown(response) == expected
    assert not response.cookies  # nothing is remembered without a choice


def test_the_page_says_why_it_shows_those_languages_and_offers_every_language(
    client, two_languages
):
    html = page_html(client.get("/", headers={"Accept-Language": "de"}))

    assert "Sprachen: Deutsch, wie Ihr Browser es wünscht." in html
    assert 'href="/language/?lang=all&next=/"' in html


def test_choosing_a_language_remembers_it_in_an_essential_cookie(client, two_languages):
    chosen = client.get(reverse("web:choose_language"), {"lang": "de", "next": "/topics/"})

    assert chosen.status_code == 303
    assert chosen["Location"] == "/topics/?lang=de"
    cookie = chosen.cookies[LANGUAGE_COOKIE]
    assert cookie.value == "de" and cookie["samesite"] == "Lax" and cookie["httponly"]
    # Later pages without ?lang= follow the choice, whatever the browser says.
    assert shown(client.get("/", headers={"Accept-Language": "en"})) == {GERMAN}


def test_choosing_all_languages_overrides_the_browser(client, two_languages):
    client.get(reverse("web:choose_language"), {"lang": "all", "next": "/"})

    assert shown(client.get("/", headers={"Accept-Language": "en"})) == {ENGLISH, GERMAN}


def test_a_link_with_lang_wins_over_cookie_and_browser(client, two_languages):
    client.cookies[LANGUAGE_COOKIE] = "de"

    assert shown(client.get("/?lang=en", headers={"Accept-Language": "de"})) == {ENGLISH}
    assert shown(client.get("/?lang=all", headers={"Accept-Language": "de"})) == {
        ENGLISH,
        GERMAN,
    }


@pytest.mark.parametrize(
    "query",
    [
        {"lang": "de", "next": "https://evil.example/"},
        {"lang": "de", "next": "//evil.example/"},
        {"lang": "de", "next": "/\\evil.example/"},
    ],
)
def test_choosing_never_leaves_the_site(client, two_languages, query):
    response = client.get(reverse("web:choose_language"), query)

    assert response.status_code == 303
    assert response["Location"].startswith("/")
    assert not response["Location"].startswith("//")
    assert "evil" not in response["Location"]


def test_an_unknown_language_choice_sets_no_cookie(client, two_languages):
    response = client.get(reverse("web:choose_language"), {"lang": "xx", "next": "/"})

    assert response.status_code == 303 and response["Location"] == "/"
    assert not response.cookies


def test_a_forged_cookie_is_ignored(client, two_languages):
    client.cookies[LANGUAGE_COOKIE] = "x' OR 1=1"

    assert shown(client.get("/", headers={"Accept-Language": "en"})) == {ENGLISH}


def test_a_new_story_language_is_offered_at_once(
    client, publishers, django_capture_on_commit_callbacks
):
    make_story(make_article(publishers["harbour"], ENGLISH, language="en"))
    assert story_language_codes() == ["en"]  # now kept in the cache
    german = make_story(make_article(publishers["valley"], GERMAN, language="de"))

    with django_capture_on_commit_callbacks(execute=True):
        assign.refresh_story(german)

    assert story_language_codes() == ["de", "en"]
    html = page_html(client.get("/", headers={"Accept-Language": "de"}))
    assert GERMAN in html and ENGLISH not in html


def test_lists_vary_on_cookie_since_a_choice_lives_there(client, two_languages):
    response = client.get("/")

    assert "Cookie" in response["Vary"] and "Accept-Language" in response["Vary"]


def test_the_privacy_page_documents_the_preference_cookie(client):
    html = page_html(client.get(reverse("web:privacy")))

    assert LANGUAGE_COOKIE in html
    assert "only when you choose" in html


@pytest.mark.usefixtures("page_cache_in_the_database")
class TestPageCacheKeys:
    def test_raw_headers_and_cookies_that_resolve_alike_share_one_page(
        self, client, two_languages
    ):
        for n in range(12):
            client.cookies[LANGUAGE_COOKIE] = f"junk{n}"
            header = f"de-x{n},de;q=0.{5 + n % 5},fr;q=0.9,x-{n}"
            assert shown(client.get("/", headers={"Accept-Language": header})) == {GERMAN}

        assert page_rows() == 1

    def test_each_resolved_language_set_has_its_own_page(self, client, two_languages):
        english = client.get("/", headers={"Accept-Language": "en"})
        german = client.get("/", headers={"Accept-Language": "de"})
        client.cookies[LANGUAGE_COOKIE] = "all"
        every = client.get("/", headers={"Accept-Language": "de"})

        assert shown(english) == {ENGLISH} and shown(german) == {GERMAN}
        assert shown(every) == {ENGLISH, GERMAN}
        # German readers get the German interface too: English stories in the English
        # interface, German in the German one, and all in the German one.
        assert page_rows() == 3
