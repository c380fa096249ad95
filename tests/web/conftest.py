import pytest
from django.db import connection
from web_builders import make_publisher


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Each test sees its own rows, not a page cached by an earlier request."""
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def page_cache_in_the_database(settings):
    """The embedded default: pages in the database cache (whose table never shrinks),
    emptied first so a test counts and reads only its own rows."""
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 30
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "newsdesk_cache",
        },
    }
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM newsdesk_cache")


@pytest.fixture
def publishers(db):
    return {
        "harbour": make_publisher("Harbour Herald"),
        "valley": make_publisher("Valley Voice"),
        "copier": make_publisher("Copycat Daily"),
    }
