from django.urls import path

from . import archive_views, views, webhooks

app_name = "newsletter"
urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("api/subscribe", views.api_subscribe, name="api_subscribe"),
    path("more-like/<int:story_id>/", views.more_like_request, name="more_like_request"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    path("preferences/<str:token>/choose/", views.choose, name="choose"),
    path("view/<str:token>/", views.view_delivery, name="view"),
    path("archive/", archive_views.archive_index, name="digest_archive"),
    path("archive/<int:edition_id>/", archive_views.archive_edition,
         name="digest_archive_edition"),
    path("archive/feed.atom", archive_views.archive_feed, name="digest_archive_feed"),
    path("preferences/<str:token>/more/<int:story_id>/", views.more_like_this,
         name="more_like_this"),
    path("preferences/<str:token>/export.json", views.export, name="export"),
    path("preferences/<str:token>/erase/", views.erase, name="erase"),
    path("webhooks/<str:provider>/<str:secret>/", webhooks.provider_webhook, name="webhook"),
]
