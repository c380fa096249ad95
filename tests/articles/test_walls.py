"""Walls are recorded as such and never stored as the article's text."""

import pytest

from newsdesk.articles.extract import FeedHint, extract

HINT = FeedHint(title="Port plans", summary="<p>The port authority is weighing a new terminal.</p>")


@pytest.mark.parametrize(
    ("fixture", "status"),
    [("bot_challenge", "bot_challenge"), ("consent_wall", "consent_wall"), ("paywall", "paywall")],
)
def test_wall_pages_are_recognised_and_the_feed_summary_stands_in(page_bytes, fixture, status):
    url = "https://harbour-herald.example/business/port"
    result = extract(page_bytes(fixture), url, feed_hint=HINT)
    assert result.status == status
    assert result.text == "The port authority is weighing a new terminal."
    assert result.excerpt == "The port authority is weighing a new terminal."


def test_wall_without_feed_hint_has_no_text(page_bytes):
    result = extract(page_bytes("consent_wall"), "https://harbour-herald.example/a")
    assert (result.status, result.text, result.excerpt) == ("consent_wall", "", "")


def test_article_with_a_cookie_banner_is_not_a_consent_wall(page_bytes):
    url = "https://harbour-herald.example/n/1"
    assert extract(page_bytes("cookie_newsletter"), url).status == "ok"


def test_cloudflare_script_on_an_ordinary_article_is_not_a_challenge(page_bytes):
    script = b"<script src='/cdn-cgi/challenge-platform/scripts/jsd/main.js'></script>"
    html = page_bytes("div_layout").replace(b"</body>", script + b"</body>")
    assert extract(html, "https://valley-courier.example/farming/frost").status == "ok"


def test_paywalled_page_with_a_free_teaser_keeps_the_teaser():
    teaser = " ".join(["The port authority is weighing plans for a new container terminal."] * 6)
    html = f"""<html><head><script type="application/ld+json">{{"@type": "NewsArticle",
      "headline": "Port plans", "isAccessibleForFree": false}}</script></head>
      <body><article><h1>Port plans</h1><p>{teaser}</p>
      <p>Subscribe to continue reading.</p></article></body></html>"""
    result = extract(html, "https://harbour-herald.example/business/port-plans")
    assert result.status == "ok"
    assert result.text.startswith("The port authority is weighing")


def test_short_article_on_a_site_with_a_cookie_banner_is_not_a_consent_wall():
    menu = " ".join(f"<a href='/s{n}'>Section number {n}</a>" for n in range(60))
    html = f"""<html><head><title>Security check delays at the ferry terminal</title></head>
      <body><nav>{menu}</nav><div class="cookie">We use cookies. Accept all or Reject all.</div>
      <article><h1>Security check delays at the ferry terminal</h1>
      <p>Passengers waited up to an hour at the ferry terminal on Sunday because a
      scanner broke down, the operator said.</p></article>
      <footer>{menu}</footer></body></html>"""
    result = extract(html, "https://harbour-herald.example/news/ferry-delays")
    assert result.status not in ("consent_wall", "bot_challenge", "paywall")
