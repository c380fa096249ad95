"""What every benchmark script needs: progress on stderr, a free port, /proc readings, a
fresh PostgreSQL database; tests/ on the path for what bench/ shares with the tests
(tests/desk_harness.py)."""

import os
import socket
import sys
from pathlib import Path

# What the chaos check shares with the scale-out test (process kinds, the harm counted).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from desk_harness import proc_tree  # noqa: E402,F401 (re-exported for the scripts)


def say(*parts) -> None:
    """Progress goes to stderr, so that stdout ends with the JSON line."""
    print(*parts, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(*pids: int) -> float:
    """User plus system CPU seconds used so far by the processes (Linux /proc)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def rss_mb(pid: int) -> float:
    """The process's resident memory now (VmRSS), in MB; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def fresh_postgres_database(url: str, script: str) -> None:
    """Drop and create the database url names (each benchmark is given one of its own)."""
    import psycopg

    admin_url, name = url.rsplit("/", 1)[0] + "/postgres", url.rsplit("/", 1)[1]
    try:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        raise SystemExit(f"{script}: PostgreSQL at {admin_url}: {error}") from None
