"""An SMTP server on loopback that accepts every message and records its Message-ID.

aiosmtpd in a process of its own, so that its CPU use is its own. Each accepted message
adds one line "<Message-ID> <size>" to a file, which survives anything the benchmark
does to the processes under test (bench/digest.py, bench/chaos.py).
"""

import subprocess
import sys
from pathlib import Path

from common import cpu_seconds, free_port

SINK = r"""
import asyncio, sys, time
from aiosmtpd.controller import Controller

port, path = int(sys.argv[1]), sys.argv[2]
out = open(path, "a", buffering=1)

class Sink:
    async def handle_DATA(self, server, session, envelope):
        data = envelope.content
        start = data.find(b"\nMessage-ID:")
        if start < 0:
            start = data.find(b"\nMessage-Id:")
        end = data.find(b"\r\n", start + 1)
        out.write(f"{data[start + 12:end].strip().decode()} {len(data)}\n")
        return "250 OK"

controller = Controller(Sink(), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
try:
    sys.stdin.read()
finally:
    controller.stop()
"""


class SinkProcess:
    def __init__(self, workdir: Path, name: str):
        self.port = free_port()
        self.path = workdir / f"sink-{name}.txt"
        self.path.touch()
        self.process = subprocess.Popen(
            [sys.executable, "-c", SINK, str(self.port), str(self.path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if self.process.stdout.readline().strip() != "ready":
            raise SystemExit("the SMTP sink on loopback did not start")

    def count(self) -> int:
        with open(self.path, "rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))

    def records(self) -> list[tuple[str, int]]:
        rows = []
        for line in self.path.read_text().splitlines():
            message_id, _, size = line.rpartition(" ")
            rows.append((message_id, int(size)))
        return rows

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.process.pid)

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)
