"""The table of settings (newsdesk/settings_table.py), the code that reads the environment,
and the documents generated from the table agree."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsdesk import settings_table
from newsdesk.settings_table import BY_NAME, DOCUMENTS, env, generated, stale_documents

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "newsdesk"


def environment_reads(path: Path) -> set[str]:
    """Names of the environment variables a module reads: os.environ.get / [] / `in`,
    os.getenv, and env() of the settings table."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        name = None
        if isinstance(node, ast.Call) and node.args and _literal(node.args[0]):
            function = ast.unparse(node.func)
            if function in ("os.environ.get", "os.getenv", "env", "settings_table.env"):
                name = node.args[0].value
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            if ast.unparse(node.value) == "os.environ" and _literal(node.slice):
                name = node.slice.value
        elif isinstance(node, ast.Compare) and _literal(node.left):
            if any(ast.unparse(c) == "os.environ" for c in node.comparators):
                name = node.left.value
        if name:
            names.add(name)
    return names


def _literal(node) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def reads_by_module() -> dict[str, set[str]]:
    return {
        str(path.relative_to(ROOT)): environment_reads(path)
        for path in sorted(SOURCE.rglob("*.py"))
        if path.name != "settings_table.py" and "migrations" not in path.parts
    }


def test_the_documents_show_the_table_in_the_code():
    assert stale_documents(ROOT) == [], "run scripts/settings-table --write"


def test_a_document_that_drifted_from_the_table_is_noticed():
    readme = (ROOT / "README.md").read_text()
    drifted = readme.replace("| `NEWSDESK_POLL_BATCH` | 500 |", "| `NEWSDESK_POLL_BATCH` | 50 |")
    assert drifted != readme
    assert generated(drifted, DOCUMENTS["README.md"], "README.md") == readme


def test_every_variable_the_code_reads_is_in_the_table():
    missing = {
        module: sorted(names - BY_NAME.keys())
        for module, names in reads_by_module().items()
        if names - BY_NAME.keys()
    }
    # Not settings: the one variable Django itself is told which settings to load by.
    missing = {m: [n for n in names if n != "DJANGO_SETTINGS_MODULE"] for m, names in
               missing.items()}
    assert {m: names for m, names in missing.items() if names} == {}


def test_settings_py_reads_the_environment_only_through_the_table():
    tree = ast.parse((SOURCE / "settings.py").read_text())
    direct = [
        ast.unparse(node) for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and ast.unparse(node.func) in ("os.environ.get", "os.getenv", "os.environ.setdefault")
        or isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load)
        and ast.unparse(node.value) == "os.environ"
    ]
    assert direct == []


def test_every_variable_in_the_table_is_read_somewhere():
    read = set().union(*reads_by_module().values())
    assert sorted(BY_NAME.keys() - read) == []


def test_the_table_has_one_row_per_variable():
    rows = [line for line in settings_table.markdown().splitlines() if line.startswith("| `")]
    names = [row.split("`")[1] for row in rows]
    assert len(names) == len(set(names)) == len(BY_NAME)


def test_a_name_missing_from_the_table_is_refused():
    with pytest.raises(ImproperlyConfigured, match="NEWSDESK_NO_SUCH_THING is read but not in"):
        env("NEWSDESK_NO_SUCH_THING")


def test_values_are_read_by_their_kind(monkeypatch):
    monkeypatch.setenv("NEWSDESK_POLL_BATCH", " 42 ")
    monkeypatch.setenv("NEWSDESK_SIGNUP_LIMIT_IP", "7/60")
    monkeypatch.setenv("NEWSDESK_BLOCK_DISPOSABLE", "no")
    monkeypatch.setenv("NEWSDESK_BLOCKED_DOMAINS", "a.example, b.example,")
    monkeypatch.setenv("NEWSDESK_SITE_NAME", "")
    assert env("NEWSDESK_POLL_BATCH") == 42
    assert env("NEWSDESK_SIGNUP_LIMIT_IP") == (7, 60)
    assert env("NEWSDESK_BLOCK_DISPOSABLE") is False
    assert env("NEWSDESK_BLOCKED_DOMAINS") == ["a.example", "b.example"]
    assert env("NEWSDESK_SITE_NAME") == "Newsdesk"  # empty counts as unset


def test_an_empty_list_is_an_empty_list_and_unset_is_the_default(monkeypatch):
    monkeypatch.delenv("NEWSDESK_METRICS_ALLOW_NETWORKS", raising=False)
    assert env("NEWSDESK_METRICS_ALLOW_NETWORKS") == ["127.0.0.0/8", "::1/128"]
    env("NEWSDESK_METRICS_ALLOW_NETWORKS").append("0.0.0.0/0")  # a copy, not the table's
    assert env("NEWSDESK_METRICS_ALLOW_NETWORKS") == ["127.0.0.0/8", "::1/128"]
    monkeypatch.setenv("NEWSDESK_METRICS_ALLOW_NETWORKS", "")
    assert env("NEWSDESK_METRICS_ALLOW_NETWORKS") == []


@pytest.mark.parametrize(("name", "value", "message"), [
    ("NEWSDESK_POLL_BATCH", "many", "NEWSDESK_POLL_BATCH='many': expected a whole number"),
    ("NEWSDESK_RESTART_LIMIT", "5 per minute",
     "NEWSDESK_RESTART_LIMIT='5 per minute': expected COUNT/SECONDS"),
])
def test_a_bad_value_names_the_variable_and_what_is_expected(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        env(name)
