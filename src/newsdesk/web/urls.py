from django.urls import path

from newsdesk.consent import views as consent_views

from . import app_manifest, feeds, images, sitemaps, views

app_name = "web"
urlpatterns = [
    path("", views.front_page, name="front"),
    path("feed.<str:extension>", feeds.front_feed, name="front_feed"),
    path("stories/<int:story_id>/<slug:slug>/", views.story_page, name="story"),
    path("stories/<int:story_id>/", views.story_page, name="story_short"),
    path("topics/", views.topic_index, name="topics"),
    path("topics/<slug:slug>/", views.topic_page, name="topic"),
    path("topics/<slug:slug>/feed.<str:extension>", feeds.topic_feed, name="topic_feed"),
    path("publishers/", views.publisher_index, name="publishers"),
    path("publishers/<slug:slug>/", views.publisher_page, name="publisher"),
    path(
        "publishers/<slug:slug>/feed.<str:extension>",
        feeds.publisher_feed,
        name="publisher_feed",
    ),
    path("archive/", views.archive_page, name="archive"),
    path("archive/<int:year>/<int:month>/<int:day>/", views.archive_page, name="archive_day"),
    path("search/", views.search_page, name="search"),
    path("search/feed.<str:extension>", feeds.search_feed, name="search_feed"),
    path("about/", views.privacy_page, name="privacy"),
    path("language/", views.choose_language, name="choose_language"),
    path("cookies/", consent_views.cookie_settings, name="cookie_settings"),
    path("cookies/choice/", consent_views.record_choice, name="cookie_choice"),
    path("cookies/policy/", consent_views.cookie_policy, name="cookie_policy"),
    path("img/<str:signature>/<str:encoded>/", images.image_proxy, name="image"),
    path(
        "img/<str:signature>/<str:encoded>/<int:width>/",
        images.image_proxy,
        name="image_sized",
    ),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap"),
    path("sitemap-<str:section>.xml", sitemaps.sitemap_section, name="sitemap_section"),
    path("news-sitemap.xml", sitemaps.news_sitemap, name="news_sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    path("manifest.webmanifest", app_manifest.web_manifest, name="manifest"),
    path("favicon.ico", app_manifest.favicon, name="favicon"),
]
