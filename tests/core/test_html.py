from newsdesk.core.html import html_to_text, sanitize_html


def test_scripts_handlers_and_styles_are_removed():
    dirty = '<p onclick="steal()">Hi<script>alert(1)</script><style>p{}</style></p><iframe src=x>'
    assert sanitize_html(dirty) == "<p>Hi</p>"


def test_links_get_safe_rel_absolute_targets_and_no_tracking():
    html = sanitize_html('<a href="/story?id=3&utm_campaign=z">x</a>', "https://pub.example/news/")
    assert 'href="https://pub.example/story?id=3"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_javascript_urls_are_dropped():
    assert "javascript" not in sanitize_html('<a href="javascript:alert(1)">x</a>')


def test_text_keeps_paragraphs_apart_and_decodes_entities():
    assert html_to_text("<p>Fish &amp; chips</p><p>Tea&nbsp;time</p>") == "Fish & chips\nTea time"
    assert html_to_text("plain   words") == "plain words"
