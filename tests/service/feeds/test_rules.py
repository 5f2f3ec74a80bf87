"""Feed field rules: slug, language, category, email, URLs, artwork."""

from __future__ import annotations

import struct
import zlib

import pytest

from service.feeds.rules import (
    check_artwork,
    check_category,
    check_email,
    check_language,
    check_slug,
    check_url,
)
from workers.errors import ImageTooLarge, InvalidFeedField, InvalidImage


def png(width: int, height: int) -> bytes:
    """A valid, tiny (all-black, compressed) greyscale PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + bytes(width) for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def jpeg_header(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


@pytest.mark.parametrize("slug", ["morning", "a", "city-hall-2024"])
def test_good_slugs(slug: str) -> None:
    assert check_slug(slug) == slug


@pytest.mark.parametrize("slug", ["", "Morning", "-a", "a-", "a_b", "a/b", "x" * 65])
def test_bad_slugs(slug: str) -> None:
    with pytest.raises(InvalidFeedField, match="invalid slug"):
        check_slug(slug)


@pytest.mark.parametrize(("code", "normal"), [("en", "en"), ("en-US", "en-us"), ("pt-br", "pt-br")])
def test_good_languages(code: str, normal: str) -> None:
    assert check_language(code) == normal


@pytest.mark.parametrize("code", ["english", "xx", "e", "en_US", "en-", ""])
def test_bad_languages(code: str) -> None:
    with pytest.raises(InvalidFeedField, match="language code"):
        check_language(code)


def test_categories() -> None:
    assert check_category("News") == "News"
    assert check_category("News>Daily News") == "News > Daily News"
    with pytest.raises(InvalidFeedField, match="unknown category"):
        check_category("Gossip")


def test_email_and_urls() -> None:
    assert check_email(" desk@example.org ") == "desk@example.org"
    with pytest.raises(InvalidFeedField):
        check_email("desk")
    assert check_url("https://example.org/a", "link") == "https://example.org/a"
    with pytest.raises(InvalidFeedField, match="link must be an absolute"):
        check_url("/a", "link")


def test_artwork_accepted() -> None:
    art = check_artwork(png(1400, 1400), max_bytes=512_000)
    assert (art.mime, art.width, art.height, art.extension) == ("image/png", 1400, 1400, "png")
    art = check_artwork(jpeg_header(3000, 3000), max_bytes=512_000)
    assert (art.mime, art.width, art.extension) == ("image/jpeg", 3000, "jpg")


def test_artwork_over_the_byte_limit() -> None:
    with pytest.raises(ImageTooLarge, match="limit is 1000 bytes"):
        check_artwork(png(1400, 1400) + bytes(1000), max_bytes=1000)


@pytest.mark.parametrize(
    "data", [png(1400, 1000), png(600, 600), jpeg_header(4000, 4000), b"GIF89a...."]
)
def test_artwork_rejected(data: bytes) -> None:
    with pytest.raises(InvalidImage):
        check_artwork(data, max_bytes=512_000)
