"""NEWSDESK_LOG_FORMAT=json: one JSON object per log line, requests included."""

import json
import logging
import os
import subprocess
import sys
from datetime import datetime

import pytest

LOG_SOMETHING = (
    "import logging, django; django.setup(); "
    "logging.getLogger('newsdesk.sources').warning("
    "'feed %s: timed out', 'https://x.example/rss', extra={'source_id': 3})"
)


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120)


def test_json_log_lines_carry_time_level_logger_message_and_extra_fields():
    done = run_python(LOG_SOMETHING, NEWSDESK_LOG_FORMAT="json")
    assert done.returncode == 0, done.stderr
    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert line["level"] == "WARNING" and line["logger"] == "newsdesk.sources"
    assert line["message"] == "feed https://x.example/rss: timed out"
    assert line["source_id"] == 3
    assert datetime.fromisoformat(line["time"]).tzinfo is not None


def test_plain_log_lines_stay_the_default():
    done = run_python(LOG_SOMETHING)
    assert "WARNING newsdesk.sources: feed https://x.example/rss: timed out" in done.stderr


def test_an_unknown_log_format_is_refused_in_words():
    done = run_python("import django; django.setup()", NEWSDESK_LOG_FORMAT="xml")
    assert done.returncode != 0
    assert "NEWSDESK_LOG_FORMAT='xml': expected 'plain' or 'json'" in done.stderr


@pytest.mark.django_db
def test_with_json_logs_each_request_is_logged_with_its_page_type(client, settings, caplog):
    settings.NEWSDESK_LOG_FORMAT = "json"
    with caplog.at_level(logging.INFO, logger="newsdesk.access"):
        client.get("/topics/")
    record = next(r for r in caplog.records if r.name == "newsdesk.access")
    assert (record.status, record.page, record.client) == (200, "topics", "127.0.0.1")
    assert record.getMessage() == "GET /topics/ 200" and record.duration_ms >= 0
