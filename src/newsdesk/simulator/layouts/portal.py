"""An ad-heavy portal: ad slots, trending bar, "READ MORE" promos between paragraphs,
sidebar of most-read links and a consent modal.
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
)


def top(pub: Publisher, ctx: PageContext) -> str:
    labels = pub.labels
    trending = " &middot; ".join(
        f'<a href="{e(a.path)}">{e(a.headline)}</a>' for a in ctx.related[:3]
    )
    return (
        f'<div class="ad-slot ad-leaderboard"><span>{labels["advertisement"]}</span></div>\n'
        f'<header class="portal-header"><a class="logo" href="/">{e(pub.name)}</a>'
        f'<nav class="mega-menu"><ul>{nav_links(pub)}<li><a href="/weather">Weather</a></li>'
        '<li><a href="/puzzles">Puzzles</a></li><li><a href="/horoscopes">Horoscopes</a></li>'
        '<li><a href="/video">Video</a></li></ul></nav>'
        f'<div class="trending"><strong>Trending:</strong> {trending}</div></header>'
    )


def bottom(pub: Publisher, ctx: PageContext) -> str:
    labels = pub.labels
    return (
        '<footer class="portal-footer"><div class="footer-cols"><ul><li><a href="/news">News'
        '</a></li><li><a href="/sport">Sport</a></li><li><a href="/money">Money</a></li></ul>'
        f'<ul><li><a href="/about">{labels["about"]}</a></li>'
        f'<li><a href="/careers">{labels["careers"]}</a></li>'
        '<li><a href="/advertise">Advertise with us</a></li></ul></div>'
        f"<p>&copy; {e(pub.name)} Media Group. {labels['all_rights']}</p></footer>\n"
        '<div id="consent-modal" class="modal" role="dialog" aria-modal="true">'
        "<h2>We value your privacy</h2><p>We and our 312 partners store and access information "
        "on your device, such as cookies, to show you personalised ads and content, to measure "
        "them and to develop our services.</p><button>Accept All</button>"
        "<button>Reject All</button><button>Manage options</button></div>"
    )


def article(pub: Publisher, art: Article, ctx: PageContext) -> str:
    labels = pub.labels
    body = []
    for index, paragraph in enumerate(art.paragraphs):
        body.append(f"<p>{e(paragraph)}</p>")
        related = related_link(ctx, index // 2)
        if index in (0, 2) and related is not None:
            body.append(f'<div class="inline-promo"><span>READ MORE</span> '
                        f'<a href="{e(related.path)}">{e(related.headline)}</a></div>')
        if index == 3:
            body.append(f'<div class="ad-slot ad-inline"><span>{labels["advertisement"]}</span>'
                        "</div>")
    most_read = "".join(
        f'<li><a href="{e(a.path)}">{e(a.headline)}</a></li>' for a in ctx.related[:5]
    )
    return (
        '<div class="page-grid"><main class="col-main">'
        f'<article id="story-{art.id}"><div class="kicker">{e(art.topic)}</div>'
        f"<h1>{e(art.headline)}</h1><h2 class=\"subheadline\">{e(art.summary)}</h2>"
        f'<div class="meta">{labels["by"]} {e(art.byline)} | {labels["published"]} '
        f'<time datetime="{art.published.isoformat(timespec="seconds")}">'
        f'{display_time(art)}</time> | <a href="#comments">{len(ctx.comments)} '
        f"{labels['comments'].lower()}</a></div>"
        '<div class="social-share top">'
        + share_links(ctx, art, ("Facebook", "X", "WhatsApp", "Email")) + "</div>"
        '<div class="article-content">\n' + "\n".join(body) + "\n</div>"
        '<div class="social-share bottom">'
        + share_links(ctx, art, ("Facebook", "X", "WhatsApp", "Email")) + "</div>"
        + newsletter_box(labels, "newsletter-cta")
        + comments(ctx, labels) + "</article></main>"
        f'<aside class="col-side"><section class="most-read"><h3>{labels["most_read"]}</h3>'
        f'<ol>{most_read}</ol></section><div class="ad-slot ad-mpu">'
        f'<span>{labels["advertisement"]}</span></div></aside></div>'
    )
