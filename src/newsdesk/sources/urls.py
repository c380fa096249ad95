"""The WebSub callback, included by the project under websub/.

The including URLconf must pass `hand_on` (what to do with the entries a push stored):
newsdesk/urls.py gives it the pipeline's hand-off.
"""

from django.urls import path

from newsdesk.sources import views

app_name = "websub"
urlpatterns = [
    path("<int:source_id>/<str:token>/", views.callback, name="callback"),
]
