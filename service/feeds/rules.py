"""What a feed's fields may hold: slug, language code, category, email, URLs and artwork."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from workers.errors import ImageTooLarge, InvalidFeedField, InvalidImage

SLUG_RE: Final = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
LANGUAGE_RE: Final = re.compile(r"^([a-zA-Z]{2})((?:-[a-zA-Z0-9]{2,8})*)$")
EMAIL_RE: Final = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")

ISO_639_1: Final = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv
    cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht
    hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la
    lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj
    om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv
    sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh
    zu""".split()  # noqa: SIM905 (a table reads better as words)
)
"""RSS `<language>` takes an ISO 639-1 code, optionally with a region (`en-us`)."""

APPLE_CATEGORIES: Final = frozenset(
    {
        "Arts", "Business", "Comedy", "Education", "Fiction", "Government", "History",
        "Health & Fitness", "Kids & Family", "Leisure", "Music", "News",
        "Religion & Spirituality", "Science", "Society & Culture", "Sports", "Technology",
        "True Crime", "TV & Film",
    }
)  # fmt: skip
"""Apple Podcasts' top-level categories (a subcategory may follow: `News > Daily News`)."""

MIN_ARTWORK_PX: Final = 1400
MAX_ARTWORK_PX: Final = 3000
"""Apple's artwork rule: square, 1400–3000 pixels a side, JPEG or PNG."""


def check_slug(slug: str) -> str:
    if not SLUG_RE.fullmatch(slug):
        raise InvalidFeedField(
            f"invalid slug {slug!r}: use 1–64 lowercase letters, digits and inner hyphens",
            "slug",
        )
    return slug


def check_language(code: str) -> str:
    """The code, lowercased as RSS writes it (`en-US` → `en-us`)."""
    match = LANGUAGE_RE.fullmatch(code.strip())
    if not match or match.group(1).lower() not in ISO_639_1:
        raise InvalidFeedField(
            f"invalid language code {code!r}: use an ISO 639-1 code such as 'en' or 'en-us'",
            "language",
        )
    return code.strip().lower()


def check_category(category: str) -> str:
    top, _, sub = (part.strip() for part in category.partition(">"))
    if top not in APPLE_CATEGORIES:
        raise InvalidFeedField(
            f"unknown category {top!r}; Apple's categories: {', '.join(sorted(APPLE_CATEGORIES))}",
            "category",
        )
    return f"{top} > {sub}" if sub else top


def check_email(email: str) -> str:
    if not EMAIL_RE.fullmatch(email.strip()):
        raise InvalidFeedField(f"invalid email address {email!r}", "owner_email")
    return email.strip()


def check_url(url: str, field: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidFeedField(f"{field} must be an absolute http(s) URL, got {url!r}", field)
    return url


@dataclass(frozen=True)
class Artwork:
    """An accepted artwork upload."""

    data: bytes
    mime: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return "png" if self.mime == "image/png" else "jpg"


PIL_FORMATS: Final = {"PNG": "image/png", "JPEG": "image/jpeg"}


def check_artwork(data: bytes, max_bytes: int) -> Artwork:
    """Accept a square JPEG/PNG of 1400–3000 px in RGB under `max_bytes`, or say why not
    (Apple's artwork rules). Pillow reads the header, then decodes the whole image, so a
    truncated or corrupt file is refused too; the size is checked before decoding."""
    if len(data) > max_bytes:
        raise ImageTooLarge(f"the image is {len(data)} bytes; the limit is {max_bytes} bytes")
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError):
        raise InvalidImage("artwork must be a JPEG or PNG image") from None
    with image:
        mime = PIL_FORMATS.get(image.format or "")
        if mime is None:
            raise InvalidImage(f"artwork must be a JPEG or PNG image, not {image.format}")
        width, height = image.size
        if width != height or not MIN_ARTWORK_PX <= width <= MAX_ARTWORK_PX:
            raise InvalidImage(
                f"artwork must be square, {MIN_ARTWORK_PX}–{MAX_ARTWORK_PX} px a side; "
                f"got {width}×{height}"
            )
        if image.mode != "RGB":
            raise InvalidImage(
                f"artwork must be RGB (no transparency, greyscale, palette or CMYK); "
                f"this image is {image.mode}"
            )
        try:
            image.load()
        except (OSError, ValueError, Image.DecompressionBombError):
            raise InvalidImage("the image is truncated or corrupt") from None
    return Artwork(data=data, mime=mime, width=width, height=height)
