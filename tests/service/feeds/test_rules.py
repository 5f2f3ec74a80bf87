"""Feed field rules: slug, language, category, email, URLs, artwork."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from service.feeds.rules import (
    check_artwork,
    check_category,
    check_email,
    check_language,
    check_slug,
    check_url,
)
from workers.errors import ImageTooLarge, InvalidFeedField, InvalidImage


def image(width: int, height: int, kind: str = "PNG", mode: str = "RGB") -> bytes:
    """A real image of that size, kind and mode, written by Pillow."""
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, kind)
    return out.getvalue()


def png(width: int, height: int) -> bytes:
    return image(width, height)


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
    art = check_artwork(image(3000, 3000, "JPEG"), max_bytes=512_000)
    assert (art.mime, art.width, art.extension) == ("image/jpeg", 3000, "jpg")


def test_artwork_over_the_byte_limit() -> None:
    with pytest.raises(ImageTooLarge, match="limit is 1000 bytes"):
        check_artwork(png(1400, 1400) + bytes(1000), max_bytes=1000)


@pytest.mark.parametrize(
    "data",
    [
        png(1400, 1000),
        png(600, 600),
        image(3001, 3001, "JPEG"),
        image(1400, 1400, "GIF", "P"),
        image(1400, 1400, mode="RGBA"),
        image(1400, 1400, mode="L"),
        image(1400, 1400, "JPEG", "CMYK"),
        png(1400, 1400)[:200],  # truncated
        b"GIF89a....",
    ],
)
def test_artwork_rejected(data: bytes) -> None:
    with pytest.raises(InvalidImage):
        check_artwork(data, max_bytes=512_000)
