import pytest
from web_builders import make_publisher


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Each test sees its own rows, not a page cached by an earlier request."""
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def publishers(db):
    return {
        "harbour": make_publisher("Harbour Herald"),
        "valley": make_publisher("Valley Voice"),
        "copier": make_publisher("Copycat Daily"),
    }
