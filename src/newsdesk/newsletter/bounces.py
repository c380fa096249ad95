"""What comes back: bounces (RFC 3464 delivery status notifications), complaints (ARF,
RFC 5965 feedback reports), mailto unsubscriptions, and providers' webhooks.

Newsdesk reads its bounce address with an SMTP/LMTP receiver of its own (`newsdesk
bounces serve`, aiosmtpd): point the MX, or a forwarding rule, of NEWSDESK_BOUNCE_DOMAIN
at it. Every digest's envelope sender is a VERP address naming its delivery, so a bounce
is attributed by the address it was sent to, not by guessing from its text; when that is
missing, the addresses flufl.bounce finds in the report are matched to subscribers.

Effects: a hard bounce suppresses the address at once; soft bounces (delays, 4xx) after
NEWSDESK_SOFT_BOUNCE_LIMIT of them in a row; a complaint unsubscribes.
"""

import email
import logging
from dataclasses import dataclass
from email.message import Message

from django.conf import settings
from django.db import transaction
from flufl.bounce import all_failures

from newsdesk.core import metrics
from newsdesk.newsletter.models import Delivery, MailEvent, Subscriber
from newsdesk.newsletter.sending import delivery_from_verp
from newsdesk.newsletter.subscriptions import stop_mailing

log = logging.getLogger(__name__)


@dataclass
class Finding:
    kind: str  # a MailEvent.Kind
    recipient: str
    detail: str
    delivery_id: int | None = None


def parse_report(raw: bytes, envelope_recipients: list[str] = ()) -> list[Finding]:
    """What a returned message says, per recipient (empty when it is not a report)."""
    message = email.message_from_bytes(raw)
    delivery_id = next(
        (d for d in map(delivery_from_verp, envelope_recipients) if d is not None), None
    )
    complaint = _feedback_report(message)
    if complaint is not None:
        recipient, detail, message_id = complaint
        if delivery_id is None and message_id:
            delivery_id = (
                Delivery.objects.filter(message_id=message_id).values_list("pk", flat=True)
                .first()
            )
        return [Finding(MailEvent.Kind.COMPLAINT, recipient, detail, delivery_id)]
    temporary, permanent = all_failures(message)
    status = _status_lines(message)
    findings = [
        Finding(MailEvent.Kind.HARD_BOUNCE, address.decode(), status, delivery_id)
        for address in sorted(permanent)
    ]
    findings += [
        Finding(MailEvent.Kind.SOFT_BOUNCE, address.decode(), status, delivery_id)
        for address in sorted(temporary - permanent)
    ]
    if not findings and delivery_id is not None and _is_report(message):
        findings.append(Finding(MailEvent.Kind.SOFT_BOUNCE, "", status, delivery_id))
    return findings


def _is_report(message: Message) -> bool:
    return message.get_content_type() == "multipart/report"


def _feedback_report(message: Message):
    """(recipient, detail, original Message-ID) of an ARF report, or None."""
    if message.get_content_type() != "multipart/report" or (
        message.get_param("report-type") or ""
    ).lower() != "feedback-report":
        return None
    fields: Message | None = None
    original: Message | None = None
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/feedback-report":
            payload = part.get_payload()
            fields = payload[0] if isinstance(payload, list) else email.message_from_string(
                payload
            )
        elif kind in ("message/rfc822", "text/rfc822-headers"):
            payload = part.get_payload()
            original = payload[0] if isinstance(payload, list) else email.message_from_string(
                payload
            )
    if fields is None:
        return None
    recipient = (fields.get("Original-Rcpt-To") or "").strip().strip("<>")
    if not recipient and original is not None:
        recipient = email.utils.parseaddr(original.get("To", ""))[1]
    message_id = (original.get("Message-ID", "") if original is not None else "").strip()
    detail = f"Feedback-Type: {fields.get('Feedback-Type', '?')}; " \
             f"User-Agent: {fields.get('User-Agent', '?')}"
    return recipient.lower(), detail, message_id


def _status_lines(message: Message) -> str:
    lines = []
    for part in message.walk():
        if part.get_content_type() == "message/delivery-status":
            for block in part.get_payload() if part.is_multipart() else []:
                for name in ("Action", "Status", "Diagnostic-Code"):
                    if block.get(name):
                        lines.append(f"{name}: {block.get(name)}")
    return "; ".join(lines)[:2000]


def apply(finding: Finding, *, source: str) -> Subscriber | None:
    """Record a finding and act on it; returns the subscriber it was about."""
    delivery = (
        Delivery.objects.select_related("subscriber").filter(pk=finding.delivery_id).first()
        if finding.delivery_id else None
    )
    subscriber = delivery.subscriber if delivery else (
        Subscriber.objects.filter(email=finding.recipient.lower()).first()
        if finding.recipient else None
    )
    metrics.count_mail_event(finding.kind, source)
    with transaction.atomic():
        MailEvent.objects.create(
            kind=finding.kind, recipient=finding.recipient or (subscriber.email if subscriber
                                                               else ""),
            subscriber=subscriber, delivery=delivery, source=source, detail=finding.detail,
        )
        if subscriber is None:
            log.info("%s for unknown address %r ignored", finding.kind, finding.recipient)
            return None
        _act(subscriber, delivery, finding.kind)
    return subscriber


def _act(subscriber, delivery, kind) -> None:
    active = Subscriber.objects.filter(pk=subscriber.pk).exclude(
        state__in=[Subscriber.State.COMPLAINED, Subscriber.State.UNSUBSCRIBED]
    )
    if kind == MailEvent.Kind.COMPLAINT:
        stop_mailing(Subscriber.objects.filter(pk=subscriber.pk), Subscriber.State.COMPLAINED)
        return
    if delivery is not None:
        Delivery.objects.filter(pk=delivery.pk).update(state=Delivery.State.BOUNCED)
    if kind == MailEvent.Kind.HARD_BOUNCE:
        stop_mailing(active, Subscriber.State.BOUNCED)
        return
    limit = settings.NEWSDESK_SOFT_BOUNCE_LIMIT
    subscriber.soft_bounces += 1
    Subscriber.objects.filter(pk=subscriber.pk).update(soft_bounces=subscriber.soft_bounces)
    if subscriber.soft_bounces >= limit:
        stop_mailing(active, Subscriber.State.BOUNCED)


def handle_incoming(raw: bytes, envelope_recipients: list[str]) -> list[Finding]:
    """A message that arrived at our bounce domain: an unsubscription by mail, or a report."""
    from newsdesk.newsletter.subscriptions import unsubscribe_subscriber
    from newsdesk.newsletter.tokens import LinkError, read_token

    local = settings.NEWSDESK_UNSUBSCRIBE_LOCALPART
    if any(r.lower().startswith(f"{local}@") for r in envelope_recipients):
        subject = email.message_from_bytes(raw).get("Subject", "")
        token = subject.strip().rpartition(" ")[2]
        try:
            subscriber, _ = read_token(token, "unsubscribe")
        except LinkError:
            log.info("unsubscribe mail with an unusable token ignored")
            return []
        unsubscribe_subscriber(subscriber)
        return []
    findings = parse_report(raw, envelope_recipients)
    for finding in findings:
        apply(finding, source="arf" if finding.kind == MailEvent.Kind.COMPLAINT else "dsn")
    return findings
