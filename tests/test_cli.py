"""The `newsdesk` command as an operator meets it: its help, and one line with status 2
for a database it cannot use (never a traceback)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NEWSDESK = Path(sys.executable).parent / "newsdesk"


def run(*args: str, var: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment |= {"DJANGO_SETTINGS_MODULE": "newsdesk.settings", "NEWSDESK_VAR_DIR": str(var),
                    "NEWSDESK_TESTING": "1", **env}
    return subprocess.run([NEWSDESK, *args], env=environment, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_help_lists_newsdesks_commands_first_grouped_then_djangos(tmp_path):
    shown = run("--help", var=tmp_path)
    assert shown.returncode == 0, shown.stderr
    text = shown.stdout
    headings = ["Run the desk:", "Sources and articles:", "Newsletter:",
                "Django's commands (and its apps'):"]
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)
    ours = text[: positions[-1]]
    for name in ("run", "demo", "worker", "scheduler", "sources", "poll", "digest", "bounces"):
        assert f"\n  {name} " in ours, name
    assert "migrate" not in ours and "migrate" in text[positions[-1]:]


@pytest.mark.parametrize("command", [
    ["sources", "add", "https://harbour-herald.example/"], ["digest", "send"],
    ["createsuperuser"],  # one of Django's own
])
def test_a_command_against_an_unmigrated_database_says_so_in_one_line(tmp_path, command):
    completed = run(*command, var=tmp_path)
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    [line] = completed.stderr.strip().splitlines()
    assert line == (f"newsdesk {command[0]}: the database {tmp_path / 'newsdesk.sqlite3'} is "
                    "not set up (not migrated): run `newsdesk migrate` first (`newsdesk run` "
                    "and `newsdesk demo` do it themselves)")
    assert not completed.stdout


def test_a_database_that_cannot_be_reached_is_one_line_too(tmp_path):
    completed = run("sources", "list", var=tmp_path, SECRET_KEY="x" * 50,
                    DATABASE_URL="postgresql://127.0.0.1:9/newsdesk")
    assert completed.returncode == 2
    [line] = completed.stderr.strip().splitlines()
    assert line.startswith("newsdesk sources: cannot use the database newsdesk on 127.0.0.1:9: ")
    assert line.endswith("Check DATABASE_URL")


def test_help_of_one_command_and_migrate_itself_need_no_migrated_database(tmp_path):
    assert run("sources", "--help", var=tmp_path).returncode == 0
    assert run("migrate", "-v", "0", var=tmp_path).returncode == 0
    assert run("sources", "list", var=tmp_path).returncode == 0
