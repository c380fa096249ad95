"""German subscribers: their mails (received over SMTP) and the pages their links open are
in German. Each mail is compared with the same mail sent to an English subscriber: a line
that reads the same in both must be data (a headline, an excerpt, a link, the site's
name), never a sentence that was left untranslated."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone
from newsletter_support import link_in, path_of

from newsdesk.newsletter.digest import send_due_digests
from newsdesk.newsletter.mails import send_confirmation
from newsdesk.newsletter.models import Subscriber
from newsdesk.newsletter.tokens import make_token

pytestmark = pytest.mark.django_db


class _Text(HTMLParser):
    """The text a reader sees: text nodes outside <style>."""

    def __init__(self):
        super().__init__()
        self.lines = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        self.in_style = self.in_style or tag == "style"

    def handle_endtag(self, tag):
        self.in_style = self.in_style and tag != "style"

    def handle_data(self, data):
        if data.strip() and not self.in_style:
            self.lines.append(data.strip())


def html_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.lines


def text_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def untranslated(english: list[str], german: list[str], data: list[str]) -> set[str]:
    """Lines that read the same in both mails and are not made of data alone."""

    def is_data(line: str) -> bool:
        rest = line.lstrip("* ")
        for value in data:
            rest = rest.replace(value, "")
        return not rest.strip(" -·:.,\u2013") or rest.startswith(("http://", "https://"))

    return {line for line in set(english) & set(german) if not is_data(line)}


def parts(received):
    message = received.message
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return message, text, html


def by_recipient(smtp, address):
    return next(r for r in smtp.received if r.rcpt_tos == [address])


def test_a_german_visitor_gets_the_confirmation_and_its_page_in_german(client, smtp, started):
    response = client.post(
        "/newsletter/subscribe/",
        {"email": "leser@example.org", "started": started, "website": ""},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert "Fast fertig" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.language == "de"
    english = Subscriber.objects.create(email="reader@example.org", language="en")
    send_confirmation(english)

    message, text, html = parts(by_recipient(smtp, "leser@example.org"))
    assert message["Subject"] == "Bestätigen Sie Ihr Abonnement von Newsdesk"
    assert "Öffnen Sie zur Bestätigung diesen Link" in text
    assert "Der Link ist 72 Stunden gültig." in text and "Bestätigungsseite öffnen" in html
    en_message, en_text, en_html = parts(by_recipient(smtp, "reader@example.org"))
    assert en_message["Subject"] == "Confirm your subscription to Newsdesk"
    data = ["Newsdesk"]
    assert not untranslated(text_lines(en_text), text_lines(text), data)
    assert not untranslated(html_text(en_html), html_text(html), data)

    # The page the link opens speaks German, whatever the browser asks for.
    page = client.get(path_of(link_in(text, "/newsletter/confirm/")), HTTP_ACCEPT_LANGUAGE="en")
    content = page.content.decode()
    assert page["Content-Language"] == "de" and '<html lang="de">' in content
    assert "Bestätigen Sie Ihr Abonnement" in content and "Press Confirm" not in content
    confirmed = client.post(path_of(link_in(text, "/newsletter/confirm/")))
    assert "Sie haben abonniert" in confirmed.content.decode()


def test_a_german_digest_is_german_in_both_parts(smtp, make_story):
    make_story(
        "Hafenbrücke nach Reparatur wieder offen",
        publishers=5,
        score=9,
        excerpt="Die Brücke ist seit Montag wieder befahrbar.",
    )
    make_story(
        "Bibliothek verlängert Öffnungszeiten",
        publishers=1,
        score=3,
        excerpt="Ab Januar bis 22 Uhr.",
    )
    Subscriber.objects.create(
        email="leser@example.org", language="de", state=Subscriber.State.CONFIRMED
    )
    Subscriber.objects.create(
        email="reader@example.org", language="en", state=Subscriber.State.CONFIRMED
    )
    assert send_due_digests() == 2

    message, text, html = parts(by_recipient(smtp, "leser@example.org"))
    assert message["Subject"] == "Hafenbrücke nach Reparatur wieder offen und 1 weitere Meldung"
    assert "Ihre erste Zusammenfassung: 2 Meldungen vom letzten Tag." in text
    assert "5 Medien" in text and "1 Medium" in text
    assert "Abmelden:" in text and "Ändern, was Sie erhalten" in html
    assert '<html lang="de">' in html
    en_message, en_text, en_html = parts(by_recipient(smtp, "reader@example.org"))
    assert en_message["Subject"].endswith(", and 1 more story")
    assert '<html lang="en">' in en_html
    data = [
        "Newsdesk",
        "Hafenbrücke nach Reparatur wieder offen",
        "Bibliothek verlängert Öffnungszeiten",
        "Die Brücke ist seit Montag wieder befahrbar.",
        "Ab Januar bis 22 Uhr.",
    ]
    assert not untranslated(text_lines(en_text), text_lines(text), data)
    assert not untranslated(html_text(en_html), html_text(html), data)


def test_a_german_breaking_alert_is_german(smtp, make_story, settings):
    settings.NEWSDESK_BREAKING_PUBLISHERS = 5
    make_story(
        "Damm oberhalb der Altstadt gebrochen",
        publishers=6,
        excerpt="Die Feuerwehr räumt die Uferstraßen.",
        first_seen_at=timezone.now() - timedelta(hours=1),
    )
    later = timezone.now() + timedelta(hours=12)
    for email, language in (("leser@example.org", "de"), ("reader@example.org", "en")):
        Subscriber.objects.create(
            email=email,
            language=language,
            breaking_alerts=True,
            state=Subscriber.State.CONFIRMED,
            next_digest_at=later,
        )
    assert send_due_digests() == 2

    message, text, html = parts(by_recipient(smtp, "leser@example.org"))
    assert message["Subject"] == "Eilmeldung: Damm oberhalb der Altstadt gebrochen"
    assert "Inzwischen berichten 6 Medien über diese Meldung." in text
    assert "Eilmeldungen ausschalten" in html
    en_message, en_text, en_html = parts(by_recipient(smtp, "reader@example.org"))
    assert en_message["Subject"] == "Breaking: Damm oberhalb der Altstadt gebrochen"
    data = [
        "Newsdesk",
        "Damm oberhalb der Altstadt gebrochen",
        "Die Feuerwehr räumt die Uferstraßen.",
    ]
    assert not untranslated(text_lines(en_text), text_lines(text), data)
    assert not untranslated(html_text(en_html), html_text(html), data)


# ("Format" reads the same in German.)
ENGLISH_PREFERENCES = [
    "Your digest",
    "Settings for",
    "Topics",
    "Publishers",
    "Keywords",
    "Frequency",
    "Daily",
    "Weekly",
    "Breaking stories",
    "At (local time)",
    "On (weekly only)",
    "Monday",
    "Sunday",
    "Time zone",
    "Language",
    "HTML and plain text",
    "Plain text only",
    "Save",
    "Your data",
    "Words or phrases",
]


def test_the_preferences_page_speaks_the_subscribers_language(client):
    subscriber = Subscriber.objects.create(
        email="leser@example.org", language="de", state=Subscriber.State.CONFIRMED
    )
    url = f"/newsletter/preferences/{make_token(subscriber, 'preferences')}/"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    content = page.content.decode()
    assert page["Content-Language"] == "de"
    for german in (
        "Ihre Zusammenfassung",
        "Themen",
        "Stichwörter",
        "Häufigkeit",
        "Täglich",
        "Eilmeldungen",
        "Um (Ortszeit)",
        "Montag",
        "Zeitzone",
        "Nur reiner Text",
        "Speichern",
        "sobald 5 Medien darüber berichten",
    ):
        assert german in content, german
    main = content.split('<main id="content"')[1].split("</main>")[0]
    left = [english for english in ENGLISH_PREFERENCES if f">{english}" in main]
    assert not left

    wrong = client.post(
        url,
        {
            "frequency": "daily",
            "send_hour": "7",
            "weekday": "0",
            "timezone": "Mars/Olympus",
            "language": "de",
            "format": "html",
        },
    )
    assert wrong.status_code == 400
    assert "Mars/Olympus&#x27; ist keine Zeitzone, die wir kennen." in wrong.content.decode()


def test_a_broken_link_and_a_bad_address_are_explained_in_the_visitors_language(client):
    broken = client.get("/newsletter/preferences/not-a-token/", HTTP_ACCEPT_LANGUAGE="de")
    assert broken.status_code == 400
    assert "Dieser Link ist ungültig" in broken.content.decode()
    empty = client.post("/api/subscribe", {"email": "", "started": "1"}, HTTP_ACCEPT_LANGUAGE="de")
    assert empty.status_code == 400
    assert "Formular" in empty.json()["error"]["message"]  # too fast: the first check
