from newsdesk.core.urls import canonicalize_url, host_of, is_http_url, strip_tracking


def test_tracking_parameters_are_removed_and_others_kept_in_order():
    url = "https://news.example/a?id=7&utm_source=x&fbclid=abc&page=2&gclid=1&mc_eid=9"
    assert strip_tracking(url) == "https://news.example/a?id=7&page=2"


def test_canonical_form_lowercases_host_drops_default_port_and_fragment():
    assert canonicalize_url("HTTPS://News.Example:443/Story#top") == "https://news.example/Story"
    assert canonicalize_url("http://news.example:8080") == "http://news.example:8080/"


def test_relative_links_resolve_against_the_base():
    assert (
        canonicalize_url("../b?utm_medium=rss", "https://x.example/a/c/") == "https://x.example/a/b"
    )


def test_http_url_check_rejects_other_schemes_and_bare_words():
    assert is_http_url("https://x.example/feed")
    assert not is_http_url("not-a-url")
    assert not is_http_url("ftp://x.example/")
    assert not is_http_url("javascript:alert(1)")


def test_host_of_handles_garbage():
    assert host_of("https://WWW.Example.org/x") == "www.example.org"
    assert host_of("http://[::1") == ""
