"""A news agency: market ticker, dense meta line, sign-off paragraph, trust and licensing
links, a "More from" list and a consent overlay; no comments.
"""

from ..catalog import Publisher
from ..newsroom import Article
from .common import (
    PageContext,
    display_time,
    e,
    nav_links,
    share_links,
    teasers,
)


def top(pub: Publisher, ctx: PageContext) -> str:
    return (
        f'<div class="site-top"><a class="brand" href="/">{e(pub.name.upper())}</a>'
        f'<nav class="primary-nav"><ul>{nav_links(pub)}</ul></nav>'
        '<form class="search" action="/search"><input name="q" placeholder="Search"></form></div>'
        '<div class="ticker" aria-label="Markets">NMX 1,204.5 &#9650;0.3% &middot; '
        "EUR/NMC 11.42 &#9660;0.1% &middot; Brent 71.20 &#9650;0.8%</div>"
    )


def bottom(pub: Publisher, ctx: PageContext) -> str:
    return (
        f'<footer class="site-footer"><nav><a href="/about">About {e(pub.name)}</a> '
        '<a href="/careers">Careers</a> <a href="/trust-principles">Trust Principles</a> '
        '<a href="/privacy">Privacy</a> <a href="/cookies">Cookies</a></nav>'
        "<p>All quotes delayed a minimum of 15 minutes.</p>"
        f"<p>&copy; {e(pub.name)}. All rights reserved.</p></footer>\n"
        '<div id="consent-sdk" class="consent-overlay" role="dialog"><p>By clicking "Accept '
        'All Cookies", you agree to the storing of cookies on your device to enhance site '
        'navigation and analyse site usage.</p><button>Accept All Cookies</button>'
        "<button>Reject All</button><button>Cookie Settings</button></div>"
    )


def article(pub: Publisher, art: Article, ctx: PageContext) -> str:
    paragraphs = "\n".join(
        f'<p data-testid="paragraph-{i}">{e(p)}</p>' for i, p in enumerate(art.paragraphs)
    )
    return (
        '<main id="main-content"><div class="article-wrap"><div class="article-header">'
        f'<a class="section-tag" href="/section/{art.section}/">{e(art.topic)}</a>'
        f'<h1 data-testid="Heading">{e(art.headline)}</h1><div class="article-meta">'
        f'<span class="author">By {e(art.byline)}</span> '
        f'<time datetime="{art.published.isoformat(timespec="seconds")}">'
        f"{display_time(art)}</time> <span>&middot; 3 min read</span></div>"
        '<div class="share-tools">' + share_links(ctx, art, ("X", "LinkedIn", "Email"))
        + '</div></div>\n<div class="article-body" data-testid="ArticleBody">\n'
        + paragraphs + f'\n<p class="sign-off">Reporting by {e(art.byline)}; '
        "Editing by Martin Cole</p></div>\n"
        f'<p class="trust"><a href="/trust-principles">Our Standards: The {e(pub.name)} Trust '
        'Principles.</a></p><p class="licensing"><a href="/licensing">Purchase Licensing '
        "Rights</a></p>\n"
        f'<section class="more-from"><h2>More from {e(pub.name)}</h2><ul>'
        + teasers(ctx.related[:5], pub.labels, with_summary=True) + "</ul></section>\n"
        '<aside class="newsletter-signup"><h3>Sign up for the Morning Wire</h3>'
        "<p>Our five biggest stories, every weekday at 6 a.m.</p>"
        '<form method="post" action="/newsletter"><input type="email" name="email">'
        "<button>Sign up</button></form></aside></div></main>"
    )
