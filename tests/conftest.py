"""Suite-wide set-up: test settings and the `database` marker.

`make test` runs the whole suite on SQLite, then the tests marked `database`
again on PostgreSQL (DATABASE_URL set by the Makefile).
"""

import os

import pytest

os.environ.setdefault("NEWSDESK_TESTING", "1")
os.environ.setdefault("NEWSDESK_FETCH_ALLOW_NETWORKS", "")
os.environ.setdefault("NEWSDESK_BASE_URL", "http://testserver")
# Tasks run inline in tests unless a test starts a real worker with the database backend.
os.environ.setdefault("NEWSDESK_TASK_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")
os.environ.setdefault("NEWSDESK_VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test"))

DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server", "admin_client"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        uses_db = DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        if uses_db or item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.database)
