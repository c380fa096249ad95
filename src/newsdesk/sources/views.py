"""The WebSub callback: where a hub checks our intent (GET) and pushes new content (POST).

The URL (/websub/<source id>/<token>/) is only known to the hub we gave it to; the
token is an HMAC of the source and its secret, so guessing ids gets a 404. The
view is exempt from CSRF protection because a hub cannot hold a CSRF token: a push
is authenticated instead by its X-Hub-Signature, the HMAC of the raw body under the
secret only we and the hub know, and nothing unsigned is stored.

What happens to the stored entries next is not this room's business: the project's
URLconf passes the pipeline's hand-off in as `hand_on` (Django's extra view options),
so sources never imports the steps downstream of it.
"""

import logging
from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from newsdesk.sources import websub
from newsdesk.sources.entries import FeedError
from newsdesk.sources.models import Source

log = logging.getLogger(__name__)
TEXT = "text/plain; charset=utf-8"
HandOn = Callable[[list[int], bool], None]  # (entry ids, fetch their pages?)


@csrf_exempt  # a hub cannot send a CSRF token; the HMAC signature authenticates pushes
@require_http_methods(["GET", "POST"])
def callback(
    request: HttpRequest, source_id: int, token: str, hand_on: HandOn
) -> HttpResponse:
    source = websub.source_for_callback(source_id, token)
    if source is None:
        return HttpResponse("No such WebSub subscription.\n", status=404, content_type=TEXT)
    if request.method == "GET":
        return _verify_intent(request, source)
    return _receive_push(request, source, hand_on)


def _verify_intent(request: HttpRequest, source: Source) -> HttpResponse:
    """Echo hub.challenge when the hub asks about the subscription we requested; else 404."""
    mode = request.GET.get("hub.mode", "")
    topic = request.GET.get("hub.topic", "")
    if mode == "denied":
        websub.record_denial(source, topic, request.GET.get("hub.reason", ""))
        return HttpResponse("Noted.\n", content_type=TEXT)
    challenge = request.GET.get("hub.challenge", "")
    if not challenge:
        return HttpResponse("hub.challenge is missing.\n", status=400, content_type=TEXT)
    if not websub.confirm_intent(source, mode, topic, request.GET.get("hub.lease_seconds")):
        return HttpResponse(
            f"No {mode or 'unnamed'} request for this topic was made here.\n",
            status=404,
            content_type=TEXT,
        )
    return HttpResponse(challenge, content_type=TEXT)


def _receive_push(request: HttpRequest, source: Source, hand_on: HandOn) -> HttpResponse:
    """Store signed pushed content like a poll's, then hand the entries on."""
    try:
        body = request.body
    except RequestDataTooBig:
        return HttpResponse(
            "The pushed content is larger than DATA_UPLOAD_MAX_MEMORY_SIZE allows.\n",
            status=413,
            content_type=TEXT,
        )
    signature = request.headers.get("X-Hub-Signature")
    if not websub.signature_is_valid(source.websub_secret, body, signature):
        log.warning("source %s: WebSub push ignored: missing or wrong X-Hub-Signature", source.pk)
        return HttpResponse(
            "X-Hub-Signature is missing or does not match; the content was ignored.\n",
            status=403,
            content_type=TEXT,
        )
    if not source.enabled:
        return HttpResponse("This source is no longer followed.\n", status=410, content_type=TEXT)
    try:
        pushed = websub.store_pushed_content(source, body, request.headers.get("Content-Type"))
    except FeedError as error:
        log.warning("source %s: WebSub push not stored: %s", source.pk, error)
        return HttpResponse(f"{error}\n", status=400, content_type=TEXT)
    except websub.PushNotStored as error:
        return HttpResponse(f"The content could not be stored: {error}\n", status=422,
                            content_type=TEXT)
    hand_on(pushed.new_entry_ids + pushed.updated_entry_ids, source.fetch_pages)
    return HttpResponse(status=204)
