"""Signing up: clear errors, typo suggestions, and the same bot defences on every path."""

import json
import re
import time

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from newsdesk.newsletter import pow as proof_of_work
from newsdesk.newsletter.defences import form_started
from newsdesk.newsletter.models import Subscriber

pytestmark = pytest.mark.django_db

FORM = "/newsletter/subscribe/"
API = "/newsletter/api/subscribe"


def post_form(client, email, started, **extra):
    return client.post(FORM, {"email": email, "started": started, "website": "", **extra},
                       **extra.pop("headers", {}))


def post_api(client, payload, **headers):
    return client.post(API, json.dumps(payload), content_type="application/json", **headers)


@pytest.mark.parametrize(
    ("typed", "explanation"),
    [
        ("", "Enter your email address"),
        ("anna", "An email address must have an @-sign."),
        ("anna@", "There must be something after the @-sign."),
        ("@example.org", "There must be something before the @-sign."),
        ("anna@example", "It should have a period."),
        ("an na@example.org", "invalid characters before the @-sign"),
    ],
)
def test_invalid_address_says_exactly_what_is_wrong_and_what_to_do(client, started, typed,
                                                                   explanation):
    response = post_form(client, typed, started)
    assert response.status_code == 400
    page = response.content.decode()
    assert explanation in page
    assert "Something went wrong" not in page
    assert 'aria-invalid="true"' in page
    assert not mail.outbox and not Subscriber.objects.exists()


def test_likely_domain_typo_is_pointed_out_with_the_corrected_address(client, started):
    response = post_form(client, "anna@gmial.com", started)
    assert response.status_code == 400
    page = response.content.decode()
    assert "gmial.com — did you mean gmail.com?" in page
    assert 'value="anna@gmail.com"' in page
    assert '<form method="post" action="/newsletter/subscribe/" class="suggestion">' in page
    assert "Use anna@gmail.com" in page
    assert not mail.outbox


def test_typed_domain_is_accepted_when_the_visitor_insists(client, started):
    response = post_form(client, "anna@gamil.com", started, keep_address="1")
    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [["anna@gamil.com"]]


def test_typo_domain_known_as_throwaway_is_still_refused_when_insisted_on(client, started):
    response = post_form(client, "anna@gmial.com", started, keep_address="1")
    assert response.status_code == 400
    assert b"Please use another address" in response.content


def test_success_page_says_a_confirmation_was_sent_and_what_to_do(client, started):
    response = post_form(client, "anna@example.org", started)
    assert response.status_code == 200
    assert b"sent a confirmation email to anna@example.org" in response.content
    assert b"Confirm" in response.content
    assert Subscriber.objects.get().state == Subscriber.State.PENDING
    assert len(mail.outbox) == 1


def test_footer_form_needs_no_csrf_cookie(started):
    client = Client(enforce_csrf_checks=True)
    response = post_form(client, "anna@example.org", started)
    assert response.status_code == 200
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "headers", [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}]
)
def test_post_from_another_website_is_refused(client, started, headers):
    response = client.post(FORM, {"email": "anna@example.org", "started": started},
                           headers=headers)
    assert response.status_code == 403
    assert b"sent from another website" in response.content
    assert not mail.outbox


def test_post_from_our_own_origin_is_accepted(client, started, settings):
    response = client.post(FORM, {"email": "anna@example.org", "started": started},
                           headers={"Origin": settings.NEWSDESK_BASE_URL})
    assert response.status_code == 200


def test_honeypot_gets_the_success_page_but_nothing_is_sent_or_stored(client, started):
    response = client.post(FORM, {"email": "anna@example.org", "started": started,
                                  "website": "http://spam.example"})
    assert response.status_code == 200
    assert b"sent a confirmation email" in response.content
    assert not mail.outbox and not Subscriber.objects.exists()


@pytest.mark.parametrize(
    "started_value", ["now", "", "not-a-time", "future", "unsigned", "forged"]
)
def test_form_sent_faster_than_a_person_types_or_with_a_forged_time_is_refused(
    client, started_value
):
    now = int(time.time())
    value = {
        "now": form_started(now),
        "future": form_started(now + 600),
        "unsigned": str(now - 30),  # a time long enough ago, but not one we signed
        "forged": f"{now - 30}:" + form_started(now).partition(":")[2],  # a signature moved
    }.get(started_value, started_value)
    response = client.post(FORM, {"email": "anna@example.org", "started": value})
    assert response.status_code == 400
    assert b"quicker than a person usually fills in a form" in response.content
    assert not mail.outbox


def test_rate_limit_per_client_ip(client, started, settings):
    settings.NEWSDESK_SIGNUP_LIMIT_IP = (2, 3600)
    for n in range(2):
        assert post_form(client, f"reader{n}@example.org", started).status_code == 200
    refused = post_form(client, "reader9@example.org", started)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert b"Too many sign-ups from your network" in refused.content
    assert len(mail.outbox) == 2


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(client, started, settings):
    settings.NEWSDESK_SIGNUP_LIMIT_IP = (1, 3600)
    first = client.post(FORM, {"email": "a@example.org", "started": started},
                        headers={"X-Forwarded-For": "198.51.100.1"})
    second = client.post(FORM, {"email": "b@example.org", "started": started},
                         headers={"X-Forwarded-For": "198.51.100.2"})
    assert (first.status_code, second.status_code) == (200, 429)


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(client, started,
                                                                        settings):
    settings.NEWSDESK_SIGNUP_LIMIT_IP = (1, 3600)
    settings.NEWSDESK_TRUSTED_PROXIES = ["127.0.0.0/8"]

    def from_client(address, chain):
        return client.post(FORM, {"email": address, "started": started},
                           headers={"X-Forwarded-For": chain}, REMOTE_ADDR="127.0.0.1")

    assert from_client("a@example.org", "198.51.100.1").status_code == 200
    assert from_client("b@example.org", "198.51.100.2").status_code == 200
    # A forged left-most entry does not make a new client: the proxy appended the real one.
    assert from_client("c@example.org", "203.0.113.9, 198.51.100.1").status_code == 429


def test_one_ipv6_network_shares_one_limit_however_many_addresses_it_uses(client, started,
                                                                          settings):
    settings.NEWSDESK_SIGNUP_LIMIT_IP = (2, 3600)

    def from_address(email, address):
        return client.post(FORM, {"email": email, "started": started},
                           REMOTE_ADDR=address).status_code

    assert from_address("a@example.org", "2001:db8:1:2::1") == 200
    assert from_address("b@example.org", "2001:db8:1:2:ffff:ffff:ffff:fffe") == 200
    assert from_address("c@example.org", "2001:db8:1:2:abcd::9") == 429
    assert from_address("d@example.org", "2001:db8:1:3::1") == 200  # the next /64



def test_rate_limit_per_address_and_per_domain(client, started, settings):
    settings.NEWSDESK_SIGNUP_LIMIT_ADDRESS = (1, 3600)
    settings.NEWSDESK_SIGNUP_LIMIT_DOMAIN = (2, 3600)
    assert post_form(client, "a@example.org", started).status_code == 200
    again = post_form(client, "A@Example.org", started)
    assert again.status_code == 429 and b"entered many times" in again.content
    assert post_form(client, "b@example.org", started).status_code == 200
    third = post_form(client, "c@example.org", started)
    assert third.status_code == 429 and b"addresses at example.org" in third.content


def test_list_bombing_one_address_from_many_networks_sends_at_most_the_daily_cap(
    client, started, settings
):
    settings.NEWSDESK_CONFIRMATIONS_PER_DAY = 2
    settings.NEWSDESK_SIGNUP_LIMIT_ADDRESS = (100, 3600)
    statuses = [
        client.post(FORM, {"email": "victim@example.org", "started": started},
                    REMOTE_ADDR=f"198.51.100.{n}").status_code
        for n in range(1, 8)
    ]
    assert statuses == [200, 200, 429, 429, 429, 429, 429]
    assert len(mail.outbox) == 2
    last = client.post(FORM, {"email": "victim@example.org", "started": started},
                       REMOTE_ADDR="198.51.100.99")
    assert b"send no more until tomorrow" in last.content


@pytest.mark.parametrize("address", ["anna@mailinator.com", "anna@spam.example",
                                     "anna@eu.spam.example"])
def test_blocked_and_throwaway_domains_are_refused_with_a_reason(client, started, settings,
                                                                 address):
    settings.NEWSDESK_BLOCKED_DOMAINS = ["spam.example"]
    response = post_form(client, address, started)
    assert response.status_code == 400
    assert b"Please use another address" in response.content
    assert not mail.outbox


def same_page(a: bytes, b: bytes) -> bool:
    """Equal but for the render time the footer form carries."""
    render_time = re.compile(rb'name="started" value="\d+"')
    return render_time.sub(b"", a) == render_time.sub(b"", b)


def test_already_subscribed_address_reveals_nothing_and_its_owner_is_told(client, started):
    Subscriber.objects.create(email="known@example.org", state=Subscriber.State.CONFIRMED)
    known = post_form(client, "known@example.org", started)
    new = post_form(client, "new@example.org", started)
    assert known.status_code == new.status_code == 200
    assert same_page(known.content.replace(b"known@", b"X@"), new.content.replace(b"new@", b"X@"))
    owner_mail, new_mail = mail.outbox
    assert owner_mail.to == ["known@example.org"]
    assert "already subscribed" in owner_mail.subject
    assert "/newsletter/confirm/" not in owner_mail.body
    assert "/newsletter/confirm/" in new_mail.body
    assert Subscriber.objects.get(email="known@example.org").state == "confirmed"


def test_api_subscribes_with_json_and_answers_202(client, started):
    response = post_api(client, {"email": "anna@example.org", "started": started})
    assert response.status_code == 202
    assert response.json()["status"] == "confirmation_sent"
    assert Subscriber.objects.get().consent_source == "api"
    assert len(mail.outbox) == 1


def test_api_explains_an_invalid_address_and_suggests_a_fix(client, started):
    response = post_api(client, {"email": "anna@hotmial.com", "started": started})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error == {
        "code": "typo",
        "message": "hotmial.com — did you mean hotmail.com?",
        "field": "email",
        "suggestion": "anna@hotmail.com",
    }


def test_api_applies_the_same_bot_defences(client, started, settings):
    honeypot = post_api(client, {"email": "a@example.org", "started": started, "website": "x"})
    assert honeypot.status_code == 202 and not mail.outbox
    too_fast = post_api(client, {"email": "a@example.org", "started": int(time.time())})
    assert too_fast.status_code == 400 and too_fast.json()["error"]["code"] == "too_fast"
    cross_site = post_api(client, {"email": "a@example.org", "started": started},
                          headers={"Origin": "https://evil.example"})
    assert cross_site.status_code == 403
    settings.NEWSDESK_SIGNUP_LIMIT_IP = (0 + 1, 3600)
    assert post_api(client, {"email": "a@example.org", "started": started}).status_code == 202
    limited = post_api(client, {"email": "b@example.org", "started": started})
    assert limited.status_code == 429 and limited["Retry-After"]
    assert limited.json()["error"]["code"] == "rate_ip"


def test_api_refuses_a_body_that_is_not_a_json_object(client):
    response = client.post(API, "[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert "must be a JSON object" in response.json()["error"]["message"]
    assert client.get(API).status_code == 405


def test_proof_of_work_when_enabled_is_required_checked_and_single_use(client, started,
                                                                       settings):
    settings.NEWSDESK_SIGNUP_POW_BITS = 6
    page = client.get(FORM).content.decode()
    assert 'name="pow_challenge"' in page
    missing = post_form(client, "a@example.org", started)
    assert missing.status_code == 400 and b"needs JavaScript" in missing.content
    challenge = proof_of_work.new_challenge()
    nonce = proof_of_work.solve(challenge, 6)
    solved = {"pow_challenge": challenge, "pow_nonce": nonce}
    assert post_form(client, "a@example.org", started, **solved).status_code == 200
    replay = post_form(client, "b@example.org", started, **solved)
    assert replay.status_code == 400 and b"already sent once" in replay.content


def test_rate_limit_counters_are_kept_in_the_shared_database_cache(client, started, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                   "LOCATION": "newsdesk_cache"},
                       "pages": settings.CACHES["pages"]}  # in front of "default"
    settings.NEWSDESK_SIGNUP_LIMIT_IP = (1, 3600)
    assert post_form(client, "a@example.org", started).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM newsdesk_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert any("newsdesk:rate:signup-client:" in key for key in keys)
    assert post_form(client, "b@example.org", started).status_code == 429


def test_taking_the_suggestion_right_away_is_not_mistaken_for_a_bot(client, started):
    page = post_form(client, "anna@gmial.com", started).content.decode()
    suggestion_form = page[page.index('class="suggestion"', page.index("</form>")):]
    assert 'name="email" value="anna@gmail.com"' in suggestion_form
    assert f'name="started" value="{started}"' in suggestion_form
    response = client.post(FORM, {"email": "anna@gmail.com", "started": started})
    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [["anna@gmail.com"]]


def test_form_refused_as_too_fast_comes_back_with_a_time_that_will_pass(client):
    future = form_started(time.time() + 600)
    page = client.post(FORM, {"email": "anna@example.org", "started": future}).content.decode()
    assert f'value="{future}"' not in page


@pytest.mark.django_db
def test_the_sign_up_page_has_one_form_and_other_pages_keep_the_footer_form(client):
    page = client.get(FORM).content.decode()
    assert page.count('action="/newsletter/subscribe/"') == 1
    assert page.count('id="subscribe-email"') <= 1  # no repeated ids
    about = client.get("/about/", follow=True).content.decode()
    assert 'action="/newsletter/subscribe/"' in about
