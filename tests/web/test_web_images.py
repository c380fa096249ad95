"""The image proxy: only signed URLs, through the guarded client, real images only, cached."""

import base64
import io
from http.server import BaseHTTPRequestHandler

import pytest
from django.urls import reverse
from loopback import serving

from newsdesk.web.images import proxied_url, sniff_image_type


def photo_jpeg(width: int = 1600, height: int = 900) -> bytes:
    """A made-up photo: two colour bands, as a publisher's full-size JPEG."""
    from PIL import Image

    image = Image.new("RGB", (width, height), (200, 60, 20))
    image.paste((20, 60, 200), (0, height // 2, width, height))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


BIG_JPEG = photo_jpeg()

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


class ImageHost(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        ImageHost.hits.append(self.path)
        if self.path == "/photo.png":
            body, kind = PNG, "image/png"
        elif self.path == "/big.jpg":
            body, kind = BIG_JPEG, "image/jpeg"
        elif self.path == "/fake.png":
            body, kind = b"<html><script>alert(1)</script></html>", "image/png"
        else:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def image_host(settings):
    settings.NEWSDESK_FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    ImageHost.hits = []
    with serving(ImageHost) as url:
        yield url


@pytest.mark.django_db
def test_signed_image_is_fetched_once_and_served_from_our_address(client, image_host):
    url = proxied_url(f"{image_host}/photo.png")

    first = client.get(url)
    second = client.get(url)

    assert first.status_code == 200 and second.status_code == 200
    assert first["Content-Type"] == "image/png"
    assert first.content == PNG == second.content
    assert "max-age=" in first["Cache-Control"]
    assert first["X-Content-Type-Options"] == "nosniff"
    assert ImageHost.hits == ["/photo.png"]


@pytest.mark.django_db
def test_unsigned_or_tampered_url_is_refused_without_fetching(client, image_host):
    good = proxied_url(f"{image_host}/photo.png")
    other = proxied_url(f"{image_host}/other.png")
    signature = good.split("/")[2]
    encoded_other = other.split("/")[3]

    response = client.get(reverse("web:image", args=[signature, encoded_other]))

    assert response.status_code == 404
    assert ImageHost.hits == []


@pytest.mark.django_db
def test_something_that_is_not_an_image_is_not_passed_on(client, image_host):
    response = client.get(proxied_url(f"{image_host}/fake.png"))

    assert response.status_code == 502
    assert b"script" not in response.content


@pytest.mark.django_db
def test_private_addresses_stay_refused_unless_allowed(client, image_host, settings):
    settings.NEWSDESK_FETCH_ALLOW_NETWORKS = []

    response = client.get(proxied_url(f"{image_host}/photo.png"))

    assert response.status_code == 502
    assert ImageHost.hits == []


def test_only_http_urls_get_a_proxy_address():
    assert proxied_url("javascript:alert(1)") == ""
    assert proxied_url("") == ""


def test_image_type_is_read_from_the_bytes():
    assert sniff_image_type(PNG) == "image/png"
    assert sniff_image_type(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert sniff_image_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff_image_type(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None


@pytest.mark.django_db
def test_cards_get_the_image_scaled_to_the_width_they_ask_for(client, image_host):
    from PIL import Image

    url = proxied_url(f"{image_host}/big.jpg", width=240)

    response = client.get(url)

    assert url.endswith("/240/")
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.size == (240, 135)  # the aspect kept
    assert len(response.content) < len(BIG_JPEG) / 10
    # The full-size image is the publisher's own bytes, fetched once for both.
    assert client.get(proxied_url(f"{image_host}/big.jpg")).content == BIG_JPEG
    assert ImageHost.hits == ["/big.jpg"]


@pytest.mark.django_db
def test_an_image_narrower_than_asked_is_passed_on_unchanged(client, image_host):
    response = client.get(proxied_url(f"{image_host}/photo.png", width=480))
    assert response["Content-Type"] == "image/png" and response.content == PNG


@pytest.mark.django_db
def test_only_the_sites_own_widths_are_served(client, image_host):
    good = proxied_url(f"{image_host}/big.jpg", width=240)
    odd = good.replace("/240/", "/241/")

    assert client.get(odd).status_code == 404
    assert ImageHost.hits == []
    with pytest.raises(ValueError, match="scales only to"):
        proxied_url(f"{image_host}/big.jpg", width=241)


def test_an_image_claiming_too_many_pixels_is_passed_on_unchanged():
    import struct
    import zlib

    from newsdesk.web.images import scaled_image

    # A PNG header claiming 20,000 x 20,000 pixels (400 million) over a few bytes of data.
    header = struct.pack(">IIBBBBB", 20_000, 20_000, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    ihdr = struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    bomb = PNG[:8] + ihdr + PNG[8 + 25 :]

    assert scaled_image("image/png", bomb, 240) == ("image/png", bomb)
