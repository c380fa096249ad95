"""The consent manager: nothing before opt-in, equal choices, a record, withdrawal, re-asking."""

import re
import time
from unittest import mock

import pytest
from django.urls import reverse

from newsdesk.consent.models import ConsentRecord
from newsdesk.consent.state import COOKIE_NAME

STATS = {
    "key": "stats",
    "name": "Example Stats",
    "purpose": "analytics",
    "provider": "Example Ltd",
    "description": "Counts page views.",
    "scripts": ["https://stats.example.net/count.js"],
    "hosts": ["https://stats.example.net"],
    "cookies": [{"name": "_ex_id", "duration": "13 months", "purpose": "Visitor id"}],
}
VIDEO = {
    "key": "video",
    "name": "Example Video",
    "purpose": "media",
    "scripts": ["https://video.example.org/embed.js"],
    "hosts": ["https://video.example.org"],
}


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def services(settings):
    settings.NEWSDESK_SERVICES = [STATS, VIDEO]
    return settings


def choose(client, action, **extra):
    return client.post(reverse("web:cookie_choice"), {"action": action, "next": "/", **extra})


def banner_buttons(html: str) -> list[str]:
    banner = html.split('class="consent-banner"')[1].split("</section>")[0]
    return re.findall(r'<button type="submit" name="action" value="(\w+)">', banner)


@pytest.mark.django_db
def test_without_declared_services_there_is_no_banner_and_no_cookie(client, settings):
    settings.NEWSDESK_SERVICES = []

    response = client.get("/")
    settings_page = client.get(reverse("web:cookie_settings")).content.decode()

    assert b"consent-banner" not in response.content
    assert not response.cookies
    assert "nothing to choose" in settings_page


@pytest.mark.django_db
def test_first_visit_gets_accept_reject_and_choose_as_equal_buttons_and_nothing_else(
    client, services
):
    response = client.get("/")
    html = response.content.decode()

    assert banner_buttons(html) == ["accept", "reject", "choose"]
    assert "stats.example.net" not in html and "video.example.org" not in html
    scripts = re.findall(r'<script src="([^"]+)"', html)
    # Only our own: the banner's and the one that keeps relative times true.
    assert sorted(scripts) == ["/static/web/consent.js", "/static/web/times.js"]
    assert not response.cookies


@pytest.mark.django_db
def test_accept_all_records_the_choice_and_loads_the_services(client, services):
    response = choose(client, "accept")

    assert response.status_code == 303 and response["Location"] == "/"
    cookie = response.cookies[COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 183 * 24 * 3600
    record = ConsentRecord.objects.get()
    assert record.choices == {"analytics": True, "media": True}
    assert record.policy_version and record.withdrawn_at is None
    field_names = {field.name for field in ConsentRecord._meta.get_fields()}
    assert not field_names & {"ip", "ip_address", "user_agent"}

    html = client.get("/").content.decode()
    assert "consent-banner" not in html
    assert '<script src="https://stats.example.net/count.js" defer>' in html
    assert '<script src="https://video.example.org/embed.js" defer>' in html


@pytest.mark.django_db
def test_reject_all_loads_nothing_and_stops_asking(client, services):
    choose(client, "reject")

    html = client.get("/").content.decode()

    assert ConsentRecord.objects.get().choices == {"analytics": False, "media": False}
    assert "consent-banner" not in html
    assert "stats.example.net" not in html and "video.example.org" not in html


@pytest.mark.django_db
def test_choose_leads_to_per_purpose_choices(client, services):
    response = choose(client, "choose")
    assert response.status_code == 303
    assert response["Location"].startswith(reverse("web:cookie_settings"))

    settings_page = client.get(response["Location"]).content.decode()
    assert 'name="purpose" value="analytics"' in settings_page
    assert 'name="purpose" value="media"' in settings_page
    assert " checked" not in settings_page

    choose(client, "save", purpose=["media", "made-up"])
    html = client.get("/").content.decode()
    assert ConsentRecord.objects.get().choices == {"analytics": False, "media": True}
    assert "video.example.org" in html and "stats.example.net" not in html


@pytest.mark.django_db
def test_withdrawal_marks_the_record_and_deletes_the_cookies(client, services):
    choose(client, "accept")
    client.cookies["_ex_id"] = "tracker-value"

    response = choose(client, "withdraw")

    assert ConsentRecord.objects.get().withdrawn_at is not None
    assert response.cookies[COOKIE_NAME]["max-age"] == 0
    assert response.cookies["_ex_id"]["max-age"] == 0
    html = client.get("/").content.decode()
    assert "consent-banner" in html and "stats.example.net" not in html


@pytest.mark.django_db
def test_a_policy_change_asks_again(client, services):
    choose(client, "accept")
    services.NEWSDESK_SERVICES = [STATS, VIDEO, {**VIDEO, "key": "social", "purpose": "social"}]

    html = client.get("/").content.decode()

    assert "consent-banner" in html
    assert "stats.example.net" not in html


@pytest.mark.django_db
def test_consent_expires_after_six_months(client, services):
    choose(client, "accept")
    later = time.time() + 184 * 24 * 3600

    with mock.patch("django.core.signing.time.time", return_value=later):
        html = client.get("/").content.decode()

    assert "consent-banner" in html and "stats.example.net" not in html


@pytest.mark.django_db
def test_a_forged_cookie_is_ignored(client, services):
    client.cookies[COOKIE_NAME] = "00000000-0000-0000-0000-000000000000|x|analytics,media"

    html = client.get("/").content.decode()

    assert "consent-banner" in html and "stats.example.net" not in html


@pytest.mark.django_db
def test_a_choice_posted_from_another_site_changes_nothing(client, services):
    response = client.post(
        reverse("web:cookie_choice"),
        {"action": "accept", "next": "/"},
        headers={"Origin": "https://evil.example"},
    )

    assert response.status_code == 403
    assert "sent from a page that is not part of this site" in response.content.decode()
    assert not response.cookies and not ConsentRecord.objects.exists()


@pytest.mark.django_db
def test_a_choice_from_our_own_page_is_accepted(client, services):
    response = client.post(
        reverse("web:cookie_choice"),
        {"action": "accept", "next": "/"},
        headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
    )

    assert response.status_code == 303 and COOKIE_NAME in response.cookies


@pytest.mark.django_db
def test_unknown_action_says_so_and_redirects_only_to_our_own_pages(client, services):
    bad = choose(client, "maybe")
    elsewhere = client.post(
        reverse("web:cookie_choice"), {"action": "reject", "next": "https://evil.example/"}
    )

    assert bad.status_code == 400
    assert "That choice was not understood" in bad.content.decode()
    assert elsewhere["Location"] == "/"


@pytest.mark.django_db
def test_cookie_policy_is_generated_from_the_declared_services(client, services):
    html = client.get(reverse("web:cookie_policy")).content.decode()

    assert "Example Stats" in html and "Example Ltd" in html and "Counts page views." in html
    assert "<code>_ex_id</code></td><td>13 months</td><td>Visitor id</td>" in html
    assert "<code>nd_consent</code>" in html
    assert "https://stats.example.net" in html


def test_a_malformed_declaration_says_what_is_wrong(settings):
    from django.core.exceptions import ImproperlyConfigured

    from newsdesk.consent.services import declared_services

    settings.NEWSDESK_SERVICES = [{"key": "x", "name": "X"}]
    with pytest.raises(ImproperlyConfigured, match=r"NEWSDESK_SERVICES\[0\]: missing purpose"):
        declared_services()
    settings.NEWSDESK_SERVICES = "[not json"
    with pytest.raises(ImproperlyConfigured, match="NEWSDESK_SERVICES: not valid JSON"):
        declared_services()
