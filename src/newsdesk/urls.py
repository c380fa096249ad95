from django.contrib import admin
from django.urls import include, path

from newsdesk.newsletter.views import api_subscribe

urlpatterns = [
    path("admin/", admin.site.urls),
    path("newsletter/", include("newsdesk.newsletter.urls")),
    path("api/subscribe", api_subscribe, name="api_subscribe"),
    path("websub/", include("newsdesk.sources.urls")),
    path("", include("newsdesk.web.urls")),
]

handler500 = "newsdesk.web.errors.server_error"
