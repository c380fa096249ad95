"""Pages in a wrong or missing charset are decoded to the text the publisher wrote."""

from newsdesk.articles.extract import extract

URL = "https://bairro.example/local/terraces"


def _body_as_utf8_text(page_bytes) -> str:
    return page_bytes("table_layout").decode("utf-8")


def test_page_in_its_declared_windows_1252_charset(page_bytes):
    raw = _body_as_utf8_text(page_bytes).encode("cp1252")
    assert "Café owners in São Bento" in extract(raw, URL).title
    assert "José Conceição" in extract(raw, URL).text


def test_utf8_page_that_still_declares_windows_1252(page_bytes):
    raw = _body_as_utf8_text(page_bytes).encode("utf-8")  # meta tag still says windows-1252
    result = extract(raw, URL)
    assert result.title == "Café owners in São Bento protest new terrace fees"
    assert "câmara" in result.text and "Ã" not in result.text


def test_undeclared_latin1_page_is_detected(page_bytes):
    text = _body_as_utf8_text(page_bytes).replace(
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">', ""
    )
    result = extract(text.encode("cp1252"), URL)
    assert "José Conceição" in result.text


GREEK = "Η γέφυρα του λιμανιού άνοιξε ξανά το Σάββατο μετά από δύο χρόνια επισκευών."


def test_http_header_charset_is_used_when_the_page_declares_none():
    paragraphs = "".join(f"<p>{GREEK} Παράγραφος {n}.</p>" for n in range(6))
    html = f"<html><head><title>Γέφυρα</title></head><body><article>{paragraphs}</article></body>"
    raw = html.encode("iso-8859-7")
    result = extract(raw, URL, headers={"Content-Type": "text/html; charset=ISO-8859-7"})
    assert result.text.startswith(GREEK)
