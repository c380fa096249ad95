"""`newsdesk backup FILE` and `newsdesk restore FILE`: the whole desk in one file.

The file is in the database's own format, so the usual tools read it too:

- SQLite (the embedded default): a copy made with SQLite's online backup API, consistent
  and safe while the desk runs (WAL: writers go on while it copies). The copy also holds
  the generated SECRET_KEY (table `newsdesk_backup`), which signs the links already
  mailed (unsubscribe, preferences, confirmation): a restored desk whose key were lost
  would turn every one of them into "this link is invalid".
- PostgreSQL: `pg_dump --format=custom`, restored with `pg_restore`. SECRET_KEY comes
  from the environment there and is not in the file: the backup says so, and the key
  must be kept with it.

Restoring replaces everything in the configured database. Stop the web server, the
workers and the scheduler first; start them again afterwards.
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

BACKUP_TABLE = "newsdesk_backup"
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
KEY_KEPT_WARNING = (
    "SECRET_KEY is set in the environment and is not in this backup: keep it with the "
    "backup. A desk restored with another key cannot read the links already mailed "
    "(unsubscribe, preferences, confirmation)."
)


class BackupError(Exception):
    """A backup or restore that cannot be done, in words for the operator."""


@dataclass
class Report:
    path: Path
    engine: str
    secret_key_included: bool
    warnings: list[str]


def embedded_key_file() -> Path:
    return Path(settings.VAR_DIR) / "secret_key"


def key_is_embedded() -> bool:
    """Whether SECRET_KEY is the one generated into var/ (not set in the environment)."""
    key_file = embedded_key_file()
    return (
        not os.environ.get("SECRET_KEY", "").strip()
        and key_file.exists()
        and key_file.read_text().strip() == settings.SECRET_KEY
    )


# --- backup ------------------------------------------------------------------------------


def backup(path: Path) -> Report:
    """Write the whole database (and the embedded SECRET_KEY) to `path`."""
    path = Path(path)
    if path.is_dir():
        raise BackupError(f"{path} is a folder: name the file to write, e.g. {path}/desk.backup")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} does not exist: create it or choose another place")
    _outside_transactions("a backup copies what other connections committed")
    partial = path.with_name(path.name + ".partial")
    try:
        if connection.vendor == "sqlite":
            report = _backup_sqlite(partial)
        elif connection.vendor == "postgresql":
            report = _backup_postgresql(partial)
        else:
            raise BackupError(f"backups of {connection.vendor} databases are not supported")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    report.path = path
    return report


def _backup_sqlite(path: Path) -> Report:
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)  # one consistent snapshot, writers not blocked
        embedded = key_is_embedded()
        copy.execute(f"CREATE TABLE {BACKUP_TABLE} (name TEXT PRIMARY KEY, value TEXT)")
        rows = [("made_at", timezone.now().isoformat()), ("engine", "sqlite")]
        if embedded:
            rows.append(("secret_key", settings.SECRET_KEY))
        copy.executemany(f"INSERT INTO {BACKUP_TABLE} VALUES (?, ?)", rows)  # noqa: S608
    copy.close()
    return Report(path, "sqlite", embedded, [] if embedded else [KEY_KEPT_WARNING])


def _backup_postgresql(path: Path) -> Report:
    _run_pg_tool(
        "pg_dump",
        ["--format=custom", "--no-owner", "--no-privileges", "--file", str(path)],
    )
    return Report(path, "postgresql", False, [KEY_KEPT_WARNING])


def _outside_transactions(why: str) -> None:
    """SQLite's backup API waits for a transaction of the same connection forever."""
    if connection.in_atomic_block:
        raise BackupError(f"{why}: it cannot run inside a transaction")


# --- restore -----------------------------------------------------------------------------


def restore(path: Path) -> Report:
    """Replace the configured database with the backup at `path`."""
    path = Path(path)
    kind = _kind_of(path)
    if kind != connection.vendor:
        raise BackupError(
            f"{path} is a {kind} backup, but this desk uses {connection.vendor} "
            "(DATABASE_URL): restore it into a desk of the same kind"
        )
    _outside_transactions("a restore replaces the whole database")
    if kind == "sqlite":
        return _restore_sqlite(path)
    return _restore_postgresql(path)


def _kind_of(path: Path) -> str:
    try:
        with path.open("rb") as backup_file:
            head = backup_file.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BackupError(f"{path} is a folder, not a backup file") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(
        f"{path} is not a Newsdesk backup (neither an SQLite database nor a pg_dump archive)"
    )


def _restore_sqlite(path: Path) -> Report:
    with tempfile.TemporaryDirectory(prefix="newsdesk-restore-") as scratch:
        # Work on a copy: the backup file itself is never changed.
        copy_path = Path(scratch) / "restore.sqlite3"
        shutil.copyfile(path, copy_path)
        with sqlite3.connect(copy_path) as copy:
            info = _backup_info(copy, path)
            copy.execute(f"DROP TABLE {BACKUP_TABLE}")
        connection.ensure_connection()
        with sqlite3.connect(copy_path) as copy:
            copy.backup(connection.connection)
        copy.close()
    warnings = _restore_key(info.get("secret_key", ""))
    return Report(path, "sqlite", bool(info.get("secret_key")), warnings)


def _backup_info(copy: sqlite3.Connection, path: Path) -> dict[str, str]:
    try:
        rows = copy.execute(f"SELECT name, value FROM {BACKUP_TABLE}").fetchall()  # noqa: S608
    except sqlite3.DatabaseError:
        raise BackupError(
            f"{path} is an SQLite database but not one `newsdesk backup` wrote "
            f"(it has no {BACKUP_TABLE} table)"
        ) from None
    return dict(rows)


def _restore_key(key: str) -> list[str]:
    """Put the backup's SECRET_KEY back where the embedded default reads it."""
    if not key:
        return [KEY_KEPT_WARNING]
    if os.environ.get("SECRET_KEY", "").strip():
        if os.environ["SECRET_KEY"].strip() == key:
            return []
        return [
            "SECRET_KEY in the environment differs from the key in this backup: links "
            "mailed before the backup will not be accepted until SECRET_KEY is set to "
            f"the backup's key (it is now in {embedded_key_file()})"
        ] + _write_key(key)
    return _write_key(key)


def _write_key(key: str) -> list[str]:
    key_file = embedded_key_file()
    if key_file.exists() and key_file.read_text().strip() == key:
        return []
    warnings = []
    if key_file.exists():
        kept = key_file.with_name("secret_key.before-restore")
        key_file.replace(kept)
        warnings.append(f"the previous secret key was moved to {kept}")
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return warnings


def _restore_postgresql(path: Path) -> Report:
    _run_pg_tool(
        "pg_restore",
        ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", str(path)],
        database_flag="--dbname",
    )
    return Report(path, "postgresql", False, [KEY_KEPT_WARNING])


def _run_pg_tool(tool: str, arguments: list[str], database_flag: str = "") -> None:
    """Run pg_dump or pg_restore against the configured database."""
    if shutil.which(tool) is None:
        raise BackupError(
            f"{tool} is not installed: install PostgreSQL's client programs "
            f"(Debian: apt-get install postgresql-client), of the server's version or newer"
        )
    config = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": str(config.get("PASSWORD") or "")}
    target = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if config.get(key):
            target += [flag, str(config[key])]
    name = config["NAME"]
    target += [database_flag, name] if database_flag else [name]
    connection.close()  # pg_restore --clean must not wait for our own open transaction
    finished = subprocess.run(
        [tool, *target, *arguments], env=env, capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        raise BackupError(f"{tool} failed for database {name!r}: {finished.stderr.strip()}")
