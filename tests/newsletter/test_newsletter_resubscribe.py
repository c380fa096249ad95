"""Old confirm links cannot undo an unsubscription, a bounce or a complaint; signing up
again after one works (except after a complaint, which is never mailed), and the answer
to the visitor is the same whatever the address's state. Real SMTP on loopback."""

import re
from pathlib import Path

import pytest
from newsletter_support import link_in, path_of

from newsdesk.newsletter.bounces import handle_incoming
from newsdesk.newsletter.models import Subscriber
from newsdesk.newsletter.tokens import make_token

pytestmark = pytest.mark.django_db

FORM = "/newsletter/subscribe/"
SAMPLES = Path(__file__).parent / "samples"
ADDRESS = "anna@readers.example"


@pytest.fixture
def sign_up(client, smtp, started):
    """Post the footer form; returns the response and the confirm path mailed, if any."""

    def post(address=ADDRESS):
        mailed_before = len(smtp.received)
        response = client.post(FORM, {"email": address, "started": started, "website": ""})
        new_mail = smtp.received[mailed_before:]
        if not new_mail:
            return response, None
        text = new_mail[-1].message.get_body(("plain",)).get_content()
        return response, path_of(link_in(text, "/newsletter/confirm/"))

    return post


def _answer(response, address: str) -> bytes:
    """The page without the address and without the freshly signed render time of its
    forms, which changes with the second the page was made."""
    page = response.content.replace(address.encode(), b"X")
    return re.sub(rb'name="started" value="[^"]*"', b'name="started" value=""', page)


def state() -> str:
    return Subscriber.objects.get(email=ADDRESS).state


def unsubscribe(client):
    subscriber = Subscriber.objects.get(email=ADDRESS)
    client.post(f"/newsletter/unsubscribe/{make_token(subscriber, 'unsubscribe')}/")


def bounce_hard(client=None):
    raw = (SAMPLES / "dsn_hard_bounce.eml").read_bytes().replace(
        b"gone@readers.example", ADDRESS.encode()
    )
    handle_incoming(raw, ["bounces@news.example"])


def complain(client=None):
    raw = (SAMPLES / "arf_complaint.eml").read_bytes().replace(
        b"annoyed@readers.example", ADDRESS.encode()
    )
    handle_incoming(raw, ["abuse@news.example"])


@pytest.mark.parametrize(
    "stop", [unsubscribe, bounce_hard, complain], ids=["unsubscribed", "bounced", "complained"]
)
def test_a_confirm_link_from_before_mailing_stopped_no_longer_subscribes(client, sign_up, stop):
    _, old_link = sign_up()
    client.post(old_link)
    stop(client)
    stopped = state()

    response = client.post(old_link)

    assert response.status_code == 400
    assert b"no longer valid" in response.content and b"sign up again" in response.content
    assert client.get(old_link).status_code == 400
    assert state() == stopped != Subscriber.State.CONFIRMED


def test_an_unused_confirm_link_dies_with_the_bounce_of_a_pending_address(client, sign_up):
    _, link = sign_up()
    bounce_hard()
    assert client.post(link).status_code == 400
    assert state() == Subscriber.State.BOUNCED


@pytest.mark.parametrize("stop", [unsubscribe, bounce_hard], ids=["unsubscribed", "bounced"])
def test_signing_up_again_after_unsubscribing_or_bouncing_mails_a_new_link_that_works(
    client, sign_up, stop
):
    _, first_link = sign_up()
    client.post(first_link)
    stop(client)

    response, new_link = sign_up()

    assert response.status_code == 200 and new_link and new_link != first_link
    assert state() != Subscriber.State.CONFIRMED  # nothing changes until the link is used
    assert client.post(first_link).status_code == 400
    assert client.post(new_link).status_code == 200
    assert state() == Subscriber.State.CONFIRMED


def test_a_complained_address_is_never_mailed_and_the_visitor_cannot_tell(
    client, sign_up, smtp, settings
):
    settings.NEWSDESK_CONFIRMATIONS_PER_DAY = 10  # the cap has a test of its own below
    _, link = sign_up()
    client.post(link)
    complain()
    mailed = len(smtp.received)

    complained_answers = [sign_up(ADDRESS) for _ in range(3)]
    stranger_answers = [sign_up("nobody@readers.example") for _ in range(3)]

    assert len(smtp.received) == mailed + 3  # the stranger's three, none to the complainer
    assert all(confirm is None for _, confirm in complained_answers)
    for (theirs, _), (strangers, _) in zip(complained_answers, stranger_answers, strict=True):
        assert theirs.status_code == strangers.status_code
        assert _answer(theirs, ADDRESS) == _answer(strangers, "nobody@readers.example")
    assert state() == Subscriber.State.COMPLAINED


def test_the_daily_cap_counts_a_complained_address_like_any_other(client, sign_up, settings):
    settings.NEWSDESK_CONFIRMATIONS_PER_DAY = 1
    Subscriber.objects.create(email=ADDRESS, state=Subscriber.State.COMPLAINED)
    Subscriber.objects.create(email="other@readers.example", state=Subscriber.State.PENDING)

    statuses = [sign_up(a)[0].status_code for a in (ADDRESS, ADDRESS)]
    others = [sign_up("other@readers.example")[0].status_code for _ in range(2)]

    assert statuses == others == [200, 429]


def test_unsubscribe_and_preference_links_from_old_mails_keep_working_and_show_the_state(
    client, sign_up
):
    _, link = sign_up()
    client.post(link)
    subscriber = Subscriber.objects.get(email=ADDRESS)
    old_unsubscribe = f"/newsletter/unsubscribe/{make_token(subscriber, 'unsubscribe')}/"
    old_preferences = f"/newsletter/preferences/{make_token(subscriber, 'preferences')}/"
    assert b"Digests are sent to" in client.get(old_preferences).content

    unsubscribe(client)
    again = client.get(old_unsubscribe)
    preferences = client.get(old_preferences)

    assert again.status_code == 200 and b"is unsubscribed" in again.content
    assert b"<button" not in again.content.split(b"<main", 1)[-1].split(b"</main>")[0]
    assert preferences.status_code == 200 and b"is unsubscribed" in preferences.content
    complain()
    assert b"reported as spam" in client.get(old_preferences).content
