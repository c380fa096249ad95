"""What every layout shares: page context, <head> metadata and the common boxes."""

import json
from dataclasses import dataclass, field
from html import escape

from ..catalog import Publisher
from ..newsroom import Article


@dataclass
class PageContext:
    """What a page needs besides its article: where it lives and what else to link to."""

    base_url: str
    port_suffix: str  # ":8900", or "" on port 80: to link to other publishers' pages
    related: list[Article] = field(default_factory=list)
    feeds: list[tuple[str, str, str]] = field(default_factory=list)  # (title, url, mime type)
    comments: list[tuple[str, str]] = field(default_factory=list)


def e(text: str) -> str:
    return escape(text, quote=True)


def display_time(article: Article) -> str:
    moment = article.published
    if article.publisher.language == "de":
        return moment.strftime("%d.%m.%Y, %H:%M Uhr")
    offset = moment.strftime("%z")
    zone = "GMT" if offset == "+0000" else f"GMT{offset[:3]}"
    return f"{moment.day} {moment.strftime('%B %Y, %H:%M')} {zone}"


def cut_headline(headline: str, limit: int = 60) -> str:
    """The copy blog's headline: cut mid-phrase at the last whole word before `limit`."""
    words, kept = headline.split(), []
    for word in words:
        if len(" ".join([*kept, word])) > limit:
            break
        kept.append(word)
    return " ".join(kept) if len(kept) < len(words) else " ".join(kept[:-2])


def related_link(ctx: PageContext, index: int) -> Article | None:
    return ctx.related[index] if len(ctx.related) > index else None


def sentences(text: str) -> list[str]:
    parts, current = [], ""
    for token in text.split(" "):
        current = f"{current} {token}".strip()
        if token.endswith((".", "?", "!")) and len(current) > 40:
            parts.append(current)
            current = ""
    return parts + ([current] if current else [])


# --- <head>: metadata every layout carries --------------------------------------------------

def news_article_json_ld(pub: Publisher, art: Article, ctx: PageContext,
                         body: str | None) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": ctx.base_url + art.path},
        "headline": art.headline,
        "description": art.summary,
        "image": [ctx.base_url + art.image_path],
        "datePublished": art.published.isoformat(timespec="seconds"),
        "dateModified": art.published.isoformat(timespec="seconds"),
        "author": [{"@type": "Person", "name": art.byline}],
        "publisher": {
            "@type": "Organization",
            "name": pub.name,
            "logo": {"@type": "ImageObject", "url": ctx.base_url + "/logo.png"},
        },
        "articleSection": art.topic,
        "inLanguage": art.language,
    }
    if body is not None:
        data["articleBody"] = body
    return data


def head_html(pub: Publisher, title: str, description: str, ctx: PageContext,
              art: Article | None = None, json_ld: dict | None = None) -> str:
    canonical = ctx.base_url + (art.path if art else "/")
    parts = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        f'<meta name="description" content="{e(description)}">',
        f'<link rel="canonical" href="{e(canonical)}">',
        f'<meta property="og:site_name" content="{e(pub.name)}">',
        f'<meta property="og:title" content="{e(art.headline if art else pub.name)}">',
        f'<meta property="og:description" content="{e(description)}">',
        f'<meta property="og:url" content="{e(canonical)}">',
        f'<meta property="og:type" content="{"article" if art else "website"}">',
        f'<meta property="og:locale" content="{"de_DE" if pub.language == "de" else "en_GB"}">',
        '<meta name="twitter:card" content="summary_large_image">',
    ]
    if art is not None:
        parts += [
            f'<meta property="og:image" content="{e(ctx.base_url + art.image_path)}">',
            f'<meta property="article:published_time" '
            f'content="{art.published.isoformat(timespec="seconds")}">',
            f'<meta property="article:section" content="{e(art.topic)}">',
            f'<meta name="author" content="{e(art.byline)}">',
        ]
    parts += [
        f'<link rel="alternate" type="{mime}" title="{e(feed_title)}" href="{e(url)}">'
        for feed_title, url, mime in ctx.feeds
    ]
    if json_ld is not None:
        text = json.dumps(json_ld, ensure_ascii=False, indent=1).replace("</", "<\\/")
        parts.append(f'<script type="application/ld+json">\n{text}\n</script>')
    parts.append(f"<style>:root{{--accent:{pub.accent}}} body{{font-family:Georgia,serif;"
                 f"max-width:72rem;margin:auto}} a{{color:var(--accent)}}</style>")
    return "\n".join(parts)


def html_document(pub: Publisher, head: str, body_class: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{pub.language}">\n<head>\n{head}\n</head>\n'
        f'<body class="{body_class}">\n{body}\n</body>\n</html>\n'
    )


def share_links(ctx: PageContext, art: Article, networks: tuple[str, ...]) -> str:
    url = e(ctx.base_url + art.path)
    return "".join(
        f'<a class="share-{n.lower()}" href="/share/{n.lower()}?url={url}" rel="nofollow">{n}</a>'
        for n in networks
    )


def comments(ctx: PageContext, labels: dict[str, str]) -> str:
    items = "".join(
        f'<li class="comment"><p class="comment-author">{e(name)}</p>'
        f'<p class="comment-text">{e(text)}</p>'
        f'<a class="comment-reply" href="#reply">{labels["reply"]}</a></li>'
        for name, text in ctx.comments
    )
    return (
        f'<section id="comments" class="comments"><h2>{labels["comments"]} '
        f"({len(ctx.comments)})</h2><ol>{items}</ol>"
        '<form class="comment-form" method="post" action="/comments">'
        f'<textarea name="comment"></textarea><button>{labels["post_comment"]}</button></form>'
        "</section>"
    )


def newsletter_box(labels: dict[str, str], css_class: str) -> str:
    return (
        f'<aside class="{css_class}"><h3>{labels["newsletter_title"]}</h3>'
        f"<p>{labels['newsletter_text']}</p>"
        f'<form method="post" action="/newsletter"><label>{labels["email"]} '
        f'<input type="email" name="email"></label><button>{labels["sign_up"]}</button></form>'
        "</aside>"
    )


def nav_links(pub: Publisher) -> str:
    labels = pub.labels
    links = [f'<li><a href="/">{labels["home"]}</a></li>']
    links += [
        f'<li><a href="/section/{slug}/">{e(topic)}</a></li>'
        for topic, slug in pub.sections.items()
    ]
    return "".join(links)


def teasers(articles: list[Article], labels: dict[str, str], with_summary: bool) -> str:
    items = []
    for a in articles:
        summary = f"<p>{e(a.summary)}</p>" if with_summary else ""
        items.append(
            f'<li><a href="{e(a.path)}">{e(a.headline)}</a>{summary}'
            f'<a class="read-more" href="{e(a.path)}">{labels["read_more"]}</a></li>'
        )
    return "".join(items)
