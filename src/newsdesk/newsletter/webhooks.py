"""Bounce and complaint webhooks of two common sending providers.

POST /newsletter/webhooks/<provider>/<secret>/ with NEWSDESK_WEBHOOK_SECRET as <secret>
(the providers can put a secret in the URL but sign their calls in ways that need
fetching certificates; a long random secret in an https URL is what both support).

- postmark: Postmark's bounce and spam-complaint webhooks (RecordType "Bounce" with Type
  HardBounce/SoftBounce/..., or "SpamComplaint").
- ses: Amazon SES notifications delivered by SNS over https (Type "Notification" whose
  Message is the SES event: notificationType/eventType Bounce or Complaint). The SNS
  subscription confirmation must be confirmed by the operator (its SubscribeURL is logged).
"""

import hmac
import json
import logging

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from newsdesk.newsletter.bounces import Finding, apply
from newsdesk.newsletter.models import Delivery, MailEvent

log = logging.getLogger(__name__)

POSTMARK_HARD = {"HardBounce", "BadEmailAddress", "ManuallyDeactivated", "Blocked"}
POSTMARK_SOFT = {"SoftBounce", "Transient", "DnsError", "AutoResponder"}


def postmark_findings(data: dict) -> list[Finding]:
    record = data.get("RecordType")
    address = (data.get("Email") or "").lower()
    message_id = data.get("MessageID") or ""
    if record == "SpamComplaint":
        return [Finding(MailEvent.Kind.COMPLAINT, address, "postmark spam complaint",
                        _delivery_for(message_id))]
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
    try:
        event = json.loads(data.get("Message") or "{}") if "Message" in data else data
    except ValueError:
        return []
    kind = event.get("notificationType") or event.get("eventType")
    message_id = _ses_message_id(event.get("mail") or {})
    delivery_id = _delivery_for(message_id)
    if kind == "Bounce":
        bounce = event.get("bounce") or {}
        hard = bounce.get("bounceType") == "Permanent"
        return [
            Finding(MailEvent.Kind.HARD_BOUNCE if hard else MailEvent.Kind.SOFT_BOUNCE,
                    (r.get("emailAddress") or "").lower(),
                    f"ses {bounce.get('bounceType')}/{bounce.get('bounceSubType')}: "
                    f"{r.get('diagnosticCode', '')}"[:2000], delivery_id)
            for r in bounce.get("bouncedRecipients") or []
        ]
    if kind == "Complaint":
        complaint = event.get("complaint") or {}
        return [
            Finding(MailEvent.Kind.COMPLAINT, (r.get("emailAddress") or "").lower(),
                    f"ses complaint: {complaint.get('complaintFeedbackType', 'abuse')}",
                    delivery_id)
            for r in complaint.get("complainedRecipients") or []
        ]
    return []


def _ses_message_id(mail: dict) -> str:
    for header in mail.get("headers") or []:
        if (header.get("name") or "").lower() == "message-id":
            return header.get("value") or ""
    return ""


def _delivery_for(message_id: str) -> int | None:
    if not message_id:
        return None
    wanted = message_id if message_id.startswith("<") else f"<{message_id}>"
    return Delivery.objects.filter(message_id=wanted).values_list("pk", flat=True).first()


PROVIDERS = {"postmark": postmark_findings, "ses": ses_findings}


@csrf_exempt  # called by the provider's servers: the secret in the URL authenticates them
@require_POST
def provider_webhook(request, provider, secret):
    expected = settings.NEWSDESK_WEBHOOK_SECRET
    if not expected or not hmac.compare_digest(secret, expected):
        return HttpResponse("unknown webhook\n", status=404, content_type="text/plain")
    parse = PROVIDERS.get(provider)
    if parse is None:
        return HttpResponse(f"unknown provider {provider!r}; use one of {sorted(PROVIDERS)}\n",
                            status=404, content_type="text/plain")
    try:
        data = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        return HttpResponse("body is not JSON\n", status=400, content_type="text/plain")
    if not isinstance(data, dict):
        return HttpResponse("body is not a JSON object\n", status=400, content_type="text/plain")
    findings = parse(data)
    for finding in findings:
        apply(finding, source=provider)
    return JsonResponse({"processed": len(findings)})
