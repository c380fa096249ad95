"""Files only the desk's own user may read: the SQLite database and the secret key.

The database holds subscribers' addresses and the admins' password hashes; the key
signs sessions and every link mailed to a subscriber. Both are created readable and
writable by their owner alone (0600), and a file an older version left readable by
others is made private again when a process starts. SQLite gives the -wal and -shm
files it creates beside a database the database file's own permissions.
"""

import os
import sys
from pathlib import Path

PRIVATE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def make_private(path: Path) -> None:
    """Create path empty and private if it is missing; make it private if it is not."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE))
        _restrict(path)
    except OSError as error:
        print(f"{path}: could not be made private (mode 0600): {error.strerror}", file=sys.stderr)


def make_sqlite_private(database: Path) -> None:
    """The database file (created if missing) and the companion files beside it."""
    if not database.parent.is_dir():
        return  # SQLite will say so when it is opened
    make_private(database)
    for suffix in SQLITE_COMPANIONS:
        companion = database.with_name(database.name + suffix)
        if companion.exists():
            make_private(companion)


def write_private(path: Path, text: str) -> None:
    """Write a new private file; it is never readable by others, not even for a moment.

    If another process has just created it, its text is kept.
    """
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def _restrict(path: Path) -> None:
    if os.stat(path).st_mode & 0o777 != PRIVATE:
        os.chmod(path, PRIVATE)
