"""nosnippet, max-snippet and noarchive from robots meta tags and X-Robots-Tag headers."""

from lxml.html import fromstring

from newsdesk.articles.extract import extract
from newsdesk.articles.robots_meta import snippet_policy


def _tree(meta: str):
    return fromstring(f"<html><head>{meta}</head><body><p>x</p></body></html>")


def test_robots_meta_nosnippet_and_noarchive():
    policy = snippet_policy(_tree('<meta name="robots" content="noarchive, nosnippet">'))
    assert (policy.nosnippet, policy.noarchive, policy.max_snippet) == (True, True, None)


def test_strictest_max_snippet_wins_across_tags_and_headers():
    tree = _tree('<meta name="robots" content="max-snippet:120">')
    policy = snippet_policy(tree, {"X-Robots-Tag": "max-snippet: 50"})
    assert policy.max_snippet == 50


def test_max_snippet_minus_one_means_no_limit():
    tree = _tree('<meta name="robots" content="max-snippet:-1">')
    assert snippet_policy(tree).max_snippet is None


def test_directives_for_another_crawler_are_not_ours():
    tree = _tree('<meta name="googlebot" content="nosnippet">')
    assert not snippet_policy(tree, {"x-robots-tag": "googlebot: noarchive"}).noarchive
    assert not snippet_policy(tree).nosnippet


def test_header_addressed_to_newsdesk_is_honoured():
    policy = snippet_policy(None, {"X-Robots-Tag": "newsdesk: nosnippet, noarchive"})
    assert policy.nosnippet and policy.noarchive


def test_extraction_excerpt_honours_the_page_max_snippet(page_bytes):
    result = extract(page_bytes("div_layout"), "https://valley-courier.example/farming/frost")
    assert result.max_snippet == 80 and result.noarchive
    assert 0 < len(result.excerpt) <= 80


def test_extraction_honours_an_x_robots_tag_nosnippet_header(page_bytes):
    result = extract(page_bytes("cookie_newsletter"), "https://harbour-herald.example/n/1",
                     headers={"X-Robots-Tag": "nosnippet"})
    assert result.nosnippet and result.excerpt == ""
    assert result.text  # the text is still kept, for clustering and search
