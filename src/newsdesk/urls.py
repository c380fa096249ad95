from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("newsletter/", include("newsdesk.newsletter.urls")),
    path("websub/", include("newsdesk.sources.urls")),
    path("", include("newsdesk.web.urls")),
]
