from newsdesk.core.charset import declared_charset, decode_body


def test_header_charset_wins_over_nothing():
    assert decode_body("Zürich".encode("iso-8859-1"), "text/html; charset=ISO-8859-1") == "Zürich"


def test_meta_charset_is_read_when_the_header_has_none():
    page = '<html><head><meta charset="windows-1251"></head><body>Новости</body></html>'
    assert "Новости" in decode_body(page.encode("cp1251"), "text/html")


def test_wrong_declaration_falls_back_to_what_decodes():
    text = "<meta charset=utf-8>" + "Société générale, café crème. " * 100
    assert decode_body(text.encode("cp1252")).endswith("café crème. ")


def test_missing_charset_and_utf8_bytes():
    assert decode_body("naïve – “quoted”".encode()) == "naïve – “quoted”"


def test_byte_order_mark_is_trusted_and_stripped():
    assert declared_charset(b"\xef\xbb\xbfabc") == "utf-8"
    assert decode_body(b"\xef\xbb\xbfabc") == "abc"
