"""Provider webhooks are authenticated twice: the secret in the URL, and the provider's own
proof (Mailgun's HMAC signature with a fresh timestamp and an unused token, Postmark's and
optionally SNS's HTTP Basic credentials). Wrong, missing, stale or replayed proof changes
nothing and says why."""

import base64
import hashlib
import hmac
import json
import time

import pytest

from newsdesk.newsletter.models import Delivery, Edition, MailEvent, Subscriber

pytestmark = pytest.mark.django_db

URL_SECRET = "url-secret-for-tests"
SIGNING_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"


@pytest.fixture(autouse=True)
def configured(settings):
    settings.NEWSDESK_WEBHOOK_SECRET = URL_SECRET
    settings.NEWSDESK_WEBHOOK_MAX_AGE = 300
    settings.NEWSDESK_MAILGUN_WEBHOOK_SIGNING_KEY = SIGNING_KEY
    settings.NEWSDESK_POSTMARK_WEBHOOK_USERNAME = "postmark"
    settings.NEWSDESK_POSTMARK_WEBHOOK_PASSWORD = "s3cret pass:word"


def delivered_to(email: str) -> Delivery:
    subscriber = Subscriber.objects.create(email=email, state=Subscriber.State.CONFIRMED)
    edition, _ = Edition.objects.get_or_create(frequency="daily", slot="2026-11-27T07:00Z")
    return Delivery.objects.create(
        subscriber=subscriber,
        edition=edition,
        state=Delivery.State.SENT,
        message_id=f"<{email}.test@news.example>",
    )


def state_of(email: str) -> str:
    return Subscriber.objects.get(email=email).state


def post(client, provider, body, *, secret=URL_SECRET, **headers):
    raw = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(
        f"/newsletter/webhooks/{provider}/{secret}/",
        raw,
        content_type="application/json",
        headers=headers,
    )


# --- Mailgun ----------------------------------------------------------------------------------


def mailgun_event(event: dict, *, key=SIGNING_KEY, timestamp=None, token=None) -> dict:
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    token = token or hashlib.sha256(f"{time.time_ns()}".encode()).hexdigest()[:50]
    signature = hmac.new(key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": event,
    }


def failed(address: str, severity: str, message_id: str = "") -> dict:
    return {
        "event": "failed",
        "severity": severity,
        "reason": "bounce",
        "recipient": address,
        "message": {"headers": {"message-id": message_id.strip("<>")}},
        "delivery-status": {
            "code": 550 if severity == "permanent" else 452,
            "description": "No such mailbox",
        },
    }


def test_signed_mailgun_events_bounce_soft_bounce_and_complain(client):
    gone = delivered_to("gone@readers.example")
    delivered_to("full@readers.example")
    delivered_to("annoyed@readers.example")
    hard = post(
        client,
        "mailgun",
        mailgun_event(failed("gone@readers.example", "permanent", gone.message_id)),
    )
    assert hard.status_code == 200 and hard.json() == {"processed": 1}
    post(client, "mailgun", mailgun_event(failed("full@readers.example", "temporary")))
    post(
        client,
        "mailgun",
        mailgun_event({"event": "complained", "recipient": "annoyed@readers.example"}),
    )
    assert state_of("gone@readers.example") == Subscriber.State.BOUNCED
    assert Subscriber.objects.get(email="full@readers.example").soft_bounces == 1
    assert state_of("annoyed@readers.example") == Subscriber.State.COMPLAINED
    event = MailEvent.objects.get(kind=MailEvent.Kind.HARD_BOUNCE)
    assert event.delivery == gone and event.source == "mailgun" and "550" in event.detail


def test_mailgun_events_we_do_not_act_on_are_accepted_and_ignored(client):
    delivered = post(
        client, "mailgun", mailgun_event({"event": "delivered", "recipient": "a@readers.example"})
    )
    assert delivered.status_code == 200 and delivered.json() == {"processed": 0}


def test_mailgun_subaccount_calls_verify_with_the_parent_signature(client):
    delivered_to("gone@readers.example")
    body = mailgun_event(failed("gone@readers.example", "permanent"), key="subaccount-key")
    signed = body["signature"]
    signed["parent-signature"] = hmac.new(
        SIGNING_KEY.encode(), (signed["timestamp"] + signed["token"]).encode(), hashlib.sha256
    ).hexdigest()
    assert post(client, "mailgun", body).status_code == 200
    assert state_of("gone@readers.example") == Subscriber.State.BOUNCED


def test_a_wrongly_signed_mailgun_call_changes_nothing(client):
    delivered_to("gone@readers.example")
    forged = mailgun_event(failed("gone@readers.example", "permanent"), key="guessed-key")
    response = post(client, "mailgun", forged)
    assert response.status_code == 403
    assert "signature does not match" in response.content.decode()
    assert "NEWSDESK_MAILGUN_WEBHOOK_SIGNING_KEY" in response.content.decode()
    # The right signature over another token does not fit either.
    other = mailgun_event(failed("gone@readers.example", "permanent"))
    other["signature"]["token"] = "a" * 50
    assert post(client, "mailgun", other).status_code == 403
    assert state_of("gone@readers.example") == Subscriber.State.CONFIRMED
    assert not MailEvent.objects.exists()


@pytest.mark.parametrize(("offset", "words"), [(-301, "301 s old"), (3600, "in the future")])
def test_a_stale_or_future_mailgun_timestamp_is_refused(client, offset, words):
    delivered_to("gone@readers.example")
    timestamp = int(time.time()) - 301 if offset < 0 else int(time.time()) + offset
    body = mailgun_event(failed("gone@readers.example", "permanent"), timestamp=timestamp)
    response = post(client, "mailgun", body)
    assert response.status_code == 403
    assert words in response.content.decode() and "at most 300 s" in response.content.decode()
    assert state_of("gone@readers.example") == Subscriber.State.CONFIRMED


def test_a_replayed_mailgun_call_is_refused(client):
    delivered_to("full@readers.example")
    body = mailgun_event(failed("full@readers.example", "temporary"))
    assert post(client, "mailgun", body).status_code == 200
    replay = post(client, "mailgun", body)
    assert replay.status_code == 403 and "used before" in replay.content.decode()
    assert Subscriber.objects.get().soft_bounces == 1


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"event-data": {"event": "failed"}}, 'no "signature" object'),
        ({"signature": "abc", "event-data": {}}, 'no "signature" object'),
        ("event=failed&recipient=a%40b.example", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        (b"\xff\xfe", "not JSON"),
    ],
)
def test_malformed_mailgun_calls_are_explained(client, body, words):
    response = post(client, "mailgun", body)
    assert response.status_code == 400
    assert response.content.decode().startswith("mailgun webhook: ") and words in (
        response.content.decode()
    )


def test_a_non_numeric_signed_timestamp_is_explained(client):
    body = mailgun_event({"event": "delivered"}, timestamp="yesterday")
    response = post(client, "mailgun", body)
    assert response.status_code == 400 and "not a number of seconds" in response.content.decode()


def test_mailgun_calls_are_refused_until_the_signing_key_is_set(client, settings):
    settings.NEWSDESK_MAILGUN_WEBHOOK_SIGNING_KEY = ""
    delivered_to("gone@readers.example")
    response = post(client, "mailgun", mailgun_event(failed("gone@readers.example", "permanent")))
    assert response.status_code == 503
    assert "NEWSDESK_MAILGUN_WEBHOOK_SIGNING_KEY is not set" in response.content.decode()
    assert state_of("gone@readers.example") == Subscriber.State.CONFIRMED


def test_a_correct_signature_does_not_replace_the_url_secret(client):
    delivered_to("gone@readers.example")
    body = mailgun_event(failed("gone@readers.example", "permanent"))
    assert post(client, "mailgun", body, secret="guess").status_code == 404
    assert post(client, "mailgun", body, secret="gü€ss").status_code == 404
    assert state_of("gone@readers.example") == Subscriber.State.CONFIRMED


# --- Postmark and SES (HTTP Basic credentials from the webhook URL) ----------------------------


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


POSTMARK_BOUNCE = {
    "RecordType": "Bounce",
    "Type": "HardBounce",
    "Email": "gone@readers.example",
    "Description": "Unknown user",
}


def test_postmark_with_the_right_credentials_is_processed(client):
    delivered_to("gone@readers.example")
    response = post(
        client, "postmark", POSTMARK_BOUNCE, Authorization=basic("postmark", "s3cret pass:word")
    )
    assert response.status_code == 200 and response.json() == {"processed": 1}
    assert state_of("gone@readers.example") == Subscriber.State.BOUNCED


@pytest.mark.parametrize(
    ("authorization", "words"),
    [
        (None, "no HTTP Basic credentials"),
        ("Bearer abc", "no HTTP Basic credentials"),
        ("Basic !!!not-base64", "not valid HTTP Basic"),
        (basic("postmark", "guess"), "wrong user name or password"),
        (basic("someone", "s3cret pass:word"), "wrong user name or password"),
    ],
)
def test_postmark_without_the_right_credentials_changes_nothing(client, authorization, words):
    delivered_to("gone@readers.example")
    headers = {"Authorization": authorization} if authorization else {}
    response = post(client, "postmark", POSTMARK_BOUNCE, **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic realm=")
    assert words in response.content.decode()
    assert state_of("gone@readers.example") == Subscriber.State.CONFIRMED


def test_postmark_calls_are_refused_until_credentials_are_set(client, settings):
    settings.NEWSDESK_POSTMARK_WEBHOOK_PASSWORD = ""
    delivered_to("gone@readers.example")
    response = post(client, "postmark", POSTMARK_BOUNCE, Authorization=basic("postmark", ""))
    assert response.status_code == 503
    assert "NEWSDESK_POSTMARK_WEBHOOK_PASSWORD are not set" in response.content.decode()
    assert state_of("gone@readers.example") == Subscriber.State.CONFIRMED


SES_COMPLAINT = {
    "Type": "Notification",
    "Message": json.dumps(
        {
            "notificationType": "Complaint",
            "complaint": {"complainedRecipients": [{"emailAddress": "annoyed@readers.example"}]},
        }
    ),
}


def test_ses_needs_basic_credentials_once_they_are_configured(client, settings):
    delivered_to("annoyed@readers.example")
    settings.NEWSDESK_SES_WEBHOOK_USERNAME = "sns"
    settings.NEWSDESK_SES_WEBHOOK_PASSWORD = "sns-password"
    assert post(client, "ses", SES_COMPLAINT).status_code == 401
    assert state_of("annoyed@readers.example") == Subscriber.State.CONFIRMED
    ok = post(client, "ses", SES_COMPLAINT, Authorization=basic("sns", "sns-password"))
    assert ok.status_code == 200
    assert state_of("annoyed@readers.example") == Subscriber.State.COMPLAINED


def test_ses_without_configured_credentials_relies_on_the_url_secret(client):
    delivered_to("annoyed@readers.example")
    assert post(client, "ses", SES_COMPLAINT).status_code == 200
    assert state_of("annoyed@readers.example") == Subscriber.State.COMPLAINED


@pytest.mark.parametrize(
    "body",
    [
        {"RecordType": "Bounce", "Type": "HardBounce", "Email": 42},
        {"RecordType": "SpamComplaint", "Email": ["a@readers.example"]},
    ],
)
def test_an_authenticated_call_with_odd_fields_is_explained(client, body):
    response = post(client, "postmark", body, Authorization=basic("postmark", "s3cret pass:word"))
    assert response.status_code == 400
    assert "is not a postmark event as documented" in response.content.decode()


@pytest.mark.parametrize(
    "body",
    [
        {"Type": "Notification", "Message": 7},
        {
            "Type": "Notification",
            "Message": json.dumps(
                {"notificationType": "Bounce", "bounce": {"bouncedRecipients": ["x"]}}
            ),
        },
    ],
)
def test_an_ses_call_with_odd_fields_is_explained(client, body):
    response = post(client, "ses", body)
    assert response.status_code == 400
    assert "is not a ses event as documented" in response.content.decode()


def ses_complaint_from(address: str, *, detail: str = "abuse") -> dict:
    """An SES complaint as SNS delivers it, the event as JSON text in its Message."""
    event = {
        "notificationType": "Complaint",
        "complaint": {
            "complainedRecipients": [{"emailAddress": address}],
            "complaintFeedbackType": detail,
        },
    }
    return {"Type": "Notification", "Message": json.dumps(event)}


def ses_raw_body(where: str, character: str) -> str:
    """An SES call (JSON text) with the character as a JSON escape in one place."""
    escaped = json.dumps(character)[1:-1]  # "\ud800", "\u0000"
    if where == "outer field":
        return json.dumps({**SES_COMPLAINT, "Subject": "x"}).replace('"x"', f'"{escaped}"')
    if where == "key":
        return json.dumps({**SES_COMPLAINT, "x": 1}).replace('"x"', f'"{escaped}"')
    body = ses_complaint_from(f"annoyed{character}@readers.example", detail=f"abuse{character}")
    return json.dumps(body)  # the Message, escaped twice


@pytest.mark.parametrize("where", ["outer field", "key", "inside the Message"])
@pytest.mark.parametrize(
    "character", ["\ud800", "\udbff", "\udc00", "\udfff", "\x00"], ids=lambda c: f"U+{ord(c):04X}"
)
def test_an_ses_call_holding_text_no_database_stores_is_refused_with_a_reason(
    client, where, character
):
    """A lone surrogate made the webhook answer 500; it is the provider's bad input."""
    delivered_to("annoyed@readers.example")
    response = post(client, "ses", ses_raw_body(where, character))
    assert response.status_code == 400
    message = response.content.decode()
    assert message.startswith("ses webhook: ") and "nothing was processed" in message
    assert state_of("annoyed@readers.example") == Subscriber.State.CONFIRMED
    assert not MailEvent.objects.exists()


@pytest.mark.parametrize("message", ["not json", "[1", '{"a": ' * 100_000])
def test_an_ses_message_that_is_not_json_is_refused_with_a_reason(client, message):
    response = post(client, "ses", {"Type": "Notification", "Message": message})
    assert response.status_code == 400
    assert "the SNS Message is not JSON" in response.content.decode()


def test_a_webhook_recipient_longer_than_an_address_is_refused(client):
    response = post(client, "ses", ses_complaint_from("a" * 250 + "@readers.example"))
    assert response.status_code == 400
    assert "longer than 254 characters" in response.content.decode()
    assert not MailEvent.objects.exists()
