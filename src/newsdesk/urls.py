from django.contrib import admin
from django.urls import include, path

from newsdesk import pipeline
from newsdesk.newsletter.views import api_subscribe

urlpatterns = [
    path("admin/", admin.site.urls),
    path("newsletter/", include("newsdesk.newsletter.urls")),
    path("api/subscribe", api_subscribe, name="api_subscribe"),
    # Entries a WebSub hub pushes are stored by sources, then handed on like a poll's.
    path("websub/", include("newsdesk.sources.urls"), {"hand_on": pipeline.hand_on}),
    path("", include("newsdesk.web.urls")),
]

handler500 = "newsdesk.web.errors.server_error"
