"""A newspaper: masthead, standfirst, lead figure with credit, an inline "Read more"
between paragraphs, share bar, newsletter box, related stories and comments.
"""

from ..catalog import Publisher
from ..newsroom import Article
from .common import (
    PageContext,
    comments,
    display_time,
    e,
    nav_links,
    newsletter_box,
    related_link,
    share_links,
    teasers,
)


def top(pub: Publisher, ctx: PageContext) -> str:
    labels = pub.labels
    return (
        f'<div id="cookie-consent" class="cmp-banner" role="dialog"><p>{labels["cookie_text"]}</p>'
        f"<button>{labels['accept']}</button><button>{labels['reject']}</button>"
        f'<a href="/privacy#cookies">{labels["settings"]}</a></div>\n'
        '<header class="masthead"><div class="topline">'
        f'<a href="/subscribe">{labels["subscribe"]}</a> <a href="/login">{labels["log_in"]}</a>'
        f'</div><a class="logo" href="/">{e(pub.name)}</a><p class="tagline">{e(pub.tagline)}</p>'
        f'</header>\n<nav class="sections" aria-label="Sections"><ul>{nav_links(pub)}</ul></nav>'
    )


def bottom(pub: Publisher, ctx: PageContext) -> str:
    labels = pub.labels
    return (
        '<footer class="site-footer"><ul>'
        f'<li><a href="/about">{labels["about"]}</a></li>'
        f'<li><a href="/contact">{labels["contact"]}</a></li>'
        f'<li><a href="/privacy">{labels["privacy"]}</a></li>'
        f'<li><a href="/terms">{labels["terms"]}</a></li></ul>'
        f"<p>&copy; {e(pub.name)}. {labels['all_rights']}</p></footer>"
    )


def article(pub: Publisher, art: Article, ctx: PageContext) -> str:
    labels = pub.labels
    body = []
    for index, paragraph in enumerate(art.paragraphs):
        body.append(f"<p>{e(paragraph)}</p>")
        related = related_link(ctx, 0)
        if index == 1 and related is not None:
            body.append(
                f'<aside class="inline-related"><strong>{labels["read_more"]}:</strong> '
                f'<a href="{e(related.path)}">{e(related.headline)}</a></aside>'
            )
    return (
        f'<main><div class="breadcrumb"><a href="/">{labels["home"]}</a> &rsaquo; '
        f'<a href="/section/{art.section}/">{e(art.topic)}</a></div>\n<article class="story">'
        f'<h1 class="story-headline">{e(art.headline)}</h1>'
        f'<p class="standfirst">{e(art.summary)}</p>'
        f'<div class="byline">{labels["by"]} <a rel="author" href="/authors/'
        f'{e(art.byline.lower().replace(" ", "-"))}">{e(art.byline)}</a> &middot; '
        f'<time datetime="{art.published.isoformat(timespec="seconds")}">'
        f"{display_time(art)}</time></div>"
        f'<figure class="lead-image"><img src="{art.image_path}" alt="">'
        f'<figcaption><span class="credit">{labels["photo"]}: {e(pub.name)}</span></figcaption>'
        f'</figure>\n<div class="story-body">\n' + "\n".join(body) + "\n</div>"
        f'<div class="share-bar"><span>{labels["share"]}</span>'
        + share_links(ctx, art, ("Facebook", "X", "WhatsApp", "Email")) + "</div></article>\n"
        + newsletter_box(labels, "newsletter-box")
        + f'<aside class="related"><h2>{labels["related"]}</h2><ul>'
        + teasers(ctx.related[:4], labels, with_summary=False) + "</ul></aside>\n"
        + comments(ctx, labels) + "</main>"
    )
