"""Security headers, the Content-Security-Policy per visitor, and whole-page caching."""

import pytest
from django.urls import reverse
from web_builders import STATS_SERVICE, make_article, make_story

CSP_MIDDLEWARE = "django.middleware.csp.ContentSecurityPolicyMiddleware"
SITE_MIDDLEWARE = "newsdesk.web.middleware.SiteHeadersMiddleware"


@pytest.fixture(autouse=True)
def site_headers(settings):
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m not in (CSP_MIDDLEWARE, SITE_MIDDLEWARE)
    ] + [CSP_MIDDLEWARE, SITE_MIDDLEWARE]


@pytest.mark.django_db
def test_pages_carry_a_strict_csp_and_the_security_headers(client):
    response = client.get("/")

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self';" in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_public_pages_set_no_cookie(client, publishers):
    story = make_story(make_article(publishers["harbour"], "Bridge approved"))

    for url in ("/", story.get_absolute_url(), reverse("web:search") + "?q=bridge",
                reverse("web:privacy"), reverse("web:cookie_settings")):
        assert not client.get(url).cookies, url


@pytest.mark.django_db
def test_consented_service_hosts_are_allowed_only_for_that_visitor(client, settings):
    settings.NEWSDESK_SERVICES = [STATS_SERVICE]
    before = client.get("/")["Content-Security-Policy"]
    client.post(reverse("web:cookie_choice"), {"action": "accept", "next": "/"})

    after = client.get("/")["Content-Security-Policy"]

    assert "stats.example.net" not in before
    assert "script-src 'self' https://stats.example.net;" in after


@pytest.mark.django_db
def test_page_cache_serves_one_rendering_until_it_expires(client, settings, publishers):
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 30
    make_story(make_article(publishers["harbour"], "First story"))
    first = client.get("/")
    make_story(make_article(publishers["valley"], "Second story"))

    cached = client.get("/")
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 0
    fresh = client.get("/")

    assert "max-age=30" in first["Cache-Control"]
    assert b"Second story" not in cached.content
    assert b"Second story" in fresh.content


@pytest.mark.django_db
def test_with_services_declared_cached_pages_vary_on_the_consent_cookie(client, settings):
    settings.NEWSDESK_SERVICES = [STATS_SERVICE]
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 30
    asked = client.get("/")
    client.post(reverse("web:cookie_choice"), {"action": "accept", "next": "/"})

    after = client.get("/")

    assert "Cookie" in asked["Vary"]
    assert b"consent-banner" in asked.content
    assert b"consent-banner" not in after.content
    assert b'<script src="https://stats.example.net/count.js"' in after.content
