"""Page-cache keys follow what a page uses: query parameters it ignores (cache busters,
tracking tags), raw Cookie and Accept-Language headers add no rows to the shared cache;
the parameters it uses (cursor, lang, q, page, filters) still make pages of their own."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from web_builders import STATS_SERVICE, make_article, make_story, page_rows

from newsdesk.web.caching import page_cache_key
from newsdesk.web.views import LIST_PARAMS, SEARCH_PARAMS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_in_the_database")]




def key_for(path, params, **headers):
    return page_cache_key(RequestFactory().get(path, **headers), params)


def test_query_parameters_a_page_ignores_add_no_cache_rows(client, publishers):
    make_story(make_article(publishers["harbour"], "Bridge approved"))

    pages = [client.get(f"/?cb={n}&utm_source=mail{n}") for n in range(40)]

    assert {page.status_code for page in pages} == {200}
    assert page_rows() == 1


def test_parameters_a_page_uses_still_make_pages_of_their_own(client, publishers):
    make_story(make_article(publishers["harbour"], "Bridge approved", language="en"))
    make_story(make_article(publishers["valley"], "Brücke genehmigt", language="de"))

    everything = client.get("/").content
    german = client.get("/?lang=de").content
    search = client.get(reverse("web:search") + "?q=bridge").content
    other_search = client.get(reverse("web:search") + "?q=library").content

    assert b"Bridge approved" in everything and b"Bridge approved" not in german
    assert search != other_search
    assert page_rows() == 4


def test_a_page_is_rendered_without_the_parameters_it_ignores(client, settings, publishers):
    settings.NEWSDESK_SERVICES = [STATS_SERVICE]
    make_story(make_article(publishers["harbour"], "Bridge approved"))

    html = client.get("/?cb=12345&lang=en").content.decode()

    assert "cb=12345" not in html and "12345" not in html
    assert 'name="next" value="/?lang=en"' in html  # the consent banner's way back


def test_parameter_order_repeats_and_empty_values_make_one_key():
    search = reverse("web:search")
    assert (
        key_for(f"{search}?q=bridge&page=2", SEARCH_PARAMS)
        == key_for(f"{search}?page=2&utm_campaign=x&q=bridge", SEARCH_PARAMS)
        == key_for(f"{search}?q=old&q=bridge&page=2&topic=", SEARCH_PARAMS)
    )
    assert key_for(f"{search}?q=bridge&page=2", SEARCH_PARAMS) != key_for(
        f"{search}?q=bridge&page=3", SEARCH_PARAMS
    )
    assert key_for("/?cursor=abc", LIST_PARAMS) != key_for("/", LIST_PARAMS)
    assert key_for("/?lang=de", LIST_PARAMS) != key_for("/?lang=en", LIST_PARAMS)


def test_raw_cookie_and_language_headers_add_no_rows(client, settings, publishers):
    settings.NEWSDESK_SERVICES = [STATS_SERVICE]
    make_story(make_article(publishers["harbour"], "Bridge approved"))

    for n in range(20):
        client.cookies.clear()
        language = f"x-{n},de;q=0.{n % 9}"
        client.get("/", headers={"Cookie": f"junk{n}=x", "Accept-Language": language})

    # At most one page per interface language, all for visitors who have not chosen yet.
    assert page_rows() <= len(settings.LANGUAGES)


def test_a_consent_choice_still_gets_its_own_page(client, settings, publishers):
    settings.NEWSDESK_SERVICES = [STATS_SERVICE]
    make_story(make_article(publishers["harbour"], "Bridge approved"))
    asked = client.get("/").content
    client.post(reverse("web:cookie_choice"), {"action": "accept", "next": "/"})

    allowed = client.get("/").content

    assert b"consent-banner" in asked and b"consent-banner" not in allowed
    assert page_rows() == 2
