"""Article and listing pages in five layouts, each built the way real news sites build theirs.

The boilerplate is the point: navigation, cookie banners, newsletter boxes, "Read more"
teasers between paragraphs, related-story lists, share bars, comments, image credits, ads
and pull quotes repeating a sentence of the body. Extraction must keep the article and drop
all of it. The layouts differ in structure, not only in class names:

- broadsheet: a newspaper (masthead, standfirst, figure, inline "Read more", comments);
- wire: a news agency (dense meta line, sign-off paragraph, "More from" list, no comments);
- magazine: a magazine (kicker, dek, author card and bio, pull quote, tags, recommendations);
- portal: an ad-heavy portal (ad slots, trending bar, promos between paragraphs, sidebar,
  consent modal, a JSON-LD articleBody that is only a teaser);
- blog: a WordPress copy blog (cut headline, "Read More:" credit line, the cookie notice and
  newsletter box of ../shared/seed/example-page.txt).
"""

from collections.abc import Callable
from dataclasses import dataclass

from ..catalog import Publisher
from ..newsroom import Article
from . import blog, broadsheet, magazine, portal, wire
from .common import (
    PageContext,
    e,
    head_html,
    html_document,
    news_article_json_ld,
    newsletter_box,
    teasers,
)

__all__ = ["PageContext", "render_article", "render_listing"]


@dataclass(frozen=True)
class Layout:
    """How one kind of site wraps an article: chrome above and below, title, JSON-LD body."""

    top: Callable[[Publisher, PageContext], str]
    article: Callable[[Publisher, Article, PageContext], str]
    bottom: Callable[[Publisher, PageContext], str]
    title_separator: str
    json_ld_body: str  # "full", "teaser" or "none": how much articleBody the JSON-LD carries


LAYOUTS = {
    "broadsheet": Layout(broadsheet.top, broadsheet.article, broadsheet.bottom, " | ", "full"),
    "wire": Layout(wire.top, wire.article, wire.bottom, " | ", "full"),
    "magazine": Layout(magazine.top, magazine.article, magazine.bottom, " \u2014 ", "none"),
    "portal": Layout(portal.top, portal.article, portal.bottom, " - ", "teaser"),
    "blog": Layout(blog.top, blog.article, blog.bottom, " \u2013 ", "none"),
}


def _json_ld_for(pub: Publisher, art: Article, ctx: PageContext, layout: Layout) -> dict:
    if pub.layout == "blog":
        return blog.graph_json_ld(pub, art, ctx)
    body = "\n\n".join(art.paragraphs)
    if layout.json_ld_body == "teaser":
        teaser = body[:180].rsplit(" ", 1)[0] + " \u2026"
        return news_article_json_ld(pub, art, ctx, body=teaser)
    full = body if layout.json_ld_body == "full" else None
    return news_article_json_ld(pub, art, ctx, body=full)


def render_article(pub: Publisher, art: Article, ctx: PageContext) -> str:
    """The article page as the publisher serves it, boilerplate and all."""
    layout = LAYOUTS[pub.layout]
    head = head_html(pub, art.headline + layout.title_separator + pub.name, art.summary, ctx,
                     art, _json_ld_for(pub, art, ctx, layout))
    body = "\n".join((layout.top(pub, ctx), layout.article(pub, art, ctx), layout.bottom(pub, ctx)))
    return html_document(pub, head, f"layout-{pub.layout} article-page", body)


def render_listing(pub: Publisher, articles: list[Article], ctx: PageContext,
                   heading: str) -> str:
    """A home or section page: teasers linking to the articles, in the publisher's chrome."""
    layout = LAYOUTS[pub.layout]
    labels = pub.labels
    head = head_html(pub, heading + layout.title_separator + pub.name, pub.tagline, ctx)
    main = (
        f'<main class="listing"><h1>{e(heading)}</h1><ul class="teasers">'
        + teasers(articles, labels, with_summary=True) + "</ul>"
        + newsletter_box(labels, "newsletter-box") + "</main>"
    )
    if pub.layout == "blog":
        main = f'<div id="primary" class="content-area">{main}</div>'
    body = "\n".join((layout.top(pub, ctx), main, layout.bottom(pub, ctx)))
    return html_document(pub, head, f"layout-{pub.layout} listing-page", body)
