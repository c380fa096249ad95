"""The web app manifest and /favicon.ico: the site's name and icon for browsers and
home screens (the icons themselves are static files, web/static/web/)."""

import json

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

THEME_COLOR = "#0b57b0"
BACKGROUND_COLOR = "#ffffff"
ICONS = [
    ("web/favicon.svg", "any", "image/svg+xml"),
    ("web/icon-192.png", "192x192", "image/png"),
    ("web/icon-512.png", "512x512", "image/png"),
]


def web_manifest(request):
    manifest = {
        "name": settings.NEWSDESK_SITE_NAME,
        "short_name": settings.NEWSDESK_SITE_NAME[:12],
        "description": _(
            "Every publisher's coverage of the day's stories, with links to the originals."
        ),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("web:front"),
        "scope": "/",
        "display": "browser",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": mime} for path, sizes, mime in ICONS
        ],
    }
    response = HttpResponse(
        json.dumps(manifest, ensure_ascii=False), content_type="application/manifest+json"
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response


def favicon(request):
    """Browsers and feed readers ask for /favicon.ico whatever the page says."""
    response = redirect(static("web/favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
