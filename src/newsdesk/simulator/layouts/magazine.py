"""A magazine: promo strip, kicker, dek, author card with bio, a pull quote repeating a
body sentence, tags, comments and "You might also like" cards.
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
    sentences,
    share_links,
)


def top(pub: Publisher, ctx: PageContext) -> str:
    return (
        f'<header class="site-header"><a class="wordmark" href="/">{e(pub.name)}</a>'
        f'<nav><ul>{nav_links(pub)}<li><a href="/reviews/">Reviews</a></li></ul></nav>'
        '<a class="btn" href="/subscribe">Subscribe</a></header>\n'
        f'<div class="promo-strip">Try {e(pub.name)} Plus: ad-free reading and our weekly '
        'deep dive. <a href="/plus">Start your free trial</a></div>'
    )


def bottom(pub: Publisher, ctx: PageContext) -> str:
    return (
        f'<footer class="mag-footer"><p>{e(pub.name)} is reader-supported. When you buy '
        "through links on our site, we may earn an affiliate commission.</p>"
        '<a href="/about">About</a> <a href="/ethics">Ethics policy</a> '
        '<a href="/privacy">Privacy</a></footer>\n'
        '<div class="cookie-toast" role="region" aria-label="Cookies"><p>We use cookies to '
        "understand how you use our site and to improve your experience.</p>"
        "<button>OK</button><button>No thanks</button></div>"
    )


def article(pub: Publisher, art: Article, ctx: PageContext) -> str:
    labels = pub.labels
    body = []
    for index, paragraph in enumerate(art.paragraphs):
        body.append(f"<p>{e(paragraph)}</p>")
        if index == 1 and len(art.paragraphs) > 3:
            quote = sentences(art.paragraphs[2])[0]
            body.append(f'<blockquote class="pullquote"><p>{e(quote)}</p></blockquote>')
        related = related_link(ctx, 0)
        if index == 2 and related is not None:
            body.append(f'<div class="related-inline">Related: <a href="{e(related.path)}">'
                        f"{e(related.headline)}</a></div>")
    first_name = art.byline.split()[-2] if len(art.byline.split()) > 2 else art.byline.split()[0]
    recommended = "".join(
        f'<div class="card"><h3><a href="{e(a.path)}">{e(a.headline)}</a></h3>'
        f'<p>{e(a.summary)}</p><a class="read-more" href="{e(a.path)}">Read more &rarr;</a></div>'
        for a in ctx.related[:3]
    )
    return (
        '<main><article class="post"><header class="post-header">'
        f'<p class="kicker"><a href="/section/{art.section}/">{e(art.topic)}</a></p>'
        f'<h1 class="post-title">{e(art.headline)}</h1><p class="dek">{e(art.summary)}</p>'
        '<div class="author-card"><img class="avatar" src="/avatars/default.png" alt="">'
        f'<a class="author-name" href="/authors/{art.id}">{e(art.byline)}</a>'
        f'<p class="author-bio">{e(first_name)} is a senior writer covering the ideas shaping '
        "science and technology.</p>"
        f'<time datetime="{art.published.isoformat(timespec="seconds")}">'
        f"{display_time(art)}</time> &middot; <span>4 min read</span></div></header>"
        f'<figure class="hero"><img src="{art.image_path}" alt="">'
        f"<figcaption>Illustration: {e(pub.name)}</figcaption></figure>\n"
        '<section class="post-content">\n' + "\n".join(body) + "\n</section>"
        f'<ul class="tags"><li><a href="/tag/{art.section}">{e(art.topic)}</a></li>'
        f'<li><a href="/tag/{e(art.event)}">{e(art.event.replace("-", " "))}</a></li></ul>'
        '<div class="share">Share: ' + share_links(ctx, art, ("Mastodon", "Bluesky", "Email"))
        + "</div></article>\n"
        + newsletter_box(labels, "newsletter")
        + comments(ctx, labels)
        + f'<section class="recommended"><h2>You might also like</h2>{recommended}</section>'
        "</main>"
    )
