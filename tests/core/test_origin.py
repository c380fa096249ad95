"""One same-origin check (core.origin) for every cookie-less POST form."""

import pytest
from django.test import RequestFactory

from newsdesk.core.origin import is_cross_origin


def post(**headers):
    return RequestFactory().post("/", HTTP_HOST="news.example", **headers)


@pytest.fixture(autouse=True)
def our_site(settings):
    settings.NEWSDESK_BASE_URL = "https://news.example"
    settings.CSRF_TRUSTED_ORIGINS = ["https://WWW.News.Example/"]
    settings.ALLOWED_HOSTS = ["news.example"]


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://news.example"},
        {"HTTP_ORIGIN": "HTTPS://NEWS.EXAMPLE"},
        {"HTTP_ORIGIN": "https://www.news.example"},  # CSRF_TRUSTED_ORIGINS, any case
        {"HTTP_ORIGIN": "http://news.example"},  # the origin the request was addressed to
        {"HTTP_SEC_FETCH_SITE": "same-origin"},
        {"HTTP_SEC_FETCH_SITE": "none"},
        {"HTTP_REFERER": "https://News.Example/story/1/"},
        {},  # not a browser: nobody's session to ride on
    ],
)
def test_posts_from_our_own_pages_are_same_origin(headers):
    assert not is_cross_origin(post(**headers))


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_ORIGIN": "https://news.example.evil.example"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_REFERER": "https://evil.example/news.example"},
        {"HTTP_ORIGIN": "https://evil.example", "HTTP_SEC_FETCH_SITE": "same-origin"},
    ],
)
def test_posts_from_other_sites_are_cross_origin(headers):
    assert is_cross_origin(post(**headers))
