"""Suite-wide set-up: the `database` marker (test settings: settings_for_tests.py).

`make test` runs the whole suite on SQLite, then the tests marked `database`
again on PostgreSQL (DATABASE_URL set by the Makefile).
"""

import os
from datetime import timedelta

import clock_shift
import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Property tests: a few examples, the same every run, and no deadline in `make test` (no
# timed tests); `make fuzz` sets HYPOTHESIS_PROFILE=fuzz for many more (new ones each
# run, NEWSDESK_FUZZ_EXAMPLES per property), each failing if it takes over 2 s.
# Properties may use function-scoped fixtures (db, client): they hold across examples.
_HEALTH = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
hypothesis_settings.register_profile(
    "suite",
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=_HEALTH,
)
hypothesis_settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("NEWSDESK_FUZZ_EXAMPLES", "600")),
    deadline=timedelta(seconds=2),
    suppress_health_check=_HEALTH,
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server", "admin_client"}


def pytest_report_header(config):
    hours = clock_shift.shift_hours()
    if hours:
        variable = clock_shift.SHIFT_VARIABLE
        return f"clock shifted by {hours:+g} h; {variable}={hours:g} repeats this run"
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        uses_db = DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        if uses_db or item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.database)
    # Playwright's sync API keeps an event loop running in the main thread for the rest
    # of the session, where asyncio.run() would fail: browser tests go last.
    items.sort(key=lambda item: "tests/browser/" in item.nodeid.replace("\\", "/"))


@pytest.fixture(autouse=True)
def fresh_story_index():
    """Each test's database starts empty, so the clustering consumer's memory must too."""
    from newsdesk.stories.assign import forget_index

    forget_index()
    yield
    forget_index()


@pytest.fixture(autouse=True)
def fresh_image_cache():
    """Proxied images are kept in files under var/test, which outlive a test and a pass:
    an image (or a failure) cached for one test's loopback port must not be served to a
    later test, or to the next pass, whose server the system gave the same port."""
    from django.core.cache import caches

    caches["images"].clear()
    yield


@pytest.fixture(autouse=True)
def fresh_page_copies():
    """Pages a process keeps in memory (web/local_cache.py) must not leak between tests."""
    from newsdesk.web.local_cache import forget_local_copies

    forget_local_copies()
    yield
    forget_local_copies()
