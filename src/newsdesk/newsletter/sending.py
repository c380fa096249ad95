"""Handing digests to the mail server: headers, VERP, DKIM, connection reuse, rate,
concurrency, and what each SMTP answer means for the delivery.

Messages go through Django's mail backends (mailers.default), so the embedded outbox
and any SMTP server work alike. With the SMTP backend, NEWSDESK_MAIL_CONCURRENCY
connections are opened once and reused for every message of a run; other backends are
used from the calling thread only.
"""

import email
import email.policy
import hashlib
import hmac
import os
import re
import smtplib
import socket
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from email.utils import parseaddr
from enum import Enum
from functools import lru_cache
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend

from newsdesk.newsletter.mime import build_bytes

# --- addresses and headers ------------------------------------------------------------


def mail_domain() -> str:
    """The domain of our From address (also the Message-ID and List-Id domain)."""
    return _domain_of(settings.DEFAULT_FROM_EMAIL, settings.NEWSDESK_BASE_URL)


@lru_cache(maxsize=8)
def _domain_of(from_email: str, base_url: str) -> str:
    address = parseaddr(from_email)[1]
    return address.rpartition("@")[2] or urlsplit(base_url).hostname


def bounce_domain() -> str:
    return settings.NEWSDESK_BOUNCE_DOMAIN or mail_domain()


def _verp_signature(delivery_id: int) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"verp:{delivery_id}".encode(), hashlib.sha256).hexdigest()[:10]


def verp_address(delivery_id: int) -> str:
    """The envelope sender of one delivery: bounces+<id>-<signature>@<bounce domain>, so
    that a bounce names the delivery it is about and cannot be forged for another."""
    local = settings.NEWSDESK_BOUNCE_LOCALPART
    return f"{local}+{delivery_id}-{_verp_signature(delivery_id)}@{bounce_domain()}"


def delivery_from_verp(address: str) -> int | None:
    """The delivery id in a VERP address, or None when it is not one of ours."""
    local = address.strip("<>").rpartition("@")[0]
    _, plus, tag = local.partition("+")
    number, _, signature = tag.partition("-")
    if not plus or not number.isdigit():
        return None
    if not hmac.compare_digest(signature, _verp_signature(int(number))):
        return None
    return int(number)


def new_message_id() -> str:
    """A Message-ID chosen when the delivery is planned and reused on every retry."""
    return f"<{os.urandom(12).hex()}.digest@{mail_domain()}>"


def list_headers(unsubscribe_url: str, unsubscribe_token: str) -> dict[str, str]:
    mailto = (
        f"mailto:{settings.NEWSDESK_UNSUBSCRIBE_LOCALPART}@{bounce_domain()}"
        f"?subject={quote('unsubscribe ' + unsubscribe_token)}"
    )
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{settings.NEWSDESK_SITE_NAME} digest <digest.{mail_domain()}>",
    }


# --- DKIM ---------------------------------------------------------------------------------


def dkim_key() -> bytes | None:
    text = settings.NEWSDESK_DKIM_PRIVATE_KEY
    path = settings.NEWSDESK_DKIM_KEY_FILE
    if path:
        with open(path, "rb") as handle:
            return handle.read()
    return text.encode() if text else None


SIGNED_HEADERS = [b"from", b"to", b"subject", b"date", b"message-id", b"list-unsubscribe",
                  b"list-unsubscribe-post", b"list-id", b"mime-version", b"content-type"]


def dkim_sign(raw: bytes, key: bytes) -> bytes:
    import dkim

    selector = settings.NEWSDESK_DKIM_SELECTOR.encode()
    domain = (settings.NEWSDESK_DKIM_DOMAIN or mail_domain()).encode()
    signature = dkim.sign(
        raw, selector, domain, key,
        include_headers=SIGNED_HEADERS, canonicalize=(b"relaxed", b"relaxed"),
    )
    return signature + raw


class _FinalMessage:
    """A built message whose bytes are final (signed): backends get exactly these."""

    def __init__(self, raw: bytes):
        self._raw = raw
        self._parsed = None

    def as_bytes(self, *args, **kwargs) -> bytes:
        return self._raw

    def _message(self):
        if self._parsed is None:
            self._parsed = email.message_from_bytes(self._raw, policy=email.policy.default)
        return self._parsed

    def __getattr__(self, name):
        if name.startswith("_"):  # copy and pickle probe for these before __init__ ran
            raise AttributeError(name)
        return getattr(self._message(), name)

    def __getitem__(self, name):
        return self._message()[name]


class DigestEmail(EmailMultiAlternatives):
    """A digest whose bytes are built once from its already-encoded bodies
    (mime.build_bytes; DKIM-signed when a key is configured), so that every backend
    sends exactly what was signed."""

    _final = None

    def __init__(self, rendered, *args, **kwargs):
        super().__init__(rendered.subject, "", *args, **kwargs)
        self.rendered = rendered

    def message(self, *, policy=email.policy.default):
        if self._final is None:
            headers = {k: v for k, v in self.extra_headers.items() if k.lower() != "from"}
            raw = build_bytes(
                subject=self.subject,
                from_header=self.extra_headers.get("From", self.from_email),
                to=", ".join(self.to),
                headers=headers,
                text_qp=self.rendered.text_qp,
                html_qp=self.rendered.html_qp,
            )
            key = dkim_key()
            self._final = _FinalMessage(dkim_sign(raw, key) if key else raw)
        return self._final


def build_email(*, delivery, address: str, rendered, unsubscribe_url: str,
                unsubscribe_token: str) -> DigestEmail:
    headers = {
        "From": settings.DEFAULT_FROM_EMAIL,
        "Message-ID": delivery.message_id,
        **list_headers(unsubscribe_url, unsubscribe_token),
    }
    return DigestEmail(rendered, verp_address(delivery.pk), [address], headers=headers)


# --- what the server said -------------------------------------------------------------------


class Outcome(Enum):
    SENT = "sent"
    RETRY = "retry"  # 4xx, a dropped connection: try again later
    REJECTED = "rejected"  # 5xx for the message: give up
    RECIPIENT_REJECTED = "recipient_rejected"  # 5xx for the address: suppress it


@dataclass
class Result:
    key: object
    outcome: Outcome
    detail: str = ""


def classify(error: Exception) -> tuple[Outcome, str]:
    """An exception from sending one message, as an outcome and a line for the log."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
        detail = f"recipient refused: {code} {_text(text)}"
        return (Outcome.RECIPIENT_REJECTED if code >= 500 else Outcome.RETRY), detail
    if isinstance(error, smtplib.SMTPResponseException):
        detail = f"server answered {error.smtp_code} {_text(error.smtp_error)}"
        return (Outcome.REJECTED if error.smtp_code >= 500 else Outcome.RETRY), detail
    if isinstance(error, (smtplib.SMTPException, OSError)):
        return Outcome.RETRY, f"connection failed: {type(error).__name__}: {error}"
    raise error


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


# --- the connections --------------------------------------------------------------------------


class RateLimit:
    """At most `per_second` messages per second across all threads (0 = no limit)."""

    def __init__(self, per_second: float):
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.next_at = time.monotonic()
        self.lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self.lock:
            now = time.monotonic()
            wait_until = max(self.next_at, now)
            self.next_at = wait_until + self.interval
        if wait_until > now:
            time.sleep(wait_until - now)


SWITCH_INTERVAL = 0.0002  # seconds, while sending threads run
PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")


# RFC 5321 Mailbox with a Dot-string local part and a plain domain: smtplib.quoteaddr
# would give it back as it is, in angle brackets.
DOT_ATOM_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
)


def _path(address: str) -> str:
    """The reverse- or forward-path of MAIL FROM / RCPT TO, as smtplib.quoteaddr makes it."""
    return f"<{address}>" if DOT_ATOM_ADDRESS.fullmatch(address) else smtplib.quoteaddr(address)


def _envelope_address(backend, address: str) -> str:
    """A bare ASCII address (ours, or one email-validator accepted) as it is; anything
    else through the backend's full parser (display names, IDNA, injection checks)."""
    return address if PLAIN_ADDRESS.fullmatch(address) else backend.prep_address(address)


class Sender:
    """Sends messages over reused connections and records each result; a context manager.

    `send_all(pairs)` takes (key, message) pairs; `record(result)` is called for each as
    soon as the server has answered, and the results are yielded too.

    With Django's SMTP backend, NEWSDESK_MAIL_CONCURRENCY threads each hold one
    connection (opened and authenticated by the backend) and run the SMTP transaction
    themselves: MAIL, RCPT, DATA and the body overlap across threads, but the final
    "." and the server's answer, and the recording of that answer, happen for one
    message at a time (a lock). So when the process is killed, at most one message can
    have been accepted by the server without being recorded: at most one duplicate per
    crash. Threads record through their own database connections. Other backends (the
    outbox) are used from the calling thread.
    """

    def __init__(self, record, concurrency: int | None = None, rate: float | None = None):
        self.record = record
        probe = mailers.default
        self.smtp = isinstance(probe, SmtpBackend)
        wanted = concurrency or settings.NEWSDESK_MAIL_CONCURRENCY
        self.concurrency = max(1, wanted) if self.smtp else 1
        self.rate = RateLimit(rate if rate is not None else settings.NEWSDESK_MAIL_RATE)
        self._local = threading.local()
        self._backends: list = []
        self._lock = threading.Lock()
        self._final_step = threading.Lock()
        self._pool = None
        self.unavailable: str | None = None  # set when the server cannot be reached

    def __enter__(self):
        if self.concurrency > 1:
            self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="mail")
            # The thread that holds the final step must get the interpreter back as soon
            # as the server answers; with the default 5 ms switch interval, rendering in
            # the main thread would hold every answer up by milliseconds.
            self._switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(SWITCH_INTERVAL)
        return self

    def __exit__(self, *exc):
        if self._pool:
            # Each thread closes its own database connection before the pool goes away.
            barrier = threading.Barrier(self.concurrency)
            for _ in range(self.concurrency):
                self._pool.submit(self._close_thread_connections, barrier)
            self._pool.shutdown(wait=True)
            sys.setswitchinterval(self._switch_interval)
        for backend in self._backends:
            try:
                backend.close()
            except (smtplib.SMTPException, OSError):
                pass
        return False

    @staticmethod
    def _close_thread_connections(barrier) -> None:
        from django.db import connections

        try:
            barrier.wait(timeout=10)
        except threading.BrokenBarrierError:
            pass
        connections.close_all()

    def _backend(self):
        backend = getattr(self._local, "backend", None)
        if backend is None:
            backend = mailers.default
            backend.open()
            if self.smtp and backend.connection is not None and backend.connection.sock:
                # The final "." goes out as its own small write after the body; without
                # TCP_NODELAY, Nagle's algorithm holds it until the body is acknowledged.
                backend.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._local.backend = backend
            with self._lock:
                self._backends.append(backend)
        return backend

    def _drop_backend(self) -> None:
        backend = getattr(self._local, "backend", None)
        self._local.backend = None
        if backend is not None:
            try:
                backend.close()
            except (smtplib.SMTPException, OSError):
                pass

    def send_one(self, key, message) -> Result:
        if self.unavailable:  # do not knock on a closed door once per message
            result = Result(key, Outcome.RETRY, self.unavailable)
            self.record(result)
            return result
        self.rate.wait()
        try:
            try:
                backend = self._backend()
            except (smtplib.SMTPException, OSError) as error:
                self.unavailable = f"mail server unreachable: {type(error).__name__}: {error}"
                raise
            if self.smtp:
                return self._transaction(backend, key, message)
            backend.send_messages([message])
        except (smtplib.SMTPException, OSError) as error:
            outcome, detail = classify(error)
            if not isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused):
                self._drop_backend()  # the connection may be unusable now
            result = Result(key, outcome, detail)
            self.record(result)
            return result
        result = Result(key, Outcome.SENT)
        self.record(result)
        return result

    def _transaction(self, backend, key, message) -> Result:
        """One SMTP transaction (RFC 5321 section 3.3) on the backend's open connection."""
        smtp = backend.connection
        raw = message.message().as_bytes()
        sender = _envelope_address(backend, message.from_email)
        recipients = [_envelope_address(backend, a) for a in message.recipients()]
        smtp.ehlo_or_helo_if_needed()
        # MAIL and RCPT as smtplib's mail() and rcpt() send them (no options), without
        # their address parser for the plain addresses of nearly every digest.
        smtp.putcmd("mail", f"from:{_path(sender)}")
        code, reply = smtp.getreply()
        if code != 250:
            smtp.rset()
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        refused = {}
        for recipient in recipients:
            smtp.putcmd("rcpt", f"to:{_path(recipient)}")
            code, reply = smtp.getreply()
            if code not in (250, 251):
                refused[recipient] = (code, reply)
        if len(refused) == len(recipients):
            smtp.rset()
            raise smtplib.SMTPRecipientsRefused(refused)
        code, reply = smtp.docmd("data")
        if code != 354:
            smtp.rset()
            raise smtplib.SMTPDataError(code, reply)
        # Dot-stuffing (RFC 5321 section 4.5.2), as smtplib.SMTP.data does.
        body = raw.replace(b"\r\n.", b"\r\n..")
        if body.startswith(b"."):
            body = b"." + body
        smtp.send(body if body.endswith(b"\r\n") else body + b"\r\n")
        with self._final_step:
            smtp.send(b".\r\n")
            code, reply = smtp.getreply()
            if code == 250:
                result = Result(key, Outcome.SENT)
                self.record(result)
                return result
        raise smtplib.SMTPDataError(code, reply)

    def send_all(self, pairs):
        if self._pool is None:
            for key, message in pairs:
                yield self.send_one(key, message)
            return
        pending = set()
        for key, message in pairs:
            pending.add(self._pool.submit(self.send_one, key, message))
            if len(pending) >= self.concurrency * 2:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
