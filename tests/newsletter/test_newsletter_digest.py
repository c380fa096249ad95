"""Digests: who gets what, when, once; rendering once per edition; SMTP answers; DKIM."""

import base64
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import dkim
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from newsletter_support import free_port

from newsdesk.articles.models import Article
from newsdesk.newsletter import render
from newsdesk.newsletter.digest import plan_deliveries, send_due_digests, send_queued
from newsdesk.newsletter.models import Delivery, Edition, MailEvent, OutboxMessage, Subscriber
from newsdesk.newsletter.schedule import latest_slot, next_slot
from newsdesk.newsletter.sending import delivery_from_verp
from newsdesk.sources.models import Source

pytestmark = pytest.mark.django_db


def subscriber(email="anna@example.org", **fields):
    return Subscriber.objects.create(email=email, state=Subscriber.State.CONFIRMED, **fields)


def test_each_subscriber_gets_only_the_stories_they_follow(smtp, make_story, topic, publisher):
    science, sport = topic("Science"), topic("Sport")
    herald = publisher("Harbour Herald")
    make_story("Comet seen over the bay", topics=[science], score=5)
    make_story("Rowing club wins the regatta", topics=[sport], score=4)
    make_story("Council debates the harbour budget", publisher_objects=[herald], score=3)
    make_story("Night trains return to the coast line", score=2)
    scientist = subscriber("sci@example.org")
    scientist.topics.set([science])
    reader = subscriber("herald@example.org")
    reader.publishers.set([herald])
    subscriber("trains@example.org", keywords="night train")
    subscriber("all@example.org")

    assert send_due_digests() == 4
    subjects = {r.rcpt_tos[0]: r.message["Subject"] for r in smtp.received}
    assert subjects == {
        "sci@example.org": "Comet seen over the bay",
        "herald@example.org": "Council debates the harbour budget",
        "trains@example.org": "Night trains return to the coast line",
        "all@example.org": "Comet seen over the bay, and 3 more stories",
    }


def test_stories_are_ranked_and_capped(smtp, make_story, settings):
    settings.NEWSDESK_DIGEST_MAX_STORIES = 2
    make_story("Second", score=5)
    make_story("First", score=9)
    make_story("Third", score=1)
    subscriber()
    send_due_digests()
    plain = smtp.received[0].message.get_body(("plain",)).get_content()
    assert plain.index("First") < plain.index("Second") and "Third" not in plain
    assert Delivery.objects.get().story_count == 2


def test_nothing_new_means_no_mail_and_a_skipped_delivery(smtp, make_story):
    make_story("Too old for a first digest", updated_ago=timedelta(days=2))
    subscriber()
    assert send_due_digests() == 0
    assert not smtp.received
    assert Delivery.objects.get().state == Delivery.State.SKIPPED


def test_unconfirmed_and_unsubscribed_addresses_never_get_a_digest(smtp, make_story):
    make_story("Fresh story")
    Subscriber.objects.create(email="pending@example.org")
    Subscriber.objects.create(email="gone@example.org", state=Subscriber.State.UNSUBSCRIBED)
    Subscriber.objects.create(email="bounced@example.org", state=Subscriber.State.BOUNCED)
    assert send_due_digests() == 0 and not smtp.received


@pytest.mark.parametrize("hour", range(24))
def test_second_digest_has_only_stories_updated_since_the_first(
    smtp, make_story, time_machine, hour
):
    # Any hour of the day: the next slot may be minutes or almost a day away.
    time_machine.move_to(datetime(2026, 11, 27, hour, 30, tzinfo=UTC), tick=False)
    make_story("Morning story")
    anna = subscriber()
    send_due_digests()
    anna.refresh_from_db()
    first = timezone.now()
    assert anna.next_digest_at > first
    midway = (anna.next_digest_at - first) / 2
    make_story("Evening story", updated_ago=-midway)  # between the two digests
    time_machine.move_to(anna.next_digest_at + timedelta(minutes=5), tick=False)
    assert send_due_digests() == 1
    second = smtp.received[1].message
    assert second["Subject"] == "Evening story"


# The last Sundays of March and October 2026, when Europe/Berlin changes its clocks.
DST_CHANGES = [
    pytest.param(datetime(2026, 3, 28, 12, tzinfo=UTC), id="spring-forward"),
    pytest.param(datetime(2026, 10, 24, 12, tzinfo=UTC), id="fall-back"),
]


@pytest.mark.parametrize("send_hour", range(24))
@pytest.mark.parametrize("start", DST_CHANGES)
def test_daily_slots_fall_once_a_day_at_the_local_hour_across_a_clock_change(start, send_hour):
    berlin = ZoneInfo("Europe/Berlin")
    reader = Subscriber(frequency="daily", send_hour=send_hour, timezone="Europe/Berlin")
    slots = [next_slot(reader, start)]
    for _ in range(3):
        slots.append(next_slot(reader, slots[-1]))
    local_days = [slot.astimezone(berlin).date() for slot in slots]
    assert local_days == [local_days[0] + timedelta(days=n) for n in range(4)]
    for slot in slots:
        local = slot.astimezone(berlin)
        # On the day the clocks go forward, 02:00 does not exist: the slot is an hour later.
        skipped = local.date() == date(2026, 3, 29) and send_hour == 2
        assert (local.hour, local.minute) == (send_hour + skipped, 0)
        assert latest_slot(reader, slot) == slot
        assert latest_slot(reader, slot + timedelta(hours=23)) in (slot, next_slot(reader, slot))


@pytest.mark.parametrize("start", DST_CHANGES)
def test_a_digest_on_the_day_the_clocks_change_comes_at_seven_local_time(
    smtp, make_story, time_machine, start
):
    berlin = ZoneInfo("Europe/Berlin")
    time_machine.move_to(start, tick=False)
    make_story("Before the change")
    reader = subscriber(timezone="Europe/Berlin", send_hour=7)
    send_due_digests()
    reader.refresh_from_db()
    change_day = reader.next_digest_at.astimezone(berlin)
    assert (change_day.date(), change_day.hour) == ((start + timedelta(days=1)).date(), 7)
    make_story("During the change", updated_ago=-timedelta(hours=12))
    time_machine.move_to(reader.next_digest_at + timedelta(minutes=1), tick=False)
    assert send_due_digests() == 1
    assert smtp.received[1].message["Subject"] == "During the change"


def test_not_due_subscriber_is_left_alone(smtp, make_story):
    make_story("Fresh story")
    subscriber(next_digest_at=timezone.now() + timedelta(hours=3))
    assert send_due_digests() == 0


def test_same_slot_shares_an_edition_and_other_time_zones_get_their_own(smtp, make_story):
    make_story("Fresh story")
    subscriber("a@example.org", timezone="UTC")
    subscriber("b@example.org", timezone="UTC")
    subscriber("c@example.org", timezone="Asia/Tokyo")
    send_due_digests()
    assert Edition.objects.count() == 2
    assert sorted(Edition.objects.values_list("deliveries__subscriber__email", flat=True)) == [
        "a@example.org", "b@example.org", "c@example.org"]
    assert set(Edition.objects.values_list("state", flat=True)) == {Edition.State.FINISHED}


def test_slots_follow_local_time_and_weekday():
    berlin = Subscriber(frequency="daily", send_hour=7, timezone="Europe/Berlin")
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    assert latest_slot(berlin, now) == datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
    assert next_slot(berlin, now) == datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
    weekly = Subscriber(frequency="weekly", send_hour=18, weekday=0, timezone="UTC")
    assert latest_slot(weekly, now) == datetime(2026, 11, 23, 18, 0, tzinfo=UTC)  # a Monday
    assert next_slot(weekly, now) == datetime(2026, 11, 30, 18, 0, tzinfo=UTC)


def test_story_fragments_are_rendered_once_per_edition(smtp, make_story):
    for n in range(3):
        make_story(f"Story number {n}")
    for n in range(5):
        subscriber(f"reader{n}@example.org")
    with mock.patch.object(render, "render_to_string", wraps=render.render_to_string) as spy:
        assert send_due_digests() == 5
    fragments = [c for c in spy.call_args_list if c.args[0] == "newsletter/mail/_story.html"]
    assert len(fragments) == 3


def test_plain_text_subscribers_get_a_text_only_mail(smtp, make_story):
    make_story("Fresh story")
    subscriber(format=Subscriber.Format.TEXT)
    send_due_digests()
    message = smtp.received[0].message
    assert message.get_content_type() == "text/plain"
    assert "Fresh story" in message.get_content()


def test_html_part_has_inlined_css_and_dark_mode_and_no_tracking(smtp, make_story):
    story = make_story("Fresh story")
    subscriber()
    send_due_digests()
    html = smtp.received[0].message.get_body(("html",)).get_content()
    assert "prefers-color-scheme: dark" in html
    assert 'class="story-title" dir="auto" style="' in html
    assert "<img" not in html  # no tracking pixel
    assert f'href="https://news.example{story.get_absolute_url()}"' in html


def test_temporary_failure_is_retried_later_with_the_same_message_id(smtp, make_story):
    make_story("Fresh story")
    subscriber("busy@example.org")
    smtp.replies["busy@example.org"] = "451 4.2.1 Mailbox busy, try later"
    assert send_due_digests() == 0
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.QUEUED and delivery.attempts == 1
    assert "451" in delivery.error
    assert delivery.next_attempt_at > timezone.now()
    assert send_queued() == 0  # not yet due: backoff
    smtp.replies.clear()
    assert send_queued(now=delivery.next_attempt_at + timedelta(seconds=1)) == 1
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT and delivery.attempts == 2
    assert smtp.received[0].message["Message-ID"] == delivery.message_id


def test_permanent_refusal_of_the_address_suppresses_it(smtp, make_story):
    make_story("Fresh story")
    subscriber("gone@example.org")
    smtp.replies["gone@example.org"] = "550 5.1.1 No such user here"
    assert send_due_digests() == 0
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.BOUNCED and "550" in delivery.error
    assert Subscriber.objects.get().state == Subscriber.State.BOUNCED
    assert MailEvent.objects.get().kind == MailEvent.Kind.HARD_BOUNCE


def test_unreachable_server_leaves_deliveries_queued_for_a_retry(make_story, settings):
    settings.NEWSDESK_MAIL_CONCURRENCY = 1
    settings.MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
    }}
    make_story("Fresh story")
    subscriber()
    assert send_due_digests() == 0
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.QUEUED and "connection failed" in delivery.error


def test_connections_are_reused_across_messages(transactional_db, smtp, make_story, settings):
    settings.NEWSDESK_MAIL_CONCURRENCY = 2
    make_story("Fresh story")
    for n in range(8):
        subscriber(f"reader{n}@example.org")
    assert send_due_digests() == 8
    assert 1 <= smtp.sessions <= 2
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}
    assert len({r.message["Message-ID"] for r in smtp.received}) == 8


def test_each_delivery_has_its_own_verp_bounce_address(smtp, make_story):
    make_story("Fresh story")
    subscriber("a@example.org")
    subscriber("b@example.org")
    send_due_digests()
    senders = {r.rcpt_tos[0]: r.mail_from for r in smtp.received}
    for address, sender in senders.items():
        delivery = Delivery.objects.get(subscriber__email=address)
        assert delivery_from_verp(sender) == delivery.pk
    assert delivery_from_verp(senders["a@example.org"].replace("-", "-0", 1)) is None


def test_dry_run_lists_who_would_get_what_and_writes_nothing(make_story, capsys):
    make_story("Fresh story")
    subscriber()
    call_command("digest", "send", "--dry-run")
    out = capsys.readouterr().out
    assert "anna@example.org: 1 story, first: Fresh story" in out
    assert "1 digest would be sent" in out
    assert not Delivery.objects.exists() and not Edition.objects.exists()
    assert Subscriber.objects.get().next_digest_at is None


def test_planning_twice_is_a_no_op(make_story):
    make_story("Fresh story")
    anna = subscriber()
    now = timezone.now()
    plan_deliveries(now)
    Subscriber.objects.filter(pk=anna.pk).update(next_digest_at=None, last_digest_at=None)
    plan_deliveries(now)
    assert Delivery.objects.count() == 1


def test_digest_command_without_action_says_what_to_type():
    with pytest.raises(CommandError, match="newsdesk digest send"):
        call_command("digest")


@pytest.fixture
def dkim_key(tmp_path):
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a DKIM test key")
    key = tmp_path / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True,
                   capture_output=True)
    public = subprocess.run(["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"],
                            check=True, capture_output=True).stdout
    return key, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


def test_dkim_signature_verifies_on_the_received_bytes(smtp, make_story, settings, dkim_key):
    key_file, dns_record = dkim_key
    settings.NEWSDESK_DKIM_KEY_FILE = str(key_file)
    settings.NEWSDESK_DKIM_SELECTOR = "nd2026"
    settings.NEWSDESK_DKIM_DOMAIN = "news.example"
    make_story("Signed story")
    subscriber()
    send_due_digests()
    received = smtp.received[0].data
    assert received.startswith(b"DKIM-Signature:")

    def dns(name, timeout=5):
        assert name == b"nd2026._domainkey.news.example."
        return dns_record

    assert dkim.verify(received, dnsfunc=dns)
    tampered = received.replace(b"Signed story", b"Forged story", 1)
    assert not dkim.verify(tampered, dnsfunc=dns)


def test_embedded_default_keeps_the_digest_in_the_outbox(make_story, settings):
    settings.MAILERS = {"default": {"BACKEND": "newsdesk.newsletter.outbox.OutboxBackend"}}
    make_story("Harbour bridge reopens")
    subscriber()
    assert send_due_digests() == 1
    kept = OutboxMessage.objects.get()
    assert kept.subject == "Harbour bridge reopens"
    assert "Harbour bridge reopens" in kept.text_body and "<h2" in kept.html_body
    assert kept.message_id == Delivery.objects.get().message_id
    assert "List-Unsubscribe" in kept.headers


def test_a_digest_credits_the_publisher_of_the_lead_report(smtp, make_story, publisher):
    wire = publisher("Meridian Wire")
    source = Source.objects.create(url="https://meridianwire.example/rss", publisher=wire)
    lead = Article.objects.create(
        url="https://meridianwire.example/quake", url_hash=Article.hash_url(
            "https://meridianwire.example/quake"), source=source, publisher=wire,
        title="Earthquake strikes", text="A strong earthquake struck.",
        published_at=timezone.now() - timedelta(hours=3),
    )
    make_story("Earthquake strikes", headline_article=lead, publisher_objects=[wire])
    subscriber()

    assert send_due_digests() == 1
    message = smtp.received[0].message
    assert "Lead report by Meridian Wire" in message.get_body(("plain",)).get_content()
    assert "Lead report by Meridian Wire" in message.get_body(("html",)).get_content()


def _sending_queries(emails):
    """The statements of one send_queued() run for `emails` (planned first), in this
    thread (the test's SMTP settings send from the calling thread)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for email in emails:
        subscriber(email)
    plan_deliveries(timezone.now())
    with CaptureQueriesContext(connection) as captured:
        assert send_queued() == len(emails)
    return [q["sql"] for q in captured.captured_queries]


def test_queries_per_message_do_not_grow_with_the_edition(smtp, make_story):
    """Sending reads each batch with a fixed number of queries (deliveries with their
    subscribers, the editions, the stories), whatever its size, and writes one mark per
    message in a step of its own: nothing is loaded per message, and no field that
    sending reads is left to load lazily."""
    from django.db import connection

    for n in range(3):
        make_story(f"Story number {n}")
    few = _sending_queries(["a@example.org", "b@example.org"])
    many = _sending_queries([f"reader{n}@example.org" for n in range(7)])

    def selects(statements):
        return [sql for sql in statements if sql.startswith("SELECT")]

    def marks(statements):
        return [sql for sql in statements if sql.startswith("UPDATE") and "sent_at" in sql]

    assert len(selects(many)) == len(selects(few))
    assert (len(marks(few)), len(marks(many))) == (2, 7)
    # A mark: the UPDATE alone on SQLite (autocommit); on PostgreSQL its own transaction
    # (here a savepoint in the test's) that sets synchronous_commit off.
    per_message = 1 if connection.vendor == "sqlite" else 4
    assert len(many) - len(few) == (7 - 2) * per_message
    assert Delivery.objects.filter(state=Delivery.State.SENT).count() == 9
