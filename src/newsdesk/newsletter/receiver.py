"""The bounce receiver: an SMTP server (aiosmtpd) for mail to NEWSDESK_BOUNCE_DOMAIN.

Run with `newsdesk bounces serve`; point the bounce domain's MX (or a forwarding rule)
at it. It accepts mail only for our bounce and unsubscribe addresses and hands each
message to bounces.handle_incoming in a worker thread (the ORM is synchronous).
"""

import asyncio
import logging

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import close_old_connections

from newsdesk.newsletter import bounces
from newsdesk.newsletter.sending import bounce_domain

log = logging.getLogger(__name__)


def _ours(address: str) -> bool:
    local, _, domain = address.lower().rpartition("@")
    bounce_local = settings.NEWSDESK_BOUNCE_LOCALPART
    unsubscribe_local = settings.NEWSDESK_UNSUBSCRIBE_LOCALPART
    abuse_local = settings.NEWSDESK_FEEDBACK_LOCALPART
    return domain == bounce_domain().lower() and (
        local in (bounce_local, unsubscribe_local, abuse_local)
        or local.startswith(f"{bounce_local}+")
    )


def _process(raw: bytes, recipients: list[str]) -> None:
    try:
        bounces.handle_incoming(raw, recipients)
    finally:
        close_old_connections()


class BounceHandler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not _ours(address):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        try:
            await asyncio.get_running_loop().run_in_executor(
                None, _process, raw, list(envelope.rcpt_tos)
            )
        except Exception:
            log.exception("bounce from %s could not be processed", envelope.mail_from)
            return "451 4.3.0 Could not process the message now; try again later"
        return "250 OK"


def start(host: str, port: int) -> Controller:
    controller = Controller(BounceHandler(), hostname=host, port=port)
    controller.start()
    return controller
