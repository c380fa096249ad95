"""Chaos check: SIGKILL the desk's processes while it polls and while it mails; count the harm.

The desk runs as in production, as one or more `newsdesk run` process groups (web
server, task workers, clustering consumer, scheduler) against the publisher simulator
(its made-up publishers plus a feed farm whose feeds get a new generation of items every
--bump-seconds) and an SMTP server on loopback. N times, at random moments, a random
worker, the scheduler or the web server is killed with SIGKILL: first while the desk
polls and extracts, then while it sends a digest to --subscribers subscribers this
script creates (those kills hit a random worker taking the mail queue, the processes
that send). The group restarts its children; when a group gives up (exits), this script
starts it again. After the last kill the farm stops changing, and the script waits until
the desk is back to normal: no entry still `new`, no article without a story, no
delivery still queued or being sent. Then it prints:

- entries lost: items the simulator's feeds listed that were never stored (every farm
  generation and, fetched again at the end, every publisher feed item; a farm generation
  starts only once every farm feed has been polled since the last one, since its items
  vanish with it);
- entries duplicated: one item stored as two entries (same source and link), and
  articles duplicated: one entry made into two articles;
- articles without a story;
- deliveries missed (a subscriber due a digest that the SMTP server never received) and
  deliveries sent twice (one Message-ID received twice);
- the time from the last kill back to normal, and the thresholds it depends on, set
  small here: NEWSDESK_STALLED_SECONDS and NEWSDESK_POLL_CLAIM_SECONDS (600 s each by
  default, which would make recovery take ten minutes).

Targets: 0 lost, 0 duplicated, 0 missed, at most one resend per kill during sending; the
exit status is 1 when one is missed. Progress goes to stderr; with --json the last line of
stdout is one JSON object.

Reusable for scale-out: --database-url points every group at one database (PostgreSQL:
the script drops and creates that database, so give it one of its own) and --groups runs
several groups, each with its own web server, workers and scheduler.

Usage: bench/chaos.py [--kills 10] [--groups 1] [--database-url URL] [--feeds 40]
                      [--entries 8] [--bump-seconds 45] [--subscribers 1500]
                      [--stalled-seconds 20] [--claim-seconds 15] [--seed N] [--json]
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

from common import free_port, fresh_postgres_database, say
from desk_harness import (
    back_to_normal,
    command_line,
    delivery_figures,
    entry_figures,
    proc_tree,
    process_kind,
    takes_mail,
)
from smtp_sink import SinkProcess

ROOT = Path(__file__).resolve().parents[1]
POLL_EVERY = 10  # seconds between polls of each source (as the demo)


# --- the desk's process groups -------------------------------------------------------------


class DeskGroup:
    """One `newsdesk run`: web server, workers, scheduler; started again if it gives up."""

    def __init__(self, index: int, env: dict, opml: Path, workdir: Path):
        self.index = index
        self.port = free_port()
        self.env = {**env, "NEWSDESK_VAR_DIR": str(workdir / f"group-{index}")}
        self.opml = opml
        self.log_path = workdir / f"group-{index}.log"
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = open(self.log_path, "a")  # noqa: SIM115 (the child writes it; closed with it)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "newsdesk.cli", "run", "--host", "127.0.0.1",
             "--port", str(self.port), "--sources", str(self.opml),
             "--poll-every", str(POLL_EVERY)],
            env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()

    def ensure_running(self) -> bool:
        """Start the group again if it exited (gave up); True when it had to."""
        if self.process.poll() is None:
            return False
        say(f"  group {self.index} exited with status {self.process.returncode}; "
            "starting it again")
        self.start()
        return True

    def web_answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=5):
                return True
        except OSError:
            return False

    def targets(self) -> dict[str, list[int]]:
        """The group's killable processes by role: worker, mail worker, scheduler, web."""
        roles: dict[str, list[int]] = {"worker": [], "mail worker": [], "scheduler": [],
                                       "web": []}
        if self.process is None or self.process.poll() is not None:
            return roles
        for pid in proc_tree(self.process.pid)[1:]:
            argv, parent = command_line(pid)
            kind = process_kind(argv)
            if kind in ("worker", "clustering consumer"):
                roles["worker"].append(pid)
                if takes_mail(argv):
                    roles["mail worker"].append(pid)
            elif kind == "scheduler":
                roles["scheduler"].append(pid)
            elif kind == "web" and parent == self.process.pid:  # gunicorn's master
                roles["web"].append(pid)
        return roles

    def restarts_seen(self) -> tuple[int, int]:
        """(children started again, times a group gave up), from the group's own log."""
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return text.count("starting it again"), text.count("giving up")

    def stop(self) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


class Killer:
    """Kills one random process of one random group, and remembers what it killed."""

    def __init__(self, groups: list[DeskGroup], rng: random.Random):
        self.groups = groups
        self.rng = rng
        self.kills: list[dict] = []

    def kill(self, phase: str, roles: tuple[str, ...]) -> bool:
        for _ in range(50):  # a group may be between restarts of its children
            group = self.rng.choice(self.groups)
            found = group.targets()
            role = self.rng.choice(roles)
            if found[role]:
                pid = self.rng.choice(found[role])
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    continue
                self.kills.append({"phase": phase, "role": role, "group": group.index,
                                   "at": time.monotonic()})
                say(f"  SIGKILL {role} (pid {pid}) of group {group.index} while {phase}")
                return True
            time.sleep(0.2)
        say(f"  no {'/'.join(roles)} to kill while {phase}")
        return False


# --- the database and the simulator ----------------------------------------------------------


def prepare_database(url: str | None, workdir: Path) -> str:
    if not url:
        return f"sqlite:///{workdir / 'chaos.sqlite3'}"
    if url.startswith(("postgres://", "postgresql://")):
        fresh_postgres_database(url, "bench/chaos.py")
    return url


def start_simulator(args, workdir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    simulator = subprocess.Popen(
        [sys.executable, "-m", "newsdesk.simulator", "--port", str(port), "--release-all",
         "--farm-feeds", str(args.feeds), "--farm-hosts", str(min(args.feeds, 20)),
         "--farm-entries", str(args.entries), "--opml", str(workdir / "simulator.opml")],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return simulator, f"http://127.0.0.1:{port}"


def sim_call(sim: str, path: str, post: bool = False) -> bytes:
    request = urllib.request.Request(sim + path, data=b"" if post else None)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


# --- waiting ---------------------------------------------------------------------------------


def wait_until(label: str, done, groups: list[DeskGroup], timeout: float) -> float:
    """Seconds until done() is true, starting again any group that gave up meanwhile."""
    started = time.monotonic()
    last_said = started
    while True:
        for group in groups:
            group.ensure_running()
        progress, finished = done()
        now = time.monotonic()
        if finished:
            return now - started
        if now - started > timeout:
            raise SystemExit(f"bench/chaos.py: {label}: not reached after {timeout:.0f} s "
                             f"({progress}); the groups' logs are in {groups[0].log_path.parent}")
        if now - last_said > 10:
            say(f"  {label}: {progress} after {now - started:.0f} s")
            last_said = now
        time.sleep(0.5)


def run_for(seconds: float, groups: list[DeskGroup], events: list[tuple[float, object]]) -> None:
    """Keep the groups running for `seconds`, calling each event's action from its offset
    on; an action that answers False is tried again a moment later."""
    started = time.monotonic()
    pending = sorted(events, key=lambda event: event[0])
    while time.monotonic() - started < seconds or pending:
        for group in groups:
            group.ensure_running()
        for event in [e for e in pending if time.monotonic() - started >= e[0]]:
            if event[1]() is not False:
                pending.remove(event)
        time.sleep(0.2)


def sending(sink: SinkProcess, expected: int, groups: list[DeskGroup]) -> bool:
    """Wait until messages are arriving at the SMTP server; False once all have arrived.

    After a kill the rest of a digest goes out at the next sending run (once a minute).
    """
    before = sink.count()
    deadline = time.monotonic() + 300
    while before < expected and time.monotonic() < deadline:
        for group in groups:
            group.ensure_running()
        time.sleep(0.1)
        now = sink.count()
        if now > before:
            return now < expected
    return False


# --- the run ---------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=10, help="SIGKILLs in all (default 10)")
    parser.add_argument("--sending-kills", type=int, default=None,
                        help="of those, while the digest is sent (default: a third)")
    parser.add_argument("--groups", type=int, default=1, help="`newsdesk run` groups")
    parser.add_argument("--database-url", default=None,
                        help="one database for every group; PostgreSQL ones are dropped and "
                        "created afresh (default: a SQLite file in a temporary folder)")
    parser.add_argument("--feeds", type=int, default=40, help="farm feeds")
    parser.add_argument("--entries", type=int, default=8, help="items per farm generation")
    parser.add_argument("--bump-seconds", type=float, default=45,
                        help="a new generation of farm items this often while polling")
    parser.add_argument("--bumps", type=int, default=3, help="generations after the first")
    parser.add_argument("--subscribers", type=int, default=1500)
    parser.add_argument("--stalled-seconds", type=int, default=20)
    parser.add_argument("--claim-seconds", type=int, default=15)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--json", action="store_true")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    sending_kills = args.sending_kills if args.sending_kills is not None else args.kills // 3
    polling_kills = args.kills - sending_kills
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit("stopped by SIGTERM"))
    workdir = Path(tempfile.mkdtemp(prefix="newsdesk-chaos-"))
    say(f"chaos: seed {seed}, {args.kills} kills ({polling_kills} while polling, "
        f"{sending_kills} while sending), {args.groups} group(s); files in {workdir}")
    say(f"thresholds: NEWSDESK_STALLED_SECONDS={args.stalled_seconds}, "
        f"NEWSDESK_POLL_CLAIM_SECONDS={args.claim_seconds}")

    simulator, sim = start_simulator(args, workdir)
    sink = SinkProcess(workdir, "chaos")
    groups: list[DeskGroup] = []
    try:
        for _ in range(100):
            try:
                resolve = json.loads(sim_call(sim, "/_sim/resolve"))
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("bench/chaos.py: the publisher simulator did not start")
        opml = workdir / "sources.opml"
        opml.write_bytes(sim_call(sim, "/_sim/opml?farm=1"))
        database_url = prepare_database(args.database_url, workdir)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")},
            "PYTHONPATH": str(ROOT / "src"),
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "chaos-check-secret-not-for-production",
            "NEWSDESK_ADMIN_PASSWORD": "chaos-check-admin",
            "NEWSDESK_FETCH_ALLOW_NETWORKS": "127.0.0.0/8",
            "NEWSDESK_FETCH_RESOLVE": ",".join(f"{h}={a}" for h, a in resolve.items()),
            "NEWSDESK_POLL_MIN_SECONDS": str(POLL_EVERY),
            "NEWSDESK_STALLED_SECONDS": str(args.stalled_seconds),
            "NEWSDESK_POLL_CLAIM_SECONDS": str(args.claim_seconds),
            "NEWSDESK_STORY_SETTLE_MINUTES": "2",
            "NEWSDESK_LOG_LEVEL": "WARNING",
            "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
            "NEWSDESK_FROM_EMAIL": "Newsdesk <newsdesk@chaos.example>",
        }
        os.environ.update({**env, "NEWSDESK_VAR_DIR": str(workdir / "observer")})
        sys.path.insert(0, str(ROOT / "src"))
        import django

        django.setup()
        from django.db import connection
        from django.utils import timezone

        from newsdesk.newsletter.models import Subscriber
        from newsdesk.sources.models import Source

        groups = [DeskGroup(n, env, opml, workdir) for n in range(args.groups)]
        say(f"starting {len(groups)} group(s) on {connection.vendor}")
        groups[0].start()  # the first migrates and imports the sources; then the others
        wait_until("first group's web server", lambda: ("", groups[0].web_answers()),
                   groups[:1], 600)
        for group in groups[1:]:
            group.start()
        farm = Source.objects.filter(url__contains=".farm.localhost")
        wait_until(
            "first polls",
            lambda: (f"{(n := farm.exclude(last_polled_at=None).count())}/{args.feeds} farm "
                     "feeds polled", n >= args.feeds),
            groups, 900,
        )

        killer = Killer(groups, rng)
        generations, generation_since = 1, timezone.now()

        def bump() -> bool:
            """A new farm generation, once every farm feed was polled since the last one:
            a real feed keeps its items for days, the farm's vanish at the next generation,
            so it must not outrun a desk that is slow to poll while it recovers."""
            nonlocal generations, generation_since
            if farm.filter(last_polled_at__lt=generation_since).exists():
                return False
            generation_since = timezone.now()
            sim_call(sim, "/_sim/farm/bump", post=True)
            generations += 1
            say(f"  farm generation {generations}")
            return True

        polling_seconds = args.bumps * args.bump_seconds
        say(f"polling for {polling_seconds:.0f} s with {polling_kills} kills ...")
        events = [((n + 1) * args.bump_seconds - 1, bump) for n in range(args.bumps)]
        events += [
            (rng.uniform(1, polling_seconds), lambda: killer.kill("polling", (
                "worker", "scheduler", "web")))
            for _ in range(polling_kills)
        ]
        run_for(polling_seconds, groups, events)

        say(f"digest for {args.subscribers} new subscribers, {sending_kills} kills while "
            "it is sent ...")
        created = Subscriber.objects.bulk_create(
            Subscriber(email=f"reader{n}@chaos.example", state=Subscriber.State.CONFIRMED,
                       send_hour=timezone.now().hour)
            for n in range(args.subscribers)
        )
        subscriber_ids = [s.pk for s in created] or list(
            Subscriber.objects.filter(email__endswith="@chaos.example").values_list("pk",
                                                                                    flat=True)
        )
        for _ in range(sending_kills):
            if sending(sink, args.subscribers, groups):
                time.sleep(rng.uniform(0.1, 1.0))
                killer.kill("sending", ("mail worker",))
            else:
                killer.kill("after sending", ("worker", "scheduler", "web"))
        if not killer.kills:
            raise SystemExit("bench/chaos.py: nothing was killed")

        say("waiting until the desk is back to normal ...")
        last_kill = killer.kills[-1]["at"]
        wait_until("back to normal", lambda: back_to_normal(subscriber_ids), groups,
                   8 * max(args.stalled_seconds, args.claim_seconds) + 600)
        time_back = time.monotonic() - last_kill

        figures = entry_figures(generations, args.entries)
        for problem in figures.pop("feeds_not_read_again"):
            say(f"  could not read a feed again to count its items: {problem}")
        figures |= delivery_figures(subscriber_ids, [m for m, _ in sink.records()])
    finally:
        statuses = [group.stop() for group in groups]
        simulator.terminate()
        simulator.wait(timeout=15)
        sink.stop()

    child_restarts = sum(group.restarts_seen()[0] for group in groups)
    gave_up = sum(group.restarts_seen()[1] for group in groups)
    during_sending = sum(1 for kill in killer.kills if kill["phase"] == "sending")
    phases = Counter(kill["phase"] for kill in killer.kills)
    result = {
        "database": connection.vendor,
        "groups": args.groups,
        "seed": seed,
        "stalled_seconds": args.stalled_seconds,
        "claim_seconds": args.claim_seconds,
        "kills": len(killer.kills),
        "kills_during_polling": phases["polling"],
        "kills_during_sending": during_sending,
        "kills_after_sending": phases["after sending"],
        "kills_by_role": dict(Counter(kill["role"] for kill in killer.kills)),
        "children_restarted": child_restarts,
        "groups_gave_up": gave_up,
        "groups_restarted_by_script": sum(group.starts - 1 for group in groups),
        "farm_generations": generations,
        **figures,
        "time_back_to_normal_s": round(time_back, 1),
        "stop_statuses": statuses,
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    result["targets_met"] = (
        result["entries_lost"] == 0
        and result["entries_duplicated"] == 0
        and result["articles_duplicated"] == 0
        and result["deliveries_missed"] == 0
        and result["deliveries_sent_twice"] <= during_sending
    )
    for key, value in result.items():
        print(f"{key:28} {value}")
    if args.json:
        print(json.dumps(result, allow_nan=False))
    return 0 if result["targets_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
