"""`newsdesk backup` and `newsdesk restore`, on SQLite and on PostgreSQL.

The round trip: a desk following the publisher simulator (loopback) with subscribers
mailed over real SMTP (aiosmtpd, loopback) is backed up between two digest runs; its
database is destroyed and restored; it then goes on polling and sending with no entry
lost and no delivery missed or repeated, and the links mailed before still work.
"""

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from loopback import free_port

from newsdesk import pipeline
from newsdesk.newsletter.digest import send_due_digests
from newsdesk.newsletter.models import Delivery, Subscriber
from newsdesk.operations.backup import BACKUP_TABLE, KEY_KEPT_WARNING
from newsdesk.simulator import SimulatorThread
from newsdesk.sources.models import Entry, Source
from newsdesk.sources.registry import import_opml
from newsdesk.stories.assign import forget_index

READERS = ["ada@example.org", "ben@example.org", "cleo@example.org"]


class Mailbox:
    """aiosmtpd handler keeping (recipient, message) for every mail received."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        self.received += [(rcpt, message) for rcpt in envelope.rcpt_tos]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [message for rcpt, message in self.received if rcpt == address]


@pytest.fixture
def mailbox(settings):
    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.NEWSDESK_MAIL_CONCURRENCY = 1
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": controller.port,
                                                "timeout": 10}}}
    yield handler
    controller.stop()


def destroy_database() -> None:
    """Everything in the database gone: tables, indexes, the search index, sequences."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        empty = sqlite3.connect(":memory:")
        empty.backup(connection.connection)
        empty.close()
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")


def stored_entries() -> set[tuple[int, str]]:
    return set(Entry.objects.values_list("source_id", "key_hash"))


def test_a_desk_restored_between_two_digests_goes_on_with_nothing_lost(
    transactional_db, client, settings, mailbox, time_machine, tmp_path
):
    time_machine.move_to(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    settings.NEWSDESK_FETCH_ALLOW_NETWORKS = ["127.0.0.0/8", "::1/128"]
    with SimulatorThread() as simulator:
        settings.NEWSDESK_FETCH_RESOLVE = simulator.resolve_map()
        import_opml(simulator.opml().encode(), name="simulator.opml")
        sources = list(Source.objects.values_list("pk", flat=True))
        pipeline.poll_now(sources)
        for address in READERS:
            Subscriber.objects.create(email=address, state=Subscriber.State.CONFIRMED)
        assert send_due_digests() == len(READERS)
        before = stored_entries()
        assert before

        call_command("backup", str(tmp_path / "desk.backup"))
        destroy_database()
        with pytest.raises(Exception):  # noqa: B017 - whatever the engine raises: no table
            Entry.objects.count()
        call_command("restore", str(tmp_path / "desk.backup"))
        forget_index()  # the desk's processes start again after a restore

        assert stored_entries() == before, "an entry was lost or invented by the round trip"
        next_slot = Subscriber.objects.get(email=READERS[0]).next_digest_at
        time_machine.move_to(next_slot + timedelta(minutes=1))  # the simulator publishes more
        pipeline.poll_now(sources)
    after = stored_entries()
    assert before < after, "polling after the restore found nothing new"
    assert Entry.objects.count() == len(after)  # and stored nothing twice

    assert send_due_digests() == len(READERS)
    for address in READERS:
        first, second = mailbox.to(address)  # exactly two digests each: none missed, none twice
        assert first["Subject"] != second["Subject"]
    assert not Delivery.objects.exclude(state=Delivery.State.SENT).exists()

    # A link mailed before the backup still works after the restore.
    plain = mailbox.to(READERS[2])[0].get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+/newsletter/unsubscribe/\S+", plain).group(0)
    assert client.post(urlsplit(link).path).status_code == 200
    assert Subscriber.objects.get(email=READERS[2]).state == Subscriber.State.UNSUBSCRIBED


def test_a_sqlite_backup_holds_the_generated_secret_key(
    transactional_db, settings, tmp_path, monkeypatch
):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL desks take SECRET_KEY from the environment")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    key_file = settings.VAR_DIR / "secret_key"
    key_file.write_text(settings.SECRET_KEY)
    call_command("backup", str(tmp_path / "desk.backup"))
    with sqlite3.connect(tmp_path / "desk.backup") as copy:
        kept = dict(copy.execute(f"SELECT name, value FROM {BACKUP_TABLE}").fetchall())  # noqa: S608
    assert kept["secret_key"] == settings.SECRET_KEY

    key_file.write_text("a key generated on the new machine")
    call_command("restore", str(tmp_path / "desk.backup"))
    assert key_file.read_text() == settings.SECRET_KEY
    assert (settings.VAR_DIR / "secret_key.before-restore").read_text() == (
        "a key generated on the new machine")
    with connection.cursor() as cursor:  # the key is not left in the live database
        cursor.execute("SELECT name FROM sqlite_master WHERE name = %s", [BACKUP_TABLE])
        assert cursor.fetchone() is None


def test_a_key_from_the_environment_is_named_as_the_thing_to_keep(
    transactional_db, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("SECRET_KEY", "the-operators-own-key")
    call_command("backup", str(tmp_path / "desk.backup"))
    assert f"warning: {KEY_KEPT_WARNING}" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some text\n", "is not a Newsdesk backup"),
        (None, "no such file"),
    ],
)
def test_restore_says_what_is_wrong_with_the_file(db, tmp_path, content, message):
    path = tmp_path / "not-a-backup"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message) as refused:
        call_command("restore", str(path))
    assert refused.value.returncode == 2


def test_a_backup_of_the_other_engine_is_refused_in_words(db, tmp_path):
    other = tmp_path / "other.backup"
    if connection.vendor == "sqlite":
        other.write_bytes(b"PGDMP\x01\x0f\x00" + b"\x00" * 64)
        expected = "is a postgresql backup, but this desk uses sqlite"
    else:
        sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
        expected = "is a sqlite backup, but this desk uses postgresql"
    with pytest.raises(CommandError, match=expected):
        call_command("restore", str(other))


def test_backup_into_a_missing_folder_is_refused_in_words(db, tmp_path):
    with pytest.raises(CommandError, match="does not exist: create it"):
        call_command("backup", str(tmp_path / "nowhere" / "desk.backup"))
