"""Template context every page gets."""

import time

from django.conf import settings

from newsdesk.consent import state
from newsdesk.consent.services import declared_purposes


def site(request):
    """The site's name and address, the consent state, and the sign-up form's render time.

    `newsletter_started` is the Unix time (seconds) the page was rendered; the newsletter's
    minimum-fill-time defence compares it with the time the form arrives. A page served
    from a cache carries an older time, which only makes that check more lenient.
    """
    ask = state.must_ask(request)
    return {
        "site_name": settings.NEWSDESK_SITE_NAME,
        "base_url": settings.NEWSDESK_BASE_URL,
        "newsletter_started": int(time.time()),
        "consent_ask": ask,
        "consent_purpose_list": ", ".join(str(label) for _key, label in declared_purposes())
        if ask
        else "",
        "consented_services": state.allowed_services(request),
    }
