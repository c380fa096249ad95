"""The simulated publishers: who they are, where they live and how their sites are built.

Each publisher has its own host name (`<slug>.localhost`, which browsers resolve to
loopback) and its own loopback address, so that a client applying per-host limits sees
several hosts, as on the internet. Between them they cover RSS 2.0, Atom 1.0 and JSON Feed
1.1, five page layouts and two languages.
"""

from dataclasses import dataclass, field
from datetime import timedelta, timezone

LABELS = {
    "en": {
        "home": "Home",
        "by": "By",
        "published": "Published",
        "updated": "Updated",
        "read_more": "Read more",
        "related": "Related stories",
        "more_from": "More from",
        "most_read": "Most read",
        "share": "Share this article",
        "comments": "Comments",
        "reply": "Reply",
        "post_comment": "Post comment",
        "newsletter_title": "Get the morning briefing",
        "newsletter_text": (
            "The day's top stories in your inbox before breakfast. Free, every "
            "weekday."
        ),
        "email": "Email address",
        "sign_up": "Sign up",
        "cookie_text": (
            "We and our partners use cookies to personalise content and ads and to analyse "
            "our traffic. You can change your choices at any time."
        ),
        "accept": "Accept all",
        "reject": "Reject all",
        "settings": "Cookie settings",
        "advertisement": "Advertisement",
        "about": "About us",
        "contact": "Contact",
        "privacy": "Privacy policy",
        "terms": "Terms of use",
        "careers": "Careers",
        "subscribe": "Subscribe",
        "log_in": "Log in",
        "search": "Search",
        "latest": "Latest news",
        "photo": "Photo",
        "all_rights": "All rights reserved.",
    },
    "de": {
        "home": "Startseite",
        "by": "Von",
        "published": "Veröffentlicht",
        "updated": "Aktualisiert",
        "read_more": "Mehr lesen",
        "related": "Das könnte Sie auch interessieren",
        "more_from": "Mehr von",
        "most_read": "Meistgelesen",
        "share": "Artikel teilen",
        "comments": "Kommentare",
        "reply": "Antworten",
        "post_comment": "Kommentar senden",
        "newsletter_title": "Der Morgen-Newsletter",
        "newsletter_text": "Die wichtigsten Nachrichten des Tages, jeden Werktag um sieben Uhr.",
        "email": "E-Mail-Adresse",
        "sign_up": "Anmelden",
        "cookie_text": (
            "Wir und unsere Partner verwenden Cookies, um Inhalte zu personalisieren und "
            "Zugriffe zu analysieren. Ihre Auswahl können Sie jederzeit ändern."
        ),
        "accept": "Alle akzeptieren",
        "reject": "Alle ablehnen",
        "settings": "Einstellungen",
        "advertisement": "Anzeige",
        "about": "Über uns",
        "contact": "Kontakt",
        "privacy": "Datenschutz",
        "terms": "Nutzungsbedingungen",
        "careers": "Karriere",
        "subscribe": "Abonnieren",
        "log_in": "Anmelden",
        "search": "Suche",
        "latest": "Neueste Nachrichten",
        "photo": "Foto",
        "all_rights": "Alle Rechte vorbehalten.",
    },
}


@dataclass(frozen=True)
class Publisher:
    """A made-up publisher: identity, address, feed format, page layout and URL scheme.

    `sections` maps each Newsdesk topic the publisher covers to its own section slug;
    paths are templates filled with {section}, {slug}, {id}, {yyyy}, {mm}, {dd}.
    """

    slug: str
    name: str
    address: str
    feed_format: str | None  # "rss" (RSS 2.0), "atom", "json" (JSON Feed 1.1) or no feed
    layout: str  # "broadsheet", "wire", "magazine", "portal" or "blog"
    language: str
    utc_offset_hours: int
    tagline: str
    accent: str
    sections: dict[str, str]
    article_path: str
    feed_path: str | None
    section_feed_path: str | None
    tracking_in_feed_links: bool = False
    copies_from: tuple[str, ...] = field(default=())

    @property
    def host(self) -> str:
        return f"{self.slug}.localhost"

    @property
    def tz(self) -> timezone:
        return timezone(timedelta(hours=self.utc_offset_hours))

    @property
    def labels(self) -> dict[str, str]:
        return LABELS[self.language]


PUBLISHERS: tuple[Publisher, ...] = (
    Publisher(
        slug="harbour-herald",
        name="The Harbour Herald",
        address="127.0.0.11",
        feed_format="rss",
        layout="broadsheet",
        language="en",
        utc_offset_hours=0,
        tagline="Porthaven's newspaper since 1868",
        accent="#0b3d6b",
        sections={"World": "world", "Business": "business", "Sport": "sport"},
        article_path="/news/{section}/{slug}.html",
        feed_path="/rss.xml",
        section_feed_path="/rss/{section}.xml",
    ),
    Publisher(
        slug="meridian-wire",
        name="Meridian Wire",
        address="127.0.0.12",
        feed_format="atom",
        layout="wire",
        language="en",
        utc_offset_hours=0,
        tagline="Independent news agency",
        accent="#c2410c",
        sections={
            "World": "world",
            "Politics": "politics",
            "Business": "markets",
            "Science": "science",
            "Sport": "sports",
        },
        article_path="/{section}/{slug}-id{id}",
        feed_path="/atom.xml",
        section_feed_path="/atom/{section}.xml",
    ),
    Publisher(
        slug="circuit-and-cell",
        name="Circuit & Cell",
        address="127.0.0.13",
        feed_format="json",
        layout="magazine",
        language="en",
        utc_offset_hours=-5,
        tagline="Science and technology, explained",
        accent="#6d28d9",
        sections={"Science": "science", "Technology": "tech"},
        article_path="/{section}/{slug}/",
        feed_path="/feed.json",
        section_feed_path="/feed/{section}.json",
    ),
    Publisher(
        slug="northgate-post",
        name="The Northgate Post",
        address="127.0.0.14",
        feed_format="rss",
        layout="portal",
        language="en",
        utc_offset_hours=1,
        tagline="News that matters to Northmere",
        accent="#b91c1c",
        sections={
            "World": "world",
            "Politics": "politics",
            "Business": "money",
            "Technology": "tech",
            "Sport": "sport",
        },
        article_path="/story/{id}/{slug}",
        feed_path="/feeds/rss",
        section_feed_path="/feeds/{section}/rss",
        tracking_in_feed_links=True,
    ),
    Publisher(
        slug="rheinblick",
        name="Rheinblick",
        address="127.0.0.15",
        feed_format="atom",
        layout="broadsheet",
        language="de",
        utc_offset_hours=1,
        tagline="Nachrichten und Hintergründe",
        accent="#065f46",
        sections={
            "World": "welt",
            "Politics": "politik",
            "Science": "wissen",
            "Technology": "digital",
        },
        article_path="/{section}/{slug}.html",
        feed_path="/feeds/alle.atom",
        section_feed_path="/feeds/{section}.atom",
    ),
    Publisher(
        slug="newsbuzz-hub",
        name="NewsBuzz Hub",
        address="127.0.0.16",
        feed_format="rss",
        layout="blog",
        language="en",
        utc_offset_hours=0,
        tagline="Your daily dose of buzzing news",
        accent="#db2777",
        sections={"World": "world-news", "Politics": "politics", "Business": "business"},
        article_path="/{yyyy}/{mm}/{dd}/{slug}/",
        feed_path="/feed/",
        section_feed_path="/category/{section}/feed/",
        copies_from=("meridian-wire",),
    ),
    Publisher(
        slug="bayside-bulletin",
        name="The Bayside Bulletin",
        address="127.0.0.17",
        feed_format=None,  # no feed: followed through its news sitemap or section pages
        layout="broadsheet",
        language="en",
        utc_offset_hours=0,
        tagline="The weekly voice of Bayside and the coast road",
        accent="#1e3a8a",
        sections={"World": "news", "Sport": "sport"},
        article_path="/{yyyy}/{mm}/{slug}",
        feed_path=None,
        section_feed_path=None,
    ),
)

PUBLISHERS_BY_SLUG = {p.slug: p for p in PUBLISHERS}
PUBLISHERS_BY_HOST = {p.host: p for p in PUBLISHERS}
