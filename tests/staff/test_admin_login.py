"""The admin's login: a throttle per (user name, client) kept in the shared cache (the
database, or Redis), Django's password validators, and optional TOTP for staff."""

import os
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsdesk.staff import throttle as throttle_module

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "correct horse battery staple"
HOME = "203.0.113.7"


class Clock:
    """The throttle's time, moved only by the test."""

    def __init__(self):
        self.now = 1_800_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(throttle_module, "time", clock)
    return clock


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    """The real hasher takes most of a second a login on this machine; the throttle does
    not care how passwords are hashed."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user(
        "editor", "editor@news.example", PASSWORD, is_staff=True, is_superuser=True
    )


def redis_or_skip() -> str:
    import redis

    url = os.environ.get("NEWSDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no Redis answers at {url} (set NEWSDESK_TEST_REDIS_URL)")
    return url


@pytest.fixture(params=["database", "redis"])
def shared_cache(request, settings):
    """The counters in each kind of shared cache a deployment can have."""
    if request.param == "redis":
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_or_skip(),
                "KEY_PREFIX": f"test-{uuid.uuid4().hex}",  # other test runs share the server
            },
        }
    return request.param


def log_in(password, *, address=HOME, username="editor", client=None, otp_token="", **meta):
    client = client or Client()
    data = {"username": username, "password": password, "next": "/admin/", "otp_token": otp_token}
    return client.post(LOGIN, data, REMOTE_ADDR=address, **meta)


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_ten_failed_logins_pause_the_account_for_that_client_even_for_the_right_password(
    editor, clock, shared_cache
):
    failures = [log_in(f"guess {n}") for n in range(10)]
    clock.now += 60
    right_one = log_in(PASSWORD)

    assert [f.status_code for f in failures[:9]] == [200] * 9
    assert failures[9].status_code == 429  # the tenth already says so
    assert right_one.status_code == 429
    assert int(right_one["Retry-After"]) == 14 * 60
    page = right_one.content.decode()
    assert "10 failed logins" in page and "even the right password is refused" in page
    assert "14 minutes" in page


def test_the_pause_ends_after_fifteen_minutes(editor, clock, shared_cache):
    for n in range(10):
        log_in(f"guess {n}")
    clock.now += 15 * 60 + 1

    assert logged_in(log_in(PASSWORD))


def test_nine_failures_do_not_pause_and_failures_spread_over_time_do_not_add_up(
    editor, clock, shared_cache
):
    for n in range(9):
        log_in(f"guess {n}")
    assert logged_in(log_in(PASSWORD))
    clock.now += 16 * 60
    for n in range(9):
        log_in(f"late guess {n}")

    assert logged_in(log_in(PASSWORD))


def test_other_clients_and_other_accounts_are_not_paused(editor, clock, shared_cache):
    get_user_model().objects.create_user("chief", password=PASSWORD, is_staff=True)
    for n in range(10):
        log_in(f"guess {n}")

    assert logged_in(log_in(PASSWORD, address="198.51.100.20"))
    assert log_in(PASSWORD, username="chief").status_code == 302


def test_one_ipv6_network_is_one_client(editor, clock):
    for n in range(10):
        log_in(f"guess {n}", address=f"2001:db8:7:8::{n + 1:x}")

    assert log_in(PASSWORD, address="2001:db8:7:8:ffff::1").status_code == 429
    assert logged_in(log_in(PASSWORD, address="2001:db8:7:9::1"))


def test_behind_a_trusted_proxy_the_forwarded_client_is_paused_not_the_proxy(
    editor, clock, settings
):
    settings.NEWSDESK_TRUSTED_PROXIES = ["10.0.0.0/8"]
    for n in range(10):
        log_in(f"guess {n}", address="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7")
    paused = log_in(PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    other = log_in(PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.20")

    assert paused.status_code == 429
    assert logged_in(other)


@pytest.mark.parametrize(
    "weak", ["short1", "password1234", "12345678901234", "editor@news.example"]
)
def test_weak_passwords_are_refused_by_the_validators(editor, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, user=editor)
    validate_password("a harbour bridge at dusk", user=editor)


@pytest.fixture
def authenticator(editor, settings):
    """A confirmed TOTP device of the editor's, and a function giving its current code.

    django-otp's own delay after a wrong code (1 s, doubling) reads the wall clock, so it
    is off here; it stays on in the product, beside our throttle."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)

    def code(drift: int = 0) -> str:
        return f"{totp(device.bin_key, step=device.step, drift=drift):06d}"

    return code


def test_staff_without_a_device_log_in_with_the_password_alone(editor):
    client = Client()
    assert logged_in(log_in(PASSWORD, client=client))
    assert client.get("/admin/").status_code == 200


def test_staff_with_a_device_need_its_current_code(editor, authenticator, clock):
    missing = log_in(PASSWORD)
    wrong = log_in(PASSWORD, otp_token="000000" if authenticator() != "000000" else "111111")
    client = Client()
    right = log_in(PASSWORD, client=client, otp_token=authenticator())

    assert missing.status_code == 200 and b"enter the 6-digit code" in missing.content
    assert wrong.status_code == 200 and b"That code is not right" in wrong.content
    assert logged_in(right)
    assert client.get("/admin/").status_code == 200


def test_a_session_not_verified_by_the_device_has_no_admin(editor, authenticator):
    client = Client()
    client.force_login(editor)  # a password-only session, as before the device was added

    response = client.get("/admin/")

    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_wrong_codes_count_towards_the_pause(editor, authenticator, clock):
    bad = "000000" if authenticator() != "000000" else "111111"
    for _ in range(10):
        log_in(PASSWORD, otp_token=bad)

    assert log_in(PASSWORD, otp_token=authenticator()).status_code == 429


def test_the_login_page_offers_the_code_field_to_those_who_set_one_up(client):
    page = client.get(LOGIN).content.decode()
    assert 'name="otp_token"' in page and "Only if you set up two-factor" in page


def test_a_weak_first_admin_password_is_refused_with_what_is_wrong(db):
    from django.core.management.base import CommandError

    from newsdesk.management.commands.run import check_admin_password

    with pytest.raises(CommandError, match="NEWSDESK_ADMIN_PASSWORD is too weak: .*too short"):
        check_admin_password("admin1")
    check_admin_password("a harbour bridge at dusk")


def test_a_new_device_is_set_up_from_its_qr_code_in_the_admin(admin_client, admin_user):
    device = TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=False)

    config = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/")
    qr_code = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/")

    assert config.status_code == 200
    assert qr_code.status_code == 200 and qr_code["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr_code.content
    # Unconfirmed, the device asks nothing yet: the session that set it up keeps working.
    assert admin_client.get("/admin/").status_code == 200


def test_the_pause_is_explained_in_the_browsers_language(editor, clock):
    for n in range(10):
        log_in(f"guess {n}")

    page = log_in(PASSWORD, HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Logins pausiert" in page and "selbst das richtige Passwort" in page
