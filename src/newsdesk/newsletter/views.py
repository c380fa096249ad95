"""Pages and endpoints of the newsletter: sign up, confirm, unsubscribe, preferences.

Documented exceptions to Django's CSRF protection, each with its reason:
- `subscribe`, `api_subscribe` and `more_like_request` (the sign-up paths) check the
  Origin header instead of a CSRF cookie, so that every public page (whose footer
  carries the form) stays cacheable; defences.check_origin refuses a browser's POST from
  another site.
- `unsubscribe` takes POSTs without a CSRF token: RFC 8058 one-click unsubscription
  requires that mail clients can POST to the List-Unsubscribe URL with no cookie, and
  the signed token in the URL is the only authority needed (a forger cannot know it).

The pages a subscriber's links open (confirm, preferences, unsubscribe, erase, more like
this) speak the subscriber's language, like the mails that carry the links, whatever
the browser asks for; the other pages follow the browser (LocaleMiddleware).
"""

import json
import logging
import smtplib
from contextlib import contextmanager

from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from newsdesk.newsletter import pow as proof_of_work
from newsdesk.newsletter import preferences as prefs
from newsdesk.newsletter.addresses import AddressProblem
from newsdesk.newsletter.defences import Refusal, check_traps, form_started
from newsdesk.newsletter.digest import browser_copy
from newsdesk.newsletter.forms import SubscribeForm
from newsdesk.newsletter.links import delivery_in
from newsdesk.newsletter.mails import language_of, send_welcome
from newsdesk.newsletter.models import Delivery, Subscriber
from newsdesk.newsletter.signup import (
    CONFIRMATION_SENT,
    MORE_LIKE_SENT,
    chosen_publishers,
    chosen_topics,
    request_more_like,
    request_subscription,
    sign_up,
)
from newsdesk.newsletter.subscriptions import (
    STOPPED_STATES,
    add_chosen,
    confirm_subscriber,
    unsubscribe_subscriber,
)
from newsdesk.newsletter.times import next_digest_text, schedule_text
from newsdesk.newsletter.tokens import LinkError, SubscriberGone, make_token, read_token
from newsdesk.stories.models import Story

log = logging.getLogger(__name__)

def _started(request) -> str:
    """The render time the re-shown form carries: the one posted when it passed the fill
    time check (the visitor already spent that time), else now."""
    posted = request.POST.get("started", "")
    try:
        check_traps({"started": posted})
    except Refusal:
        return form_started()
    return posted


@contextmanager
def speaking_to(subscriber):
    """Answer in the subscriber's language; yields a function that marks the response
    (Content-Language, which LocaleMiddleware would otherwise set to the browser's)."""
    language = language_of(subscriber)

    def mark(response):
        response["Content-Language"] = language
        return response

    with translation.override(language):
        yield mark


def _form_page(request, form, *, status=200, refusal=None):
    data = request.POST if request.method == "POST" else request.GET
    context = {
        "form": form,
        "chosen_topics": chosen_topics(data),
        "chosen_publishers": chosen_publishers(data),
        "started": _started(request),
        "pow_challenge": proof_of_work.new_challenge() if proof_of_work.bits_required() else "",
        "pow_bits": proof_of_work.bits_required(),
        "suggestion": getattr(form, "suggestion", None),
        "refusal": refusal,
    }
    response = render(request, "newsletter/subscribe.html", context, status=status)
    if refusal is not None and refusal.retry_after:
        response["Retry-After"] = str(refusal.retry_after)
    return response


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request):
    if request.method == "GET":
        return _form_page(request, SubscribeForm(initial={"email": request.GET.get("email", "")}))
    form = SubscribeForm(request.POST)
    try:
        result = sign_up(request, request.POST, source="form")
    except AddressProblem as problem:
        form.is_valid()
        form.suggestion = problem.suggestion
        return _form_page(request, form, status=400)
    except Refusal as refusal:
        if refusal.silent:
            address = (request.POST.get("email") or "").strip()[:254]
            return _sent_page(request, CONFIRMATION_SENT.format(address=address))
        form.is_valid()
        return _form_page(request, form, status=refusal.status, refusal=refusal)
    return _sent_page(request, result.message)


def _sent_page(request, message):
    return render(request, "newsletter/subscribe_sent.html", {"message": message})


@csrf_exempt
@never_cache
def api_subscribe(request):
    """POST /api/subscribe: the form's JSON twin, for progressive enhancement. Accepts a
    JSON object or form fields: email, started (the signed value from a page's form),
    website (honeypot), keep_address, pow_challenge, pow_nonce, and topic / publisher
    (slugs, comma-separated in JSON). Same defences, same answers."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    data = _json_or_form(request)
    if data is None:
        return _api_error(
            400, "bad_request", "The body must be a JSON object such as "
            '{"email": "name@example.com", "started": "<the started field of the form>"}.'
        )
    try:
        result = sign_up(request, data, source="api")
    except AddressProblem as problem:
        return _api_error(400, problem.code, problem.message, field="email",
                          suggestion=problem.suggestion)
    except Refusal as refusal:
        if refusal.silent:
            address = str(data.get("email") or "").strip()[:254]
            return JsonResponse(
                {"status": "confirmation_sent",
                 "message": CONFIRMATION_SENT.format(address=address)}, status=202
            )
        response = _api_error(refusal.status, refusal.code, refusal.message)
        if refusal.retry_after:
            response["Retry-After"] = str(refusal.retry_after)
        return response
    return JsonResponse({"status": "confirmation_sent", "message": result.message}, status=202)


def _json_or_form(request):
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"")
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict):
            return None
        return {k: ("" if v is None else str(v)) for k, v in data.items()}
    return request.POST


def _api_error(status, code, message, **extra):
    error = {"code": code, "message": message}
    error.update({k: v for k, v in extra.items() if v})
    return JsonResponse({"error": error}, status=status)


def _link_error(request, error: LinkError):
    return render(request, "newsletter/link_invalid.html", {"message": str(error)}, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET shows a Confirm button; only the POST confirms, because mail scanners open
    links in mails and must not confirm anything."""
    try:
        subscriber, payload = read_token(token, "confirm")
    except LinkError as error:
        return _link_error(request, error)
    with speaking_to(subscriber) as mark:
        if subscriber.state == Subscriber.State.CONFIRMED:
            return mark(_confirmed_page(request, subscriber, already=True))
        if request.method == "GET":
            return mark(render(request, "newsletter/confirm.html", {"subscriber": subscriber}))
        confirm_subscriber(subscriber, token_id=payload["j"])
        add_chosen(subscriber, payload.get("c") or {})
        try:
            send_welcome(subscriber)
        except (OSError, smtplib.SMTPException) as error:  # confirmed all the same
            log.warning("welcome mail to subscriber %s not sent: %s", subscriber.pk, error)
            return mark(_confirmed_page(request, subscriber))
        return mark(_confirmed_page(request, subscriber, welcomed=True))


def _confirmed_page(request, subscriber, *, already=False, form=None, saved=False,
                    welcomed=False, status=200):
    """The confirmed page: what happens next, and the short form of choices (no
    JavaScript needed; it posts to `choose` with a preferences link)."""
    token = make_token(subscriber, "preferences")
    return render(request, "newsletter/confirmed.html", {
        "subscriber": subscriber,
        "already": already,
        "saved": saved,
        "welcomed": welcomed,
        "form": form or prefs.choices_form_for(subscriber),
        "token": token,
        "next_digest": next_digest_text(subscriber),
    }, status=status)


@never_cache
@require_http_methods(["POST"])
def choose(request, token):
    """The confirmed page's form: store the choices; the first digest follows them."""
    try:
        subscriber, _payload = read_token(token, "preferences")
    except LinkError as error:
        return _link_error(request, error)
    with speaking_to(subscriber) as mark:
        form = prefs.choices_form_for(subscriber, request.POST)
        if not form.is_valid():
            return mark(_confirmed_page(request, subscriber, form=form, status=400))
        prefs.save(subscriber, form.cleaned_data)
        return mark(_confirmed_page(request, subscriber, saved=True))


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET shows one Unsubscribe button; POST unsubscribes. This URL is also the
    List-Unsubscribe target for RFC 8058 one-click POSTs (hence csrf_exempt). Opening or
    posting it again says so ("You are already unsubscribed")."""
    one_click = request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click"
    try:
        subscriber, _ = read_token(token, "unsubscribe")
    except SubscriberGone as gone:  # erased: nothing is sent, nothing is kept
        if one_click:
            return HttpResponse("Unsubscribed.\n", content_type="text/plain")
        return render(request, "newsletter/unsubscribed.html", {"already": True, "gone": gone})
    except LinkError as error:
        if one_click:
            return HttpResponse(f"{error}\n", status=400, content_type="text/plain")
        return _link_error(request, error)
    with speaking_to(subscriber) as mark:
        already = subscriber.state in STOPPED_STATES
        if request.method == "GET" and not already:
            return mark(render(request, "newsletter/unsubscribe.html",
                               {"subscriber": subscriber}))
        if request.method == "POST":
            unsubscribe_subscriber(subscriber)
        if one_click:  # a mail client, not a person
            return HttpResponse("Unsubscribed.\n", content_type="text/plain")
        return mark(render(request, "newsletter/unsubscribed.html",
                           {"subscriber": subscriber, "already": already}))


@never_cache
@require_http_methods(["GET", "POST"])
def preferences(request, token):
    """The subscriber's settings, the state of the subscription and when the next digest
    comes. An address that is unsubscribed or bounced can ask to subscribe again from
    here: that sends a confirmation, as a sign-up does (double opt-in again)."""
    try:
        subscriber, _ = read_token(token, "preferences")
    except LinkError as error:
        return _link_error(request, error)
    if request.method == "POST" and request.POST.get("action") == "resubscribe":
        return _resubscribe(request, subscriber, token)
    with speaking_to(subscriber):
        form = prefs.form_for(subscriber, request.POST if request.method == "POST" else None)
        saved = False
        if request.method == "POST" and form.is_valid():
            prefs.save(subscriber, form.cleaned_data)
            saved = True
    # A newly chosen language shows at once.
    with speaking_to(subscriber) as mark:
        return mark(_preferences_page(request, subscriber, token, form, saved=saved,
                                      status=400 if request.method == "POST" and not saved
                                      else 200))


# From these states the preferences page offers to subscribe again (a complaint is only
# undone by signing up again on the site: see signup.request_subscription).
RESUBSCRIBABLE = (Subscriber.State.UNSUBSCRIBED, Subscriber.State.BOUNCED)


def _preferences_page(request, subscriber, token, form, *, saved=False, resubscribed=False,
                      refusal=None, status=200):
    return render(request, "newsletter/preferences.html", {
        "subscriber": subscriber, "form": form, "saved": saved, "token": token,
        "unsubscribe_token": make_token(subscriber, "unsubscribe"),
        "resubscribed": resubscribed, "refusal": refusal,
        "can_resubscribe": subscriber.state in RESUBSCRIBABLE,
        "next_digest": next_digest_text(subscriber), "schedule": schedule_text(subscriber),
    }, status=status)


def _resubscribe(request, subscriber, token):
    """Subscribe again from the preferences page: a new confirmation mail (double opt-in
    again), nothing else; other states are left as they are."""
    with speaking_to(subscriber) as mark:
        form = prefs.form_for(subscriber)
        if subscriber.state not in RESUBSCRIBABLE:
            return mark(_preferences_page(request, subscriber, token, form))
        try:
            request_subscription(subscriber.email, source="preferences")
        except Refusal as refusal:  # the daily cap of confirmation mails
            response = _preferences_page(request, subscriber, token, form, refusal=refusal,
                                         status=refusal.status)
            return mark(response)
        return mark(_preferences_page(request, subscriber, token, form, resubscribed=True))


@csrf_exempt  # a sign-up path: Origin check and bot defences instead (see the docstring)
@never_cache
@require_http_methods(["GET", "POST"])
def more_like_request(request, story_id):
    """The story page's "Send me more stories like this": asks for the address, then
    mails its owner a link (request_more_like)."""
    story = Story.objects.visible().filter(pk=story_id).first()
    if story is None:
        return render(request, "newsletter/link_invalid.html", {
            "message": _("This story is no longer shown. Choose topics on the sign-up page "
                         "or in your preferences instead.")}, status=404)
    form = SubscribeForm(request.POST or None)
    context = {"story": story, "topics": list(story.topics.all()), "form": form,
               "started": _started(request), "refusal": None, "suggestion": None}
    if request.method == "GET":
        return render(request, "newsletter/more_like_request.html", context)
    try:
        result = request_more_like(request, request.POST, story)
    except AddressProblem as problem:
        form.is_valid()
        context["suggestion"] = problem.suggestion
        return render(request, "newsletter/more_like_request.html", context, status=400)
    except Refusal as refusal:
        if refusal.silent:
            address = (request.POST.get("email") or "").strip()[:254]
            return _sent_page(request, MORE_LIKE_SENT.format(address=address))
        form.is_valid()
        context["refusal"] = refusal
        response = render(request, "newsletter/more_like_request.html", context,
                          status=refusal.status)
        if refusal.retry_after:
            response["Retry-After"] = str(refusal.retry_after)
        return response
    return _sent_page(request, result.message)


@never_cache
@require_http_methods(["GET", "POST"])
def more_like_this(request, token, story_id):
    """"More stories like this" from a digest: GET shows what would be added, the POST
    adds the story's topics to the subscriber's."""
    try:
        subscriber, _ = read_token(token, "preferences")
    except LinkError as error:
        return _link_error(request, error)
    with speaking_to(subscriber) as mark:
        story = Story.objects.visible().filter(pk=story_id).first()
        if story is None:
            return mark(_link_error(request, LinkError(_(
                "This story is no longer shown, so its topics cannot be added. Choose topics "
                "on your preferences page instead."))))
        topics = list(story.topics.all())
        followed = set(subscriber.topics.values_list("pk", flat=True))
        already = bool(topics) and all(topic.pk in followed for topic in topics)
        added = False
        if request.method == "POST" and not already:
            subscriber.topics.add(*topics)
            added = True
        return mark(render(request, "newsletter/more_like_this.html", {
            "subscriber": subscriber, "story": story, "topics": topics, "added": added,
            "already": already, "token": token,
        }))


@never_cache
@require_http_methods(["GET"])
def export(request, token):
    try:
        subscriber, _ = read_token(token, "preferences")
    except LinkError as error:
        return _link_error(request, error)
    response = JsonResponse(prefs.export(subscriber), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="newsletter-data.json"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def erase(request, token):
    try:
        subscriber, _ = read_token(token, "preferences")
    except SubscriberGone:
        return render(request, "newsletter/erased.html", {"already": True})
    except LinkError as error:
        return _link_error(request, error)
    with speaking_to(subscriber) as mark:
        if request.method == "GET":
            return mark(render(request, "newsletter/erase.html", {"subscriber": subscriber,
                                                                  "token": token}))
        address = subscriber.email
        prefs.erase(subscriber)
        return mark(render(request, "newsletter/erased.html", {"address": address}))


# What the "view in browser" page may load: its own inline styles (the mail's), and
# images from our own proxy; no script, no form, nothing from elsewhere.
BROWSER_COPY_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}


@never_cache
@csp_override(BROWSER_COPY_CSP)
@require_http_methods(["GET"])
def view_delivery(request, token):
    """A digest as it was mailed, at the signed address its "view in browser" link
    gives: never cached (never_cache: the page cache and browsers keep no copy), never
    indexed, and without the subscriber's address or links (a forwarded link must not
    let anyone unsubscribe them)."""
    delivery = None
    if (pk := delivery_in(token)) is not None:
        delivery = Delivery.objects.select_related("subscriber", "edition").filter(pk=pk).first()
    if delivery is None:
        response = render(request, "newsletter/link_invalid.html", {"message": _(
            "This digest is not available: the link is incomplete, or the subscription it "
            "was sent to has been deleted.")}, status=404)
    else:
        html = browser_copy(delivery)
        response = HttpResponse(html or "", content_type="text/html; charset=utf-8")
        if html is None:
            response = render(request, "newsletter/link_invalid.html", {"message": _(
                "The stories of this digest are no longer shown on the site.")}, status=404)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
