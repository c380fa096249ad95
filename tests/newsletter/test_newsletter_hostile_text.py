"""Mail headers stay one header each, and bodies clean, whatever a story's text holds.

The issue's injection: an Atom title of type html "Title <br/>Bcc: victim@example.com"
became the Subject "Title\\nBcc: ..." of every digest the story led. Every header is
written by mime.header_line, which refuses line breaks; the stories a mail shows are
cleaned (selection.StoryItem), so rows stored before that cannot produce one either.
"""

from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
from hostile import FORBIDDEN, LINE_BREAKS, STORABLE_FORBIDDEN, assert_clean, name_of

from newsdesk.core.text import has_line_break
from newsdesk.newsletter.digest import send_due_digests
from newsdesk.newsletter.mime import HeaderError, build_bytes, header_line, quoted_printable
from newsdesk.newsletter.models import Subscriber
from newsdesk.sources.feeds import parse_feed

EXPECTED_HEADERS = {
    "subject", "from", "to", "date", "message-id", "list-unsubscribe",
    "list-unsubscribe-post", "list-id", "mime-version", "content-type", "auto-submitted",
    "precedence", "dkim-signature", "content-transfer-encoding",
}  # fmt: skip
NOT_BREAKS = [c for c in FORBIDDEN if not has_line_break(c)]


def parsed_headers(raw: bytes) -> list[tuple[str, str]]:
    message = message_from_bytes(raw, policy=policy.default)
    return [(name.lower(), str(value)) for name, value in message.items()]


@pytest.mark.parametrize("brk", LINE_BREAKS, ids=name_of)
@pytest.mark.parametrize("name", ["Subject", "From", "To", "List-Unsubscribe", "Message-ID"])
def test_the_header_writer_refuses_a_line_break_in_any_header(name, brk):
    with pytest.raises(HeaderError, match="line break"):
        header_line(name, f"Title{brk}Bcc: victim@example.com")


@pytest.mark.parametrize("name", ["Bcc: x", "Sub ject", "Subject\r\nBcc", "", "Tïtle"])
def test_the_header_writer_refuses_what_is_no_header_name(name):
    with pytest.raises(HeaderError, match="not a header field name"):
        header_line(name, "value")


@pytest.mark.parametrize("character", NOT_BREAKS, ids=name_of)
def test_the_header_writer_drops_what_rfc_5322_forbids(character):
    raw = header_line("Subject", f"Harbour{character} reopens") + b"\r\n"
    ((name, value),) = parsed_headers(raw)
    assert (name, value.replace("\ufffd", "")) == ("subject", "Harbour reopens")  # surrogates


def test_a_long_header_is_folded_but_stays_one_header():
    value = "Harbour reopens " * 20 + "\u00e9t\u00e9"
    ((name, value_read),) = parsed_headers(header_line("Subject", value) + b"\r\n")
    assert name == "subject" and not has_line_break(value_read)


def atom_with_title(title_html: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour</title><id>x</id>
<updated>2026-11-27T12:00:00Z</updated><entry><id>e1</id>
<updated>2026-11-27T12:00:00Z</updated><title type="html">{title_html}</title>
<link href="https://harbour.example/a"/></entry></feed>""".encode()


def subscriber():
    return Subscriber.objects.create(email="anna@example.org", state=Subscriber.State.CONFIRMED)


def assert_one_header_each(raw: bytes) -> None:
    headers = parsed_headers(raw)
    names = [name for name, _ in headers]
    assert set(names) <= EXPECTED_HEADERS, set(names) - EXPECTED_HEADERS
    assert len(names) == len(set(names)), names
    for _, value in headers:
        assert not has_line_break(value)


@pytest.mark.django_db
def test_the_issues_atom_title_cannot_add_headers_to_a_digest(smtp, make_story):
    """The whole path: feed title (html_to_text turns <br> into a break) to Subject."""
    injected = "Title &lt;br/&gt;Bcc: victim@example.com&lt;br/&gt;X-Injected: yes"
    feed = parse_feed(atom_with_title(injected), "https://harbour.example/feed",
                      now=datetime(2026, 11, 27, 15, tzinfo=UTC))
    make_story(feed.entries[0].title)
    subscriber()
    assert send_due_digests() == 1
    (received,) = smtp.received
    assert received.rcpt_tos == ["anna@example.org"]
    assert_one_header_each(received.data)
    assert received.message["Subject"] == "Title Bcc: victim@example.com X-Injected: yes"


@pytest.mark.django_db
@pytest.mark.parametrize("brk", LINE_BREAKS, ids=name_of)
def test_a_title_stored_with_a_break_before_the_fix_gives_a_one_line_subject(
    smtp, make_story, brk
):
    make_story(f"Title{brk}Bcc: victim@example.com{brk}Reply-To: x@example.com")
    subscriber()
    assert send_due_digests() == 1
    (received,) = smtp.received
    assert received.rcpt_tos == ["anna@example.org"]
    assert_one_header_each(received.data)


@pytest.mark.django_db
def test_stored_titles_and_excerpts_with_any_character_give_clean_bodies(smtp, make_story):
    dirt = "".join(STORABLE_FORBIDDEN)
    make_story(f"Comet{dirt} shower", excerpt=f"Look{dirt} east.\nAfter dark.")
    subscriber()
    send_due_digests()
    message = smtp.received[0].message
    assert_one_header_each(smtp.received[0].data)
    for part in ("plain", "html"):
        body = message.get_body((part,)).get_content()
        assert "Comet shower" in body
        assert_clean(body.replace("\r\n", "\n"), lines=True)


def test_a_message_built_from_clean_parts_has_exactly_its_headers():
    raw = build_bytes(
        subject="Harbour\u200d reopens",
        from_header="Newsdesk <news@news.example>",
        to="anna@example.org",
        headers={"Message-ID": "<1@news.example>"},
        text_qp=quoted_printable("Text\n"),
        html_qp=None,
    )
    assert [name for name, _ in parsed_headers(raw)] == [
        "subject", "from", "to", "date", "message-id", "mime-version", "content-type",
        "content-transfer-encoding",
    ]  # fmt: skip


@pytest.mark.django_db
def test_a_title_holding_our_fill_in_markers_is_shown_as_written(smtp, make_story):
    """A story's text is not a template: a title cannot pull in the reader's address."""
    title = "%%ND-ADDRESS%% and %%ND-UNSUBSCRIBE%%"
    make_story(title, excerpt="%%ND-STORIES%%")
    subscriber()
    send_due_digests()
    message = smtp.received[0].message
    for part in ("plain", "html"):
        body = message.get_body((part,)).get_content()
        assert title in body and "%%ND-STORIES%%" in body
        assert body.count("anna@example.org") == 1  # the footer's, not the title's
