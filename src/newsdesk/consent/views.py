"""The consent manager's pages: settings (change or withdraw), the choice, the policy.

Everything works as plain HTML forms; the choice is a POST checked by its Origin rather
than a CSRF cookie, so that public pages carry no per-visitor token and the site sets no
cookie before the visitor chooses.
"""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from newsdesk.core.origin import is_cross_origin

from . import state
from .services import declared_purposes, declared_services, necessary_cookies, policy_version


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_GET
def cookie_settings(request):
    consent = state.current_consent(request)
    purposes = [
        {"key": key, "label": label, "allowed": consent is not None and consent.allows(key),
         "services": [s for s in declared_services() if s.purpose == key]}
        for key, label in declared_purposes()
    ]
    context = {
        "purposes": purposes,
        "consent": consent,
        "next": _safe_next(request, reverse("web:front")),
    }
    return render(request, "consent/settings.html", context)


@csrf_exempt
@require_POST
def record_choice(request):
    if is_cross_origin(request):
        return render(request, "consent/cross_origin.html", status=403)
    action = request.POST.get("action", "")
    next_url = _safe_next(request, reverse("web:front"))
    if action == "choose":
        settings_url = reverse("web:cookie_settings")
        return HttpResponseRedirect(f"{settings_url}?{urlencode({'next': next_url})}", status=303)
    response = HttpResponseRedirect(next_url, status=303)
    if action == "withdraw":
        state.withdraw(request, response)
    elif action == "accept":
        state.record_choice(response, [key for key, _label in declared_purposes()])
    elif action == "reject":
        state.record_choice(response, [])
    elif action == "save":
        state.record_choice(response, request.POST.getlist("purpose"))
    else:
        return render(
            request, "consent/bad_choice.html", {"next": next_url}, status=400
        )
    return response


@require_GET
def cookie_policy(request):
    context = {
        "services": declared_services(),
        "necessary": necessary_cookies(),
        "policy_version": policy_version(),
    }
    return render(request, "consent/policy.html", context)
