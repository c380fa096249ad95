"""The WebSub callback, included by the project under websub/."""

from django.urls import path

from newsdesk.sources import views

app_name = "websub"
urlpatterns = [
    path("<int:source_id>/<str:token>/", views.callback, name="callback"),
]
