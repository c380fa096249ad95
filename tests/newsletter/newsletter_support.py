"""Shared pieces of the newsletter tests: a recording SMTP handler and constants."""

import re
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from urllib.parse import urlsplit

from loopback import free_port  # noqa: F401  (the newsletter tests import it from here)

BASE_URL = "https://news.example"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list
    data: bytes

    @property
    def message(self):
        return BytesParser(policy=policy.default).parsebytes(self.data)


@dataclass
class RecordingHandler:
    """Keeps every message; answers `replies[address]` (e.g. "451 4.2.0 Try later")
    to RCPT TO for the addresses listed there."""

    received: list = field(default_factory=list)
    replies: dict = field(default_factory=dict)
    sessions: int = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.replies.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"


def link_in(text: str, path_part: str) -> str:
    match = re.search(rf"https?://\S*{path_part}\S*", text)
    assert match, f"no {path_part} link in:\n{text}"
    return match.group(0)


def path_of(url: str) -> str:
    return urlsplit(url).path
