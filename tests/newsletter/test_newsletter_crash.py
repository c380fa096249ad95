"""Delivered once, even when the worker is killed with SIGKILL mid-send and restarted.

The worker is the real `newsdesk digest send` process; the mail server is an aiosmtpd
sink on loopback that records every Message-ID it accepts."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from newsletter_support import free_port

ROOT = Path(__file__).resolve().parents[2]
SUBSCRIBERS = 60

SEED = f"""
import django; django.setup()
from datetime import timedelta
from django.utils import timezone
from newsdesk.newsletter.models import Subscriber
from newsdesk.stories.models import Story
for n in range(3):
    Story.objects.create(title=f"Crash test story {{n}}", excerpt="Written for the test.",
                         article_count=1, publisher_count=1,
                         last_updated_at=timezone.now() - timedelta(hours=1))
Subscriber.objects.bulk_create(
    Subscriber(email=f"reader{{n}}@example.org", state="confirmed") for n in range({SUBSCRIBERS}))
"""

REPORT = """
import django, json; django.setup()
from newsdesk.newsletter.models import Delivery
print(json.dumps(list(Delivery.objects.values_list("message_id", "state"))))
"""


@dataclass
class SlowSink:
    """Accepts every message after a short pause, recording its Message-ID."""

    message_ids: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.02)
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                self.message_ids.append(line.split(b":", 1)[1].strip().decode())
                break
        return "250 OK"


@pytest.fixture
def worker_env(transactional_db, tmp_path):
    """Environment for child processes that share this test's database."""
    sink = SlowSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(Path(__file__).parent)]),
        "DJANGO_SETTINGS_MODULE": "crash_settings",
        "NEWSDESK_TESTING": "1",
        "NEWSDESK_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "crash-test-secret-key-not-for-production",
        "EMAIL_URL": f"smtp://127.0.0.1:{controller.port}",
        "NEWSDESK_BASE_URL": "https://news.example",
    }
    if connection.vendor == "postgresql":
        params = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgresql://{params['USER'] or ''}{':' if params['PASSWORD'] else ''}"
            f"{params['PASSWORD'] or ''}{'@' if params['USER'] else ''}"
            f"{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"
        )
    else:  # the test database is in memory: the workers get a file database of their own
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'crash.sqlite3'}"
        run(env, "-m", "newsdesk.cli", "migrate", "--no-input", "-v", "0")
    yield env, sink
    controller.stop()


def run(env, *args, timeout=120):
    result = subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True,
                            timeout=timeout, text=True)
    assert result.returncode == 0, f"{args} failed:\n{result.stderr[-3000:]}"
    return result.stdout


def test_worker_killed_mid_send_then_restarted_misses_no_one(worker_env):
    env, sink = worker_env
    run(env, "-c", SEED)

    worker = subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "digest", "send"],
                              env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(sink.message_ids) < SUBSCRIBERS // 3 and time.monotonic() < deadline:
        assert worker.poll() is None, worker.stderr.read().decode()[-3000:]
        time.sleep(0.01)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    received_before_restart = len(sink.message_ids)
    assert 0 < received_before_restart < SUBSCRIBERS, "the kill did not land mid-send"

    run(env, "-m", "newsdesk.cli", "digest", "send")

    deliveries = dict(json.loads(run(env, "-c", REPORT)))
    counts = Counter(sink.message_ids)
    assert len(deliveries) == SUBSCRIBERS
    assert set(deliveries.values()) == {"sent"}
    assert set(counts) == set(deliveries), "a subscriber was missed"
    duplicates = sum(n - 1 for n in counts.values())
    assert duplicates <= 1, f"{duplicates} messages arrived twice after one kill"
