"""Template context every page gets."""

from django.conf import settings

from newsdesk.consent import state
from newsdesk.consent.services import declared_purposes


def site(request):
    """The site's name and address, and the consent state."""
    ask = state.must_ask(request)
    return {
        "site_name": settings.NEWSDESK_SITE_NAME,
        "base_url": settings.NEWSDESK_BASE_URL,
        "consent_ask": ask,
        "consent_purpose_list": ", ".join(str(label) for _key, label in declared_purposes())
        if ask
        else "",
        "consented_services": state.allowed_services(request),
    }
