"""Response headers of the public site: the CSP for this visitor, Permissions-Policy.

Goes in MIDDLEWARE after django.middleware.csp.ContentSecurityPolicyMiddleware (so that
it sees the response first). The policy is SECURE_CSP when the operator set one, else
the strict default below; the origins of the optional services this visitor consented
to are added to it for this response only, so before an opt-in the browser would refuse
to load them even if a page tried.
"""

from django.conf import settings
from django.utils.csp import CSP

from newsdesk.consent.state import allowed_services

DEFAULT_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "media-src": [CSP.SELF],
    "frame-src": [CSP.NONE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SERVICE_DIRECTIVES = ("script-src", "img-src", "connect-src", "frame-src", "style-src")
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), microphone=(), "
    "payment=(), usb=(), browsing-topics=(), interest-cohort=()"
)


def site_policy() -> dict:
    return dict(getattr(settings, "SECURE_CSP", None) or DEFAULT_CSP)


def policy_for(request) -> dict:
    """The site policy widened by the hosts of the services this visitor allowed."""
    policy = site_policy()
    hosts = [host for service in allowed_services(request) for host in service.hosts]
    if hosts:
        for directive in SERVICE_DIRECTIVES:
            sources = [s for s in policy.get(directive, [CSP.SELF]) if s != CSP.NONE]
            policy[directive] = [*sources, *hosts]
    return policy


class SiteHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not hasattr(response, "_csp_config"):
            response._csp_config = policy_for(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
