"""The settings tests run with: the project's settings, read from a test environment.

pytest-django imports the settings before any conftest runs, so the environment
the tests need is set here, before newsdesk.settings reads it.
"""

import os
from pathlib import Path

os.environ.setdefault("NEWSDESK_TESTING", "1")
os.environ.setdefault("NEWSDESK_FETCH_ALLOW_NETWORKS", "")
os.environ.setdefault("NEWSDESK_BASE_URL", "http://testserver")
os.environ.setdefault("NEWSDESK_VAR_DIR", str(Path(__file__).resolve().parents[1] / "var" / "test"))
# Tasks run inline in tests unless a test starts a real worker with the database backend.
os.environ.setdefault("NEWSDESK_TASK_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")

# Commands the tests start as subprocesses inherit DJANGO_SETTINGS_MODULE=settings_for_tests
# from pytest-django; this makes that module importable there too.
_here = str(Path(__file__).resolve().parent)
if _here not in os.environ.get("PYTHONPATH", "").split(os.pathsep):
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (_here, os.environ.get("PYTHONPATH")) if p
    )

# Before anything reads the clock: NEWSDESK_TEST_CLOCK_SHIFT (see clock_shift.py).
import clock_shift  # noqa: E402

clock_shift.start()

from newsdesk.settings import *  # noqa: E402,F403

# Tests serve static files from the source folders (no collectstatic): WhiteNoise would
# warn on every request that STATIC_ROOT does not exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
