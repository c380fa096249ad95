"""The site's own error pages: the header, search and footer stay, so a reader can go on.

404 is Django's handler with our `404.html`. A 500 is rendered with the page's context
when that still works, and as a plain page of its own when it does not (the error may be
the database or a template the site's layout needs).
"""

import logging

from django.http import HttpResponseServerError
from django.template.loader import render_to_string

log = logging.getLogger(__name__)

PLAIN_500 = (
    "<!DOCTYPE html><html lang=en><meta charset=utf-8>"
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Server error</title><h1>Something went wrong</h1>"
    "<p>This page could not be shown because of an error on our side. "
    'Please try again in a minute, or go to the <a href="/">top stories</a>.</p>'
)


def server_error(request):
    try:
        html = render_to_string("500.html", request=request)
    except Exception:  # the error page must not fail in turn
        log.exception("the 500 page could not be rendered; sent the plain one")
        html = PLAIN_500
    return HttpResponseServerError(html)
