"""Scale-out, proven: the desk's processes run as separate machines would, on one PostgreSQL.

Two worker process groups (`newsdesk worker`, each a general worker and a clustering
consumer, each with a var folder of its own) and two schedulers (`newsdesk scheduler`)
run as four separate OS process groups against the test's PostgreSQL database. They poll
the publisher simulator on loopback, extract and cluster what it publishes, then send a
digest to a real SMTP server on loopback (aiosmtpd). The worker sending it is killed with
SIGKILL while it sends (the claim it holds on the deliveries names its process). Then:
every entry stored once, every article in exactly one story (a story still shown), no
delivery missed, at most one message received twice for the one kill.

PostgreSQL only: several machines share one database server (row locks with SKIP LOCKED
for the queues, an advisory lock for clustering); a SQLite file is one machine's.
The scheduler starts a digest run every second (NEWSDESK_DIGEST_RUN_SECONDS=1, instead
of every minute), so that the mail the killed worker left is sent again within the
test's time.
"""

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from desk_harness import back_to_normal, delivery_figures, entry_figures, kinds_of, proc_tree
from django.db import connection
from loopback import free_port

from newsdesk.newsletter.models import Delivery, Subscriber
from newsdesk.simulator import SimulatorThread
from newsdesk.sources.models import Entry, Source
from newsdesk.sources.registry import import_opml
from newsdesk.stories.models import StoryArticle

ROOT = Path(__file__).resolve().parents[1]
SUBSCRIBERS = 120
SMTP_DELAY = 0.05  # seconds the server takes per message: sending lasts long enough to kill


class Mailbox:
    """aiosmtpd handler recording the Message-ID of every message it accepts."""

    def __init__(self):
        self.message_ids: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(SMTP_DELAY)
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                self.message_ids.append(line.split(b":", 1)[1].strip().decode())
                break
        return "250 OK"


def database_url() -> str:
    params = connection.settings_dict
    user = params["USER"] or ""
    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    at = "@" if user else ""
    return (f"postgresql://{user}{password}{at}{params['HOST'] or '127.0.0.1'}:"
            f"{params['PORT'] or 5432}/{params['NAME']}")


class Machines:
    """The desk's commands, each started as a process group of its own."""

    def __init__(self, env: dict, workdir: Path):
        self.env = env
        self.workdir = workdir
        self.groups: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, *command: str) -> None:
        var = self.workdir / name
        var.mkdir()
        log = open(self.workdir / f"{name}.log", "w")  # noqa: SIM115 (the child writes it)
        process = subprocess.Popen(
            [sys.executable, "-m", "newsdesk.cli", *command],
            env={**self.env, "NEWSDESK_VAR_DIR": str(var)}, cwd=ROOT,
            stdout=log, stderr=subprocess.STDOUT, process_group=0,
        )
        log.close()
        self.groups.append((name, process))

    def check_alive(self) -> None:
        for name, process in self.groups:
            assert process.poll() is None, f"{name} exited:\n{self.log(name)}"

    def log(self, name: str) -> str:
        return (self.workdir / f"{name}.log").read_text(errors="replace")[-3000:]

    def pids(self) -> list[int]:
        return [pid for _, process in self.groups for pid in proc_tree(process.pid)]

    def stop(self) -> None:
        for _, process in self.groups:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for _, process in self.groups:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_until(label: str, done, machines: Machines, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        machines.check_alive()
        progress, finished = done()
        if finished:
            return
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {name}\n{machines.log(name)}" for name, _ in machines.groups)
            raise AssertionError(f"{label}: not reached after {timeout:.0f} s ({progress})\n{logs}")
        time.sleep(0.1)


@pytest.fixture
def machines(transactional_db, tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("scale-out needs PostgreSQL (machines share one database server); "
                    "run this file with DATABASE_URL=postgresql://...")
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    simulator = SimulatorThread(release_all=True).start()
    resolve = simulator.resolve_map()
    # this process re-reads the feeds to count what they list
    settings.NEWSDESK_FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    settings.NEWSDESK_FETCH_RESOLVE = resolve
    env = {
        **{k: v for k, v in os.environ.items()
           if not k.startswith(("NEWSDESK_", "DJANGO_", "DATABASE_URL", "EMAIL_URL"))},
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
        "DATABASE_URL": database_url(),
        "SECRET_KEY": "scale-out-test-secret-not-for-production",
        "NEWSDESK_FETCH_ALLOW_NETWORKS": "127.0.0.0/8",
        "NEWSDESK_FETCH_RESOLVE": ",".join(f"{h}={a}" for h, a in resolve.items()),
        # The sending worker's claims are taken over at once (it ran on this host and is
        # gone), so NEWSDESK_MAIL_CLAIM_SECONDS keeps its default: shortened below the
        # time a batch takes to send on a loaded machine, it would hand a live worker's
        # deliveries to another, which sends them again.
        "NEWSDESK_STALLED_SECONDS": "30",
        "NEWSDESK_POLL_CLAIM_SECONDS": "30",
        "NEWSDESK_DIGEST_RUN_SECONDS": "1",
        "NEWSDESK_LOG_LEVEL": "WARNING",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "NEWSDESK_FROM_EMAIL": "Newsdesk <newsdesk@scale.example>",
        "NEWSDESK_BASE_URL": "https://news.example",
    }
    desk = Machines(env, tmp_path)
    try:
        yield desk, simulator, mailbox
    finally:
        desk.stop()
        simulator.stop()
        smtp.stop()


def test_two_worker_groups_and_two_schedulers_share_one_database_through_a_kill(machines):
    desk, simulator, mailbox = machines
    import_opml(simulator.opml().encode(), name="simulator.opml")
    sources = Source.objects.count()
    assert sources > 10

    for machine in ("a", "b"):
        desk.start(f"worker-{machine}", "worker", "--processes", "1", "--interval", "0.2")
        desk.start(f"scheduler-{machine}", "scheduler", "--interval", "0.5")
    assert len({os.getpgid(process.pid) for _, process in desk.groups}) == 4

    def ingested():
        polled = Source.objects.exclude(last_polled_at=None).count()
        pending, done = back_to_normal([])
        return (f"{polled}/{sources} sources polled, {pending}",
                polled == sources and Entry.objects.exists() and done)

    # Polled, extracted and clustered by the two groups together.
    wait_until("every source polled, every entry extracted and in a story", ingested, desk, 180)
    running = kinds_of(desk.pids())
    assert len(running["worker"]) == 2 and len(running["clustering consumer"]) == 2
    assert len(running["scheduler"]) == 2

    # A digest for every subscriber, the worker sending it killed while it sends.
    subscriber_ids = [s.pk for s in Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{n}@scale.example", state=Subscriber.State.CONFIRMED)
        for n in range(SUBSCRIBERS)
    )]
    wait_until("a third of the digests received",
               lambda: (f"{len(mailbox.message_ids)} received",
                        len(mailbox.message_ids) >= SUBSCRIBERS // 3), desk, 60)
    holder = (Delivery.objects.filter(state=Delivery.State.SENDING)
              .values_list("claimed_by", flat=True).first())
    assert holder, "no delivery was being sent"
    sender = int(holder.rpartition(":")[2])
    assert sender in running["worker"], f"{holder} is not one of the desk's workers"
    os.kill(sender, signal.SIGKILL)
    received_at_kill = len(mailbox.message_ids)
    assert received_at_kill < SUBSCRIBERS, "the kill did not land while sending"

    wait_until("back to normal after the kill", lambda: back_to_normal(subscriber_ids), desk, 60)

    entries = entry_figures(generations=0, entries_per_feed=0)
    assert entries["feeds_not_read_again"] == []
    assert entries["entries_lost"] == 0
    assert entries["entries_duplicated"] == 0
    assert entries["entries_stored"] == Entry.objects.count(), "an item stored twice"
    assert entries["articles_duplicated"] == 0
    assert entries["articles_without_story"] == 0  # and at most one: the article is the key
    assert not StoryArticle.objects.filter(story__merged_into__isnull=False).exists(), (
        "an article left in a story that was folded into another")

    mail = delivery_figures(subscriber_ids, mailbox.message_ids)
    assert mail["deliveries_due"] == SUBSCRIBERS
    assert mail["deliveries_missed"] == 0
    assert mail["deliveries_sent_twice"] <= 1, "more than one resend for one kill"
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}
    # the killed worker was started again by its group, which went on
    assert sender not in kinds_of(desk.pids())["worker"]
    assert len(kinds_of(desk.pids())["worker"]) == 2
