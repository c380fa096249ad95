"""One sign-up, whichever path it came by (the form or the JSON endpoint).

The answer never depends on whether the address was already known: a stranger
learns nothing, and the address's owner gets a mail (a confirmation, or a note
that they are already subscribed with a link to their preferences). One exception to
the mail, never to the answer: an address that reported our mail as spam is never
mailed because someone typed it into a form.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from newsdesk.core.languages import accepted_languages
from newsdesk.newsletter import defences, mails
from newsdesk.newsletter.addresses import AddressProblem, read_address
from newsdesk.newsletter.defences import Refusal
from newsdesk.newsletter.models import Subscriber
from newsdesk.sources.models import Publisher, Topic
from newsdesk.stories.languages import story_language_codes

log = logging.getLogger(__name__)

# Lazy: .format() renders them in the language active at that moment (the visitor's).
CONFIRMATION_SENT = _(
    "Almost done: we have sent a confirmation email to {address}. Open it and press the "
    "Confirm button on the page its link opens. Nothing else is sent until you do. "
    "If it has not arrived in a few minutes, look in your spam folder."
)


MORE_LIKE_SENT = _(
    "We have sent an email to {address}. Its link adds the topics of this story to your "
    "digest; if the address is not subscribed yet, the email asks you to confirm a "
    "subscription first."
)


MAX_CHOSEN = 20  # topics or publishers one sign-up may tick (they ride in the confirm link)


@dataclass
class SignupResult:
    address: str
    message: str


def _slugs(data, name: str) -> list[str]:
    """The values of a repeated field (?topic=a&topic=b), or of one comma-separated one
    (the JSON endpoint's "topic": "a,b")."""
    values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name) or ""]
    slugs = [slug.strip() for value in values for slug in str(value).split(",")]
    return [slug for slug in dict.fromkeys(slugs) if slug][:MAX_CHOSEN]


def chosen_topics(data) -> list[Topic]:
    """The topics a sign-up names by slug (`topic`), those that exist."""
    return list(Topic.objects.filter(slug__in=_slugs(data, "topic")).order_by("name"))


def chosen_publishers(data) -> list[Publisher]:
    """The publishers a sign-up names by slug (`publisher`), those shown on the site."""
    return list(
        Publisher.objects.filter(slug__in=_slugs(data, "publisher"), excluded=False)
        .order_by("name")
    )


def chosen_in(data) -> dict:
    """What the sign-up ticked, as ids for the confirm link ({} when nothing)."""
    chosen = {"t": [t.pk for t in chosen_topics(data)],
              "p": [p.pk for p in chosen_publishers(data)]}
    return {key: ids for key, ids in chosen.items() if ids}


def screen_request(request, data) -> None:
    """The checks that need no address: origin, traps, the limit per client."""
    defences.check_origin(request)
    defences.check_traps(data)
    from newsdesk.newsletter import pow as proof_of_work

    proof_of_work.check(data)
    defences.check_client_rate(request)


def sign_up(request, data, *, source: str) -> SignupResult:
    """Screen the request, read the address and mail its owner.

    Raises Refusal (a defence said no) or AddressProblem (the address is wrong)."""
    screen_request(request, data)
    address, domain = read_address(
        data.get("email", ""), accept_as_typed=_truthy(data.get("keep_address"))
    )
    defences.check_domain_allowed(domain)
    defences.check_address_rate(address, domain)
    request_subscription(address, source=source, chosen=chosen_in(data),
                         languages=reader_languages(request))
    return SignupResult(address, CONFIRMATION_SENT.format(address=address))


def reader_languages(request) -> list[str]:
    """The story languages a new subscriber starts with: what their browser asks for
    (core.languages.accepted_languages; [] is every language)."""
    return accepted_languages(request.headers.get("Accept-Language"), story_language_codes())


def request_more_like(request, data, story) -> SignupResult:
    """"Send me more stories like this" from a story page: the owner of the address gets
    a link that adds the story's topics (or, if not subscribed, a confirmation). Same
    defences and the same answer whatever the address's state."""
    screen_request(request, data)
    address, domain = read_address(
        data.get("email", ""), accept_as_typed=_truthy(data.get("keep_address"))
    )
    defences.check_domain_allowed(domain)
    defences.check_address_rate(address, domain)
    subscriber = Subscriber.objects.filter(email=address).first()
    if subscriber is not None and subscriber.state == Subscriber.State.CONFIRMED:
        defences.reserve_confirmation_mail(address)
        mails.send_more_like(subscriber, story)
    else:
        request_subscription(address, source="story", languages=reader_languages(request),
                             chosen={"t": [t.pk for t in story.topics.all()]})
    return SignupResult(address, MORE_LIKE_SENT.format(address=address))


def request_subscription(address: str, *, source: str, chosen: dict | None = None,
                         languages: list[str] = ()) -> Subscriber:
    """Create or find the subscriber and send the one mail that fits its state.

    Pending, unsubscribed and bounced addresses get a confirmation (they stay as they are
    until its link is used); a confirmed one a note that it is subscribed already. A
    complained address gets nothing, but the daily cap is counted as if it had, so that
    the answers (429 included) do not tell a stranger which addresses complained.

    `chosen` (topic and publisher ids ticked on the form) rides in the confirm link and
    is added once the link is used; `languages` are a new subscriber's story languages."""
    subscriber = _get_or_create(address, source, languages)
    defences.reserve_confirmation_mail(address)
    if subscriber.state == Subscriber.State.COMPLAINED:
        log.info("sign-up for subscriber %s, who complained, mailed nothing", subscriber.pk)
    elif subscriber.state == Subscriber.State.CONFIRMED:
        mails.send_already_subscribed(subscriber)
    else:
        subscriber.consent_source = source
        subscriber.save(update_fields=["consent_source"])
        mails.send_confirmation(subscriber, chosen)
    return subscriber


def _get_or_create(address: str, source: str, languages) -> Subscriber:
    try:
        with transaction.atomic():
            subscriber, _ = Subscriber.objects.get_or_create(
                email=address,
                defaults={
                    "consent_source": source,
                    "language": _language(),
                    "send_hour": settings.NEWSDESK_DIGEST_HOUR,
                    "story_languages": list(languages),
                },
            )
    except IntegrityError:  # two sign-ups for one address at the same moment
        subscriber = Subscriber.objects.get(email=address)
    return subscriber


def _language() -> str:
    from django.utils import translation

    return (translation.get_language() or settings.LANGUAGE_CODE)[:10]


def _truthy(value) -> bool:
    return str(value).lower() in ("1", "true", "on", "yes")


__all__ = ["sign_up", "request_subscription", "Refusal", "AddressProblem", "SignupResult"]
