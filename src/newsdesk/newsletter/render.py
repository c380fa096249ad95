"""Rendering digests: each story's fragment once per edition, then a cheap fill-in per
subscriber.

The page around the stories (the skeleton) is rendered, CSS-inlined (css-inline) and
quoted-printable encoded once per edition and language, with markers where the
per-subscriber parts go; each story's fragment likewise. A subscriber's message is then
a join of ready bytes plus a few short lines filled in: no template engine, no CSS work
and almost no encoding per message.
"""

import html as html_lib
from dataclasses import dataclass

import css_inline
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from newsdesk.core.image_links import proxied_url
from newsdesk.newsletter.mime import quoted_printable, quoted_printable_text
from newsdesk.newsletter.times import story_time

MARK_STORIES = "%%ND-STORIES%%"
MARK_INTRO = "%%ND-INTRO%%"
MARK_UNSUBSCRIBE = "%%ND-UNSUBSCRIBE%%"
MARK_PREFERENCES = "%%ND-PREFERENCES%%"
MARK_ADDRESS = "%%ND-ADDRESS%%"
MARK_BROWSER = "%%ND-BROWSER%%"
MARK_PREFIX = "%%ND-"
MARKERS = (MARK_INTRO, MARK_UNSUBSCRIBE, MARK_PREFERENCES, MARK_ADDRESS, MARK_BROWSER)


class EncodedTemplate:
    """Rendered text with markers, transfer-encoded once: runs of lines without a marker
    are kept quoted-printable; only the lines with markers are filled in and encoded
    per message. (The MARK_STORIES line is replaced by the stories' own pieces.)"""

    STORIES = object()

    def __init__(self, text: str):
        # Each piece: encoded bytes, STORIES, or (line, the markers it contains).
        self.pieces: list = []
        fixed: list[str] = []
        for line in text.splitlines(keepends=True):
            if MARK_PREFIX not in line:
                fixed.append(line)
                continue
            if fixed:
                self.pieces.append(quoted_printable("".join(fixed)))
                fixed = []
            if line.strip() == MARK_STORIES:
                self.pieces.append(self.STORIES)
            else:
                markers = tuple(m for m in MARKERS if m in line)
                self.pieces.append((line, markers))
        if fixed:
            self.pieces.append(quoted_printable("".join(fixed)))

    def fill(self, values: dict[str, str], stories: list[bytes] = ()) -> list[bytes]:
        out: list[bytes] = []
        for piece in self.pieces:
            if piece.__class__ is bytes:
                out.append(piece)
            elif piece is self.STORIES:
                out.extend(stories)
            else:
                line, markers = piece
                for marker in markers:
                    line = line.replace(marker, values[marker])
                out.append(quoted_printable(line))
        return out


@dataclass
class RenderedDigest:
    """A digest's subject and its bodies, already quoted-printable (html_qp is None for
    plain-text subscribers)."""

    subject: str
    text_qp: bytes
    html_qp: bytes | None

    @property
    def text(self) -> str:
        return quoted_printable_text(self.text_qp)

    @property
    def html(self) -> str | None:
        return quoted_printable_text(self.html_qp) if self.html_qp is not None else None


class EditionRenderer:
    """Renders one edition's digests (or its breaking alerts: the same story fragments in
    a page of their own); keeps fragments and skeletons for its lifetime."""

    def __init__(self, edition, reference=None):
        """`reference`: when the digests are read from (their items' times are shown
        relative to it); the time of sending unless given."""
        self.edition = edition
        self.reference = reference or timezone.now()
        self.alert = edition.frequency == "breaking"
        self._page = "alert" if self.alert else "digest"
        self._fragments: dict[tuple, tuple[bytes, bytes]] = {}
        # The words around the stories repeat across an edition's subscribers: the
        # subject by (language, top story, count), the intro by (language, count, first).
        self._subjects: dict[tuple, str] = {}
        self._intros: dict[tuple, str] = {}
        self._skeletons: dict[tuple[str, bool], tuple[EncodedTemplate, EncodedTemplate]] = {}
        self._css = render_to_string("newsletter/mail/digest.css")

    def _language(self, language: str) -> str:
        codes = {code for code, _ in settings.LANGUAGES}
        return language if language in codes else settings.LANGUAGE_CODE

    def skeleton(self, language: str, browser: bool = False
                 ) -> tuple[EncodedTemplate, EncodedTemplate]:
        """The page around the stories; `browser`: the copy shown at the "view in browser"
        address, which carries no link or address of the subscriber's."""
        key = (language, browser)
        if key not in self._skeletons:
            context = {
                "site_name": settings.NEWSDESK_SITE_NAME,
                "base_url": settings.NEWSDESK_BASE_URL,
                "edition": self.edition,
                "css": self._css,
                "stories": MARK_STORIES,
                "intro": MARK_INTRO,
                "unsubscribe_url": MARK_UNSUBSCRIBE,
                "preferences_url": MARK_PREFERENCES,
                "address": MARK_ADDRESS,
                "browser_url": MARK_BROWSER,
                "browser": browser,
            }
            with translation.override(language):
                text = render_to_string(f"newsletter/mail/{self._page}.txt", context)
                html = render_to_string(f"newsletter/mail/{self._page}.html", context)
            inliner = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)
            self._skeletons[key] = (
                EncodedTemplate(text), EncodedTemplate(inliner.inline(html))
            )
        return self._skeletons[key]

    def fragment(self, item, language: str, *, images: bool = False, zone: str = "UTC"
                 ) -> tuple[bytes, bytes]:
        """One story as the mail shows it, text and HTML, quoted-printable; a variant per
        language, image choice and time zone (the time is the reader's local time). Not
        filled in: a story's text is the publisher's, and "%%ND-..." in it is text."""
        image = images and item.image_url
        key = (language, item.id, bool(image), zone)
        fragment = self._fragments.get(key)
        if fragment is None:
            context = {
                "story": item,
                "image_url": settings.NEWSDESK_BASE_URL + proxied_url(item.image_url)
                if image else "",
            }
            with translation.override(language):
                context["time"] = story_time(item.updated_at, self.reference, zone)
                text = render_to_string("newsletter/mail/_story.txt", context)
                html = render_to_string("newsletter/mail/_story.html", context)
            fragment = self._fragments[key] = (
                quoted_printable(text),
                quoted_printable(css_inline.inline_fragment(html, self._css)),
            )
        return fragment

    def render(self, *, items, address: str, language: str, html: bool,
               unsubscribe_url: str, preferences_url: str, browser_url: str = "",
               first: bool = False, images: bool = False, zone: str = "UTC",
               browser: bool = False) -> RenderedDigest:
        """One subscriber's digest. `first`: their first since confirming (the intro says
        so); `images` and `zone`: their choices; `browser`: the copy for the "view in
        browser" page instead of the mail."""
        language = self._language(language)
        text_skeleton, html_skeleton = self.skeleton(language, browser)
        stories = [self.fragment(item, language, images=images, zone=zone) for item in items]
        subject, intro = self._words(items, language, first)
        values = {
            MARK_INTRO: intro,
            MARK_UNSUBSCRIBE: unsubscribe_url,
            MARK_PREFERENCES: preferences_url,
            MARK_ADDRESS: address,
            MARK_BROWSER: browser_url,
        }
        text_qp = b"".join(text_skeleton.fill(values, [text for text, _ in stories]))
        html_qp = None
        if html:
            escaped = {marker: html_lib.escape(value) for marker, value in values.items()}
            html_qp = b"".join(html_skeleton.fill(escaped, [page for _, page in stories]))
        return RenderedDigest(subject, text_qp, html_qp)

    def _words(self, items, language: str, first: bool) -> tuple[str, str]:
        """The subject and the intro line, each translated once per edition and key."""
        top = items[0]
        key = (language, top.id, len(items), top.publisher_count if self.alert else 0)
        subject = self._subjects.get(key)
        if subject is None:
            with translation.override(language):
                subject = alert_subject(top) if self.alert else digest_subject(items)
            self._subjects[key] = subject
        intro_key = key if self.alert else (language, len(items), first)
        intro = self._intros.get(intro_key)
        if intro is None:
            with translation.override(language):
                if self.alert:
                    intro = alert_intro(top)
                else:
                    intro = digest_intro(len(items), first=first,
                                         weekly=self.edition.frequency == "weekly")
            self._intros[intro_key] = intro
        return subject, intro


def digest_subject(items) -> str:
    """"<top headline>, and N more stories" — the subject says what is inside."""
    top = items[0].title
    more = len(items) - 1
    if more == 0:
        return top
    return ngettext(
        "%(headline)s, and %(count)d more story",
        "%(headline)s, and %(count)d more stories",
        more,
    ) % {"headline": top, "count": more}


def digest_intro(count: int, *, first: bool, weekly: bool) -> str:
    """The line under the masthead: a first digest has no "last digest" to speak of."""
    if first and weekly:
        text = ngettext("Your first digest: %(count)d story from the past week.",
                        "Your first digest: %(count)d stories from the past week.", count)
    elif first:
        text = ngettext("Your first digest: %(count)d story from the past day.",
                        "Your first digest: %(count)d stories from the past day.", count)
    else:
        text = ngettext("%(count)d new story since your last digest.",
                        "%(count)d new stories since your last digest.", count)
    return text % {"count": count}


def alert_subject(item) -> str:
    """A breaking alert's subject: the story's headline, marked as an alert."""
    return gettext("Breaking: %(headline)s") % {"headline": item.title}


def alert_intro(item) -> str:
    return ngettext(
        "%(count)d publisher is now covering this story.",
        "%(count)d publishers are now covering this story.",
        item.publisher_count,
    ) % {"count": item.publisher_count}
