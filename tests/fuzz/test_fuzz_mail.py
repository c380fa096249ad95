"""Fuzzing mail: every header we write is one header, and digests render from any text.

Stories are built as a mail sees them (selection.StoryItem) from arbitrary titles and
excerpts, rendered as a digest or an alert, assembled into bytes and read back by the
email package: the message has exactly the headers we wrote, each one line.
"""

from datetime import UTC, datetime
from email import message_from_bytes, policy

from fuzz_strategies import ANY_CHARACTER, hostile_text
from hostile import assert_clean
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.core.text import clean_text, has_line_break
from newsdesk.newsletter.mime import HeaderError, build_bytes, header_line
from newsdesk.newsletter.models import Edition
from newsdesk.newsletter.render import EditionRenderer
from newsdesk.newsletter.selection import StoryItem
from newsdesk.newsletter.sending import list_headers

any_text = st.one_of(hostile_text, st.text(ANY_CHARACTER, max_size=120))
header_names = st.one_of(
    st.sampled_from(["Subject", "From", "To", "List-Id", "X-Anything"]),
    st.text(ANY_CHARACTER, max_size=12),
)


def headers_of(raw: bytes) -> list[tuple[str, str]]:
    return list(message_from_bytes(raw, policy=policy.default).items())


@given(header_names, any_text)
def test_a_header_is_one_header_or_refused(name, value):
    try:
        raw = header_line(name, value)
    except HeaderError:
        return
    ((read_name, read_value),) = headers_of(raw + b"\r\n")
    assert read_name == name
    assert not has_line_break(read_value)


@st.composite
def story_items(draw) -> StoryItem:
    title, excerpt = draw(any_text), draw(any_text)
    return StoryItem(
        id=draw(st.integers(1, 10**6)),
        title=title,
        excerpt=excerpt,
        url=f"https://news.example/stories/{draw(st.integers(1, 10**6))}/x/",
        publisher_count=draw(st.integers(1, 40)),
        updated_at=datetime(2026, 11, 27, 12, tzinfo=UTC),
        topic_ids=frozenset(),
        publisher_ids=frozenset(),
        haystack=f"{title}\n{excerpt}".lower(),
    )


@given(
    st.lists(story_items(), min_size=1, max_size=4),
    st.sampled_from(["daily", "breaking"]),
    st.booleans(),
    st.sampled_from(["en", "de", "xx"]),
)
def test_a_digest_of_any_stories_has_exactly_its_headers_each_one_line(items, kind, html, lang):
    edition = Edition(frequency=kind, slot=datetime(2026, 11, 27, 7, tzinfo=UTC))
    rendered = EditionRenderer(edition).render(
        items=items,
        address="anna@example.org",
        language=lang,
        html=html,
        unsubscribe_url="https://news.example/newsletter/u/token/",
        preferences_url="https://news.example/newsletter/p/token/",
    )
    headers = {
        "Message-ID": "<1.digest@news.example>",
        **list_headers("https://news.example/newsletter/u/token/", "token"),
    }
    raw = build_bytes(
        subject=rendered.subject,
        from_header="Newsdesk <news@news.example>",
        to="anna@example.org",
        headers=headers,
        text_qp=rendered.text_qp,
        html_qp=rendered.html_qp,
    )
    message = message_from_bytes(raw, policy=policy.default)
    names = [name.lower() for name in message.keys()]
    assert names == [
        "subject", "from", "to", "date", *(name.lower() for name in headers),
        "mime-version", "content-type", *([] if html else ["content-transfer-encoding"]),
    ]  # fmt: skip
    for _, value in message.items():
        assert not has_line_break(str(value))
    assert message["Subject"] == clean_text(rendered.subject)  # as the writer writes it
    for part in message.walk():
        if not part.is_multipart():
            assert_clean(part.get_content().replace("\r\n", "\n"), lines=True)
