"""A WordPress copy blog: the cut headline, the "Read More:" credit line, sidebar widgets,
the newsletter box and cookie notice of ../shared/seed/example-page.txt.
"""

from ..catalog import Publisher
from ..newsroom import Article
from .common import (
    PageContext,
    cut_headline,
    e,
    nav_links,
    news_article_json_ld,
)


def top(pub: Publisher, ctx: PageContext) -> str:
    return (
        '<div id="page" class="site"><a class="skip-link" href="#content">Skip to content</a>'
        f'<header id="masthead" class="site-header"><p class="site-title"><a href="/">'
        f'{e(pub.name)}</a></p><p class="site-description">{e(pub.tagline)}</p>'
        '<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">'
        f'{nav_links(pub)}<li><a href="/contact/">Contact</a></li></ul></nav></header>'
        '<div id="content" class="site-content">'
    )


def bottom(pub: Publisher, ctx: PageContext) -> str:
    recent = "".join(
        f'<li><a href="{e(a.path)}">{e(cut_headline(a.headline))}</a></li>' for a in ctx.related
    )
    return (
        '<aside id="secondary" class="widget-area"><section class="widget widget_search">'
        '<form role="search" action="/"><input type="search" name="s"></form></section>'
        '<section class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts'
        f"</h2><ul>{recent}</ul></section></aside></div>\n"
        '<div class="newsletter-widget"><h3>Get more stuff like this<br>in your inbox</h3>'
        "<p>Subscribe to our mailing list and get interesting stuff and updates to your email "
        'inbox.</p><form><input type="email" placeholder="Enter your email here">'
        '<button>Sign up now</button></form><p class="success">Thank you for subscribing.</p>'
        '<p class="error">Something went wrong.</p></div>\n'
        f'<footer id="colophon" class="site-footer"><p>Copyright &copy; {e(pub.name)}. Proudly '
        "powered by WordPress.</p></footer></div>\n"
        '<div id="cookie-law-info-bar"><span>This website uses cookies to improve your '
        "experience. We'll assume you're ok with this, but you can opt-out if you wish. "
        '<a class="cli-accept" href="#">Accept</a> <a href="/privacy-policy/">Read More</a>'
        "</span></div>"
    )


def article(pub: Publisher, art: Article, ctx: PageContext) -> str:
    original = art.original
    cut = cut_headline(art.headline)
    paragraphs = "\n".join(f"<p>{e(p)}</p>" for p in art.paragraphs)
    credit = ""
    if original is not None:
        source = f"http://{original.publisher.host}{ctx.port_suffix}{original.path}"
        credit = f'<p>Read More: <a href="{e(source)}">{e(cut)}</a></p>'
    return (
        '<div id="primary" class="content-area"><main id="main" class="site-main">'
        f'<article id="post-{art.id}" class="post-{art.id} post type-post status-publish">'
        f'<header class="entry-header"><h1 class="entry-title">{e(cut)}</h1>'
        '<div class="entry-meta"><span class="posted-on">Posted on <time class="entry-date '
        f'published" datetime="{art.published.isoformat(timespec="seconds")}">'
        f"{art.published.strftime('%B %d, %Y')}</time></span><span class=\"byline\"> by "
        f'<span class="author vcard">{e(art.byline)}</span></span></div></header>'
        f'<div class="entry-content">\n{paragraphs}\n{credit}\n</div>'
        f'<footer class="entry-footer"><span class="cat-links">Posted in <a href="/section/'
        f'{art.section}/">{e(art.topic)}</a></span></footer></article>'
        '<div id="comments" class="comments-area"><div id="respond" class="comment-respond">'
        '<h3 class="comment-reply-title">Leave a Reply</h3><form method="post" '
        'action="/wp-comments-post.php"><p>Your email address will not be published.</p>'
        '<textarea name="comment"></textarea><input type="submit" value="Post Comment">'
        "</form></div></div></main></div>"
    )


def graph_json_ld(pub: Publisher, art: Article, ctx: PageContext) -> dict:
    """Yoast-style: the article inside an @graph next to the web page and the site."""
    article = news_article_json_ld(pub, art, ctx, body=None)
    del article["@context"]
    return {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "@id": ctx.base_url + "/#website", "name": pub.name},
            {"@type": "WebPage", "@id": ctx.base_url + art.path, "name": art.headline},
            article,
        ],
    }
