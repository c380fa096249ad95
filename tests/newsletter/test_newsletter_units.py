"""Pure pieces of the newsletter: typo suggestions, MIME assembly, VERP, proof of work,
story selection. No database."""

import email
from datetime import UTC, datetime, timedelta
from email import policy

import pytest

from newsdesk.newsletter import pow as proof_of_work
from newsdesk.newsletter.mime import build_bytes, quoted_printable
from newsdesk.newsletter.render import EncodedTemplate
from newsdesk.newsletter.selection import CandidateIndex, Interests, StoryItem, choose
from newsdesk.newsletter.typos import edit_distance, suggest_address, suggest_domain


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("gmial.com", "gmail.com"), ("gamil.com", "gmail.com"), ("hotmial.com", "hotmail.com"),
     ("yahooo.com", "yahoo.com"), ("outlok.com", "outlook.com"), ("gmail.con", "gmail.com"),
     ("web.dr", "web.de"), ("protonmial.com", "protonmail.com")],
)
def test_common_domain_typos_are_recognised(typed, meant):
    assert suggest_domain(typed) == meant


@pytest.mark.parametrize("domain", ["gmail.com", "tamil.com", "example.org", "uni-hamburg.de",
                                    "newsroom.example", "hotmail.fr"])
def test_known_or_unrelated_domains_are_left_alone(domain):
    assert suggest_domain(domain) is None


def test_swapped_letters_count_as_half_an_edit():
    assert edit_distance("gamil", "gmail") == 0.5
    assert edit_distance("gamil", "tamil") == 1


def test_suggestion_keeps_the_local_part():
    assert suggest_address("Anna.K@gmial.com") == "Anna.K@gmail.com"
    assert suggest_address("no-at-sign") is None


def parse(raw: bytes):
    return email.message_from_bytes(raw, policy=policy.default)


def body(message, subtype: str) -> str:
    return message.get_body((subtype,)).get_content().replace("\r\n", "\n")


def test_mime_builds_multipart_alternative_with_utf8_bodies_and_encoded_subject():
    raw = build_bytes(
        subject="Zürich votes, and 3 more stories", from_header="Newsdesk <n@news.example>",
        to="a@example.org", headers={"Message-ID": "<1@news.example>", "List-Id": "<d.x>"},
        text_qp=quoted_printable("Grüße aus Zürich\n.leading dot\n"),
        html_qp=quoted_printable("<p>Grüße aus Zürich</p>\n"),
    )
    assert all(len(line) <= 78 for line in raw.split(b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b"")
    message = parse(raw)
    assert message["Subject"] == "Zürich votes, and 3 more stories"
    assert message.get_content_type() == "multipart/alternative"
    assert body(message, "plain") == "Grüße aus Zürich\n.leading dot\n"
    assert body(message, "html") == "<p>Grüße aus Zürich</p>\n"
    assert message["Message-ID"] == "<1@news.example>" and message["Date"]


def test_mime_text_only_message_and_long_headers_are_folded():
    long_value = "<https://news.example/newsletter/unsubscribe/" + "x" * 40 + "/>, " \
                 "<mailto:unsubscribe@news.example?subject=unsubscribe%20" + "y" * 40 + ">"
    raw = build_bytes(subject="Headline", from_header="n@news.example", to="a@example.org",
                      headers={"List-Unsubscribe": long_value},
                      text_qp=quoted_printable("Only text\n"), html_qp=None)
    message = parse(raw)
    assert message.get_content_type() == "text/plain"
    assert str(message["List-Unsubscribe"]).replace(" ", "") == long_value.replace(" ", "")


def test_proof_of_work_solution_has_the_required_zero_bits():
    import hashlib

    nonce = proof_of_work.solve("challenge", 8)
    digest = hashlib.sha256(f"challenge:{nonce}".encode()).digest()
    assert proof_of_work.leading_zero_bits(digest) >= 8
    assert proof_of_work.leading_zero_bits(b"\x00\x0f") == 12


NOW = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)


def item(n, *, topics=(), publishers=(), text="", hours_ago=1):
    return StoryItem(id=n, title=f"Story {n}", excerpt=text, url=f"https://x/{n}",
                     publisher_count=1, updated_at=NOW - timedelta(hours=hours_ago),
                     topic_ids=frozenset(topics), publisher_ids=frozenset(publishers),
                     haystack=f"story {n}\n{text}".lower())


def test_choice_follows_topics_publishers_and_keywords_in_rank_order():
    index = CandidateIndex([
        item(1, topics=[7]), item(2, publishers=[3]), item(3, text="Night trains return"),
        item(4, topics=[7], publishers=[3]), item(5),
    ])
    interests = Interests(frozenset({7}), frozenset({3}), ("night train",))
    assert [s.id for s in choose(index, interests, NOW - timedelta(days=1), 10)] == [1, 2, 3, 4]
    everything = Interests(frozenset(), frozenset(), ())
    assert [s.id for s in choose(index, everything, NOW - timedelta(days=1), 2)] == [1, 2]


def test_choice_leaves_out_stories_not_updated_since_the_last_digest():
    index = CandidateIndex([item(1, hours_ago=30), item(2, hours_ago=2)])
    everything = Interests(frozenset(), frozenset(), ())
    assert [s.id for s in choose(index, everything, NOW - timedelta(hours=24), 10)] == [2]


def test_encoding_fixed_lines_once_gives_the_same_bytes_as_encoding_the_whole():
    text = "Grüße aus Zürich, " * 12 + "\n<a href=\"%%ND-UNSUBSCRIBE%%\">x</a>\nend  \n"
    values = {"%%ND-UNSUBSCRIBE%%": "https://news.example/u/tök/"}
    pieces = EncodedTemplate(text).fill(values)
    whole = text.replace("%%ND-UNSUBSCRIBE%%", "https://news.example/u/tök/")
    assert b"".join(pieces) == quoted_printable(whole)


def test_rate_limit_spaces_messages_evenly(monkeypatch):
    from newsdesk.newsletter import sending

    clock = [100.0]
    slept = []
    monkeypatch.setattr(sending.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(sending.time, "sleep", lambda seconds: slept.append(round(seconds, 3)))
    limit = sending.RateLimit(per_second=4)
    for _ in range(3):
        limit.wait()
    assert slept == [0.25, 0.5]
    unlimited = sending.RateLimit(per_second=0)
    unlimited.wait()
    assert slept == [0.25, 0.5]


@pytest.mark.parametrize("address", [
    "reader@example.org", "bounces+123-0a1b2c3d4e@news.example", "o'neil.x_y@mail.example.co",
    "a.b.c@x-y.example", "weird..dots@example.org", ".lead@example.org", "tail.@example.org",
    "Anna <anna@example.org>", "\"quoted name\"@example.org", "user@[127.0.0.1]", "nobody",
    "ünï@exämple.org", "a@b",
])
def test_envelope_paths_are_what_smtplib_would_send(address):
    import smtplib

    from newsdesk.newsletter.sending import _path

    assert _path(address) == smtplib.quoteaddr(address)


@pytest.mark.parametrize("value", [
    "Comet seen over the bay", " leading", "trailing ", "two  spaces", "tab\there",
    "x" * 120, "word " * 30, "Grüße", "bell\x07", "del\x7f", "<https://news.example/u/t0k3n/>, "
    "<mailto:unsubscribe@news.example?subject=unsubscribe%20t0k3n>",
])
def test_plain_headers_are_written_as_the_cleaning_path_writes_them(value, monkeypatch):
    from newsdesk.newsletter import mime

    fast = mime.header_line("Subject", value)
    monkeypatch.setattr(mime, "_plain", lambda value: False)
    assert fast == mime.header_line("Subject", value)
