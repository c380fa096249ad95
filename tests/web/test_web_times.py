"""Relative times ("2 h ago") from an injected clock, in English and German, and the
exact time with its zone."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from newsdesk.web.times import exact_time, relative_label, relative_labels

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ago", "english", "german"),
    [
        (timedelta(seconds=59), "just now", "gerade eben"),
        (timedelta(minutes=1), "1 min ago", "vor 1 Min."),
        (timedelta(minutes=59, seconds=59), "59 min ago", "vor 59 Min."),
        (timedelta(hours=2, minutes=59), "2 h ago", "vor 2 Std."),
        (timedelta(days=1), "1 day ago", "vor 1 Tag"),
        (timedelta(days=6, hours=23), "6 days ago", "vor 6 Tagen"),
        (timedelta(days=8), "Nov. 25, 2026", "25. November 2026"),
        (-timedelta(minutes=5), "just now", "gerade eben"),  # clocks that disagree
    ],
)
def test_relative_label_in_both_languages(ago, english, german):
    with translation.override("en"):
        assert relative_label(NOW - ago, NOW) == english
    with translation.override("de"):
        assert relative_label(NOW - ago, NOW) == german


def test_exact_time_names_the_zone(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    with translation.override("en"):
        assert exact_time(NOW) == "Dec. 3, 2026, 10 a.m. CET"


def test_the_script_gets_the_same_words():
    with translation.override("de"):
        words = relative_labels()
    assert words["now"] == "gerade eben"
    assert words["days"] == ["vor %(count)d Tag", "vor %(count)d Tagen"]
