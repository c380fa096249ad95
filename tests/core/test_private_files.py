"""The SQLite database (with its -wal and -shm files) and the secret key are readable by
the desk's own user alone, whether a process creates them or finds them left open."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A process of the desk's own: settings read, the database opened and written (WAL);
# the files' modes are read while it is open (SQLite removes -wal and -shm on closing).
OPEN_DATABASE = """
import json, os, stat, sys
import django; django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS t (x)")
    cursor.execute("INSERT INTO t VALUES (1)")
    print(json.dumps({name: oct(stat.S_IMODE(os.stat(os.path.join(sys.argv[1], name)).st_mode))
                      for name in sys.argv[2:]}))
"""
PRIVATE_FILES = ["newsdesk.sqlite3", "newsdesk.sqlite3-wal", "newsdesk.sqlite3-shm", "secret_key"]


def modes_while_open(var_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
        "PYTHONPATH": str(ROOT / "src"),
        "NEWSDESK_VAR_DIR": str(var_dir),
    }
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-c", OPEN_DATABASE, str(var_dir), *PRIVATE_FILES],
        env=env, capture_output=True, text=True, timeout=60,
        preexec_fn=lambda: os.umask(0o022),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def test_database_and_key_are_created_private_and_made_private_again_at_start(tmp_path):
    assert modes_while_open(tmp_path) == dict.fromkeys(PRIVATE_FILES, "0o600")

    for name in PRIVATE_FILES:  # as an older version, or a careless copy, left them
        (tmp_path / name).touch()
        (tmp_path / name).chmod(0o644)

    assert modes_while_open(tmp_path) == dict.fromkeys(PRIVATE_FILES, "0o600")
