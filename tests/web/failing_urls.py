"""The site's URLs plus one view that fails, to see the 500 page (test_web_site_parts)."""

from django.urls import path

from newsdesk.urls import handler500  # noqa: F401
from newsdesk.urls import urlpatterns as site_patterns


def broken(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("broken/", broken), *site_patterns]
