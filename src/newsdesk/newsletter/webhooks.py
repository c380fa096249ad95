"""Bounce and complaint webhooks of common sending providers.

POST /newsletter/webhooks/<provider>/<secret>/. Two factors authenticate a call: the
secret in the URL (NEWSDESK_WEBHOOK_SECRET, for every provider), and the provider's own
proof wherever it offers one that needs no certificates fetched:

- mailgun: Mailgun's webhooks (event "failed" with severity permanent/temporary, or
  "complained"). Each body carries signature = HMAC-SHA256(signing key, timestamp +
  token); it must match NEWSDESK_MAILGUN_WEBHOOK_SIGNING_KEY, the timestamp must be
  within NEWSDESK_WEBHOOK_MAX_AGE seconds of our clock, and a token is accepted once
  (remembered in the shared cache), so a captured call cannot be replayed.
- postmark: Postmark's bounce and spam-complaint webhooks (RecordType "Bounce" with Type
  HardBounce/SoftBounce/..., or "SpamComplaint"). Postmark signs nothing, but sends the
  HTTP Basic credentials written in its webhook URL; they must match
  NEWSDESK_POSTMARK_WEBHOOK_USERNAME and _PASSWORD.
- ses: Amazon SES notifications delivered by SNS over https (Type "Notification" whose
  Message is the SES event: notificationType/eventType Bounce or Complaint). SNS signs
  with a certificate that would have to be fetched, so it is not checked; SNS can send
  HTTP Basic credentials written in its endpoint URL, which must then match
  NEWSDESK_SES_WEBHOOK_USERNAME and _PASSWORD (when those are set). The SNS subscription
  confirmation must be confirmed by the operator (its SubscribeURL is logged).

Mailgun and Postmark calls are refused (503, so that the provider retries) while their
keys are not configured: an unchecked call is never processed.
"""

import base64
import binascii
import hashlib
import hmac
import json
import logging
import re
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from newsdesk.newsletter.bounces import Finding, apply
from newsdesk.newsletter.models import Delivery, MailEvent

log = logging.getLogger(__name__)

MAX_ADDRESS_LENGTH = 254  # RFC 5321's limit, and MailEvent.recipient's
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
POSTMARK_HARD = {"HardBounce", "BadEmailAddress", "ManuallyDeactivated", "Blocked"}
POSTMARK_SOFT = {"SoftBounce", "Transient", "DnsError", "AutoResponder"}


def postmark_findings(data: dict) -> list[Finding]:
    record = data.get("RecordType")
    address = (data.get("Email") or "").lower()
    message_id = data.get("MessageID") or ""
    if record == "SpamComplaint":
        return [
            Finding(
                MailEvent.Kind.COMPLAINT,
                address,
                "postmark spam complaint",
                _delivery_for(message_id),
            )
        ]
    if record != "Bounce":
        return []
    kind = data.get("Type", "")
    if kind in POSTMARK_HARD:
        event = MailEvent.Kind.HARD_BOUNCE
    elif kind in POSTMARK_SOFT:
        event = MailEvent.Kind.SOFT_BOUNCE
    else:
        return []
    detail = f"postmark {kind}: {data.get('Description', '')}".strip()
    return [Finding(event, address, detail[:2000], _delivery_for(message_id))]


def ses_findings(data: dict) -> list[Finding]:
    if data.get("Type") == "SubscriptionConfirmation":
        log.warning("SES/SNS subscription to confirm: %s", data.get("SubscribeURL"))
        return []
    event = data
    if "Message" in data:  # SNS wraps the SES event as JSON text
        event = json_value(data.get("Message") or "{}", "the SNS Message")
    kind = event.get("notificationType") or event.get("eventType")
    message_id = _ses_message_id(event.get("mail") or {})
    delivery_id = _delivery_for(message_id)
    if kind == "Bounce":
        bounce = event.get("bounce") or {}
        hard = bounce.get("bounceType") == "Permanent"
        return [
            Finding(
                MailEvent.Kind.HARD_BOUNCE if hard else MailEvent.Kind.SOFT_BOUNCE,
                (r.get("emailAddress") or "").lower(),
                f"ses {bounce.get('bounceType')}/{bounce.get('bounceSubType')}: "
                f"{r.get('diagnosticCode', '')}"[:2000],
                delivery_id,
            )
            for r in bounce.get("bouncedRecipients") or []
        ]
    if kind == "Complaint":
        complaint = event.get("complaint") or {}
        return [
            Finding(
                MailEvent.Kind.COMPLAINT,
                (r.get("emailAddress") or "").lower(),
                f"ses complaint: {complaint.get('complaintFeedbackType', 'abuse')}",
                delivery_id,
            )
            for r in complaint.get("complainedRecipients") or []
        ]
    return []


def _ses_message_id(mail: dict) -> str:
    for header in mail.get("headers") or []:
        if (header.get("name") or "").lower() == "message-id":
            return header.get("value") or ""
    return ""


def mailgun_findings(data: dict) -> list[Finding]:
    event = data.get("event-data")
    if not isinstance(event, dict):
        return []
    address = str(event.get("recipient") or "").lower()
    message = event.get("message") if isinstance(event.get("message"), dict) else {}
    headers = message.get("headers") if isinstance(message.get("headers"), dict) else {}
    delivery_id = _delivery_for(str(headers.get("message-id") or ""))
    kind = event.get("event")
    if kind == "complained":
        return [Finding(MailEvent.Kind.COMPLAINT, address, "mailgun complaint", delivery_id)]
    if kind != "failed":
        return []
    severity = event.get("severity")
    status = event.get("delivery-status") if isinstance(event.get("delivery-status"), dict) else {}
    detail = (
        f"mailgun {severity} failure ({event.get('reason', '')}): {status.get('code', '')} "
        f"{status.get('description') or status.get('message') or ''}"
    ).strip()
    hard = severity == "permanent"
    return [
        Finding(
            MailEvent.Kind.HARD_BOUNCE if hard else MailEvent.Kind.SOFT_BOUNCE,
            address,
            detail[:2000],
            delivery_id,
        )
    ]


def _delivery_for(message_id: str) -> int | None:
    if not message_id:
        return None
    wanted = message_id if message_id.startswith("<") else f"<{message_id}>"
    return Delivery.objects.filter(message_id=wanted).values_list("pk", flat=True).first()


PROVIDERS = {"mailgun": mailgun_findings, "postmark": postmark_findings, "ses": ses_findings}


# --- authentication -----------------------------------------------------------------------


@dataclass
class Rejection(Exception):
    """A call we will not process; the message tells the operator what to fix."""

    status: int
    message: str
    headers: dict = field(default_factory=dict)

    def response(self, provider: str) -> HttpResponse:
        response = HttpResponse(
            f"{provider} webhook: {self.message}\n", status=self.status, content_type="text/plain"
        )
        for name, value in self.headers.items():
            response[name] = value
        return response


# provider: (setting of the user name, setting of the password, required)
BASIC_AUTH = {
    "postmark": (
        "NEWSDESK_POSTMARK_WEBHOOK_USERNAME",
        "NEWSDESK_POSTMARK_WEBHOOK_PASSWORD",
        True,
    ),
    "ses": ("NEWSDESK_SES_WEBHOOK_USERNAME", "NEWSDESK_SES_WEBHOOK_PASSWORD", False),
}
CHALLENGE = {"WWW-Authenticate": 'Basic realm="Newsdesk webhooks", charset="UTF-8"'}


def check_basic_auth(request, provider: str) -> None:
    """The HTTP Basic credentials the provider was given in its webhook URL."""
    if provider not in BASIC_AUTH:
        return
    user_setting, password_setting, required = BASIC_AUTH[provider]
    username = getattr(settings, user_setting)
    password = getattr(settings, password_setting)
    if not (username and password):
        if required:
            raise Rejection(
                503,
                f"{user_setting} and {password_setting} are not set on this server, so the "
                f"call cannot be checked; set them and put the same credentials in the "
                f"webhook URL (https://user:password@host/...). Nothing was processed.",
            )
        return
    scheme, _, encoded = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise Rejection(
            401,
            "no HTTP Basic credentials; put them in the webhook URL "
            "(https://user:password@host/...).",
            CHALLENGE,
        )
    try:
        given = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise Rejection(
            401,
            "the Authorization header is not valid HTTP Basic "
            "credentials (base64 of user:password).",
            CHALLENGE,
        ) from None
    given_user, _, given_password = given.partition(":")
    user_ok = hmac.compare_digest(given_user.encode(), username.encode())
    password_ok = hmac.compare_digest(given_password.encode(), password.encode())
    if not (user_ok and password_ok):
        raise Rejection(
            401,
            f"wrong user name or password; they must match {user_setting} and {password_setting}.",
            CHALLENGE,
        )


def check_mailgun_signature(data: dict, now: float | None = None) -> None:
    """Mailgun's signature over timestamp + token, a fresh timestamp, an unused token."""
    key = settings.NEWSDESK_MAILGUN_WEBHOOK_SIGNING_KEY
    if not key:
        raise Rejection(
            503,
            "NEWSDESK_MAILGUN_WEBHOOK_SIGNING_KEY is not set on this server, so the "
            "signature cannot be checked; copy Mailgun's HTTP webhook signing key into it. "
            "Nothing was processed.",
        )
    signed = data.get("signature")
    fields = signed if isinstance(signed, dict) else {}
    timestamp, token = str(fields.get("timestamp", "")), str(fields.get("token", ""))
    if not (timestamp and token and fields.get("signature")):
        raise Rejection(
            400,
            'the body has no "signature" object with timestamp, token and '
            "signature; is this a Mailgun webhook (JSON, not the legacy "
            "form-encoded kind)?",
        )
    expected = hmac.new(key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()
    offered = [str(fields.get(name) or "") for name in ("signature", "parent-signature")]
    if not any(hmac.compare_digest(expected.encode(), sig.encode()) for sig in offered):
        raise Rejection(
            403,
            "the signature does not match; check that "
            "NEWSDESK_MAILGUN_WEBHOOK_SIGNING_KEY is Mailgun's HTTP webhook "
            "signing key.",
        )
    try:
        age = (time.time() if now is None else now) - int(timestamp)
    except ValueError:
        raise Rejection(400, f"timestamp {timestamp[:20]!r} is not a number of seconds.") from None
    limit = settings.NEWSDESK_WEBHOOK_MAX_AGE
    if abs(age) > limit:
        when = f"{int(age)} s old" if age > 0 else f"{int(-age)} s in the future"
        raise Rejection(
            403,
            f"the timestamp is {when}; at most {limit} s either way is "
            "accepted (a replayed or delayed call, or a clock that is off).",
        )
    used = f"newsletter:webhook:mailgun:{hashlib.sha256(token.encode()).hexdigest()[:40]}"
    if not cache.add(used, 1, timeout=2 * limit + 60):
        raise Rejection(403, "this token was used before (a replayed call).")


def json_value(text: str | bytes, what: str):
    """text parsed as JSON, or a Rejection (400) that says why not. JSON that holds text no
    database can store is refused too: a lone surrogate escape ("\\ud800", half of a
    UTF-16 pair, not a character) or NUL. Providers send neither."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise Rejection(400, f"{what} is not JSON.") from None
    if found := _unstorable_text(data):
        raise Rejection(
            400,
            f"{what} holds {found!r} in a string, which is not text (a lone UTF-16 "
            "surrogate, or NUL); nothing was processed.",
        )
    return data


def _unstorable_text(data) -> str | None:
    """The first lone surrogate or NUL in any string or key of parsed JSON, else None."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str) and (found := _UNSTORABLE.search(item)):
            return found.group()
    return None


def _json_object(request) -> dict:
    data = json_value(request.body or b"", "the body")
    if not isinstance(data, dict):
        raise Rejection(400, "the body is not a JSON object.")
    return data


def _findings(provider: str, data: dict) -> list[Finding]:
    """The provider's findings in data, or a Rejection (400) saying what is malformed."""
    try:
        findings = PROVIDERS[provider](data)
    except (AttributeError, TypeError, ValueError) as error:  # a field of an unexpected type
        raise Rejection(
            400,
            f"the body is not a {provider} event as documented ({type(error).__name__}: {error}).",
        ) from None
    for finding in findings:
        if len(finding.recipient) > MAX_ADDRESS_LENGTH:
            raise Rejection(
                400,
                f"recipient {finding.recipient[:40]!r}... is longer than {MAX_ADDRESS_LENGTH} "
                "characters, so it is no mail address; nothing was processed.",
            )
    return findings


@csrf_exempt  # called by the providers' servers: the URL secret and their proof authenticate
@require_POST
def provider_webhook(request, provider, secret):
    expected = settings.NEWSDESK_WEBHOOK_SECRET
    if not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
        return HttpResponse("unknown webhook\n", status=404, content_type="text/plain")
    if provider not in PROVIDERS:
        return HttpResponse(
            f"unknown provider {provider!r}; use one of {sorted(PROVIDERS)}\n",
            status=404,
            content_type="text/plain",
        )
    try:
        check_basic_auth(request, provider)
        data = _json_object(request)
        if provider == "mailgun":
            check_mailgun_signature(data)
        findings = _findings(provider, data)
    except Rejection as rejection:
        log.warning("%s webhook refused (%d): %s", provider, rejection.status, rejection.message)
        return rejection.response(provider)
    for finding in findings:
        apply(finding, source=provider)
    return JsonResponse({"processed": len(findings)})
