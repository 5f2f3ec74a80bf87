"""Feed errors, placed in Narrate's one hierarchy (`workers.errors`).

NarrateError
├── InputError
│   ├── InvalidFeedField     a slug, language, category, email or URL that cannot be used (422)
│   ├── InvalidImage         an artwork upload that is not a usable JPEG/PNG (422)
│   └── InputTooLarge
│       └── ImageTooLarge    artwork over the configured byte limit (413)
├── FeedNotFound             no such feed, or a private feed's token is wrong (404)
├── FeedExists               the slug is taken (409)
├── EpisodeNotFound          no such episode in this feed (404)
└── EpisodeUnavailable       the job isn't finished, or was deleted (409)
"""

from __future__ import annotations

from workers.errors import InputError, InputTooLarge, NarrateError


class InvalidFeedField(InputError):
    """A feed field that cannot be used as given."""

    def __init__(self, message: str, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


class InvalidImage(InputError):
    """Artwork that is not a usable JPEG or PNG."""

    field = "image"


class UnknownFeed(InputError):
    """A job names a feed that does not exist."""

    field = "feed"


class ImageTooLarge(InputTooLarge):
    """Artwork over the configured byte limit."""

    field = "image"


class FeedNotFound(NarrateError):
    """No feed with this slug (or the private feed's token is wrong: same answer, no leak)."""

    def __init__(self, slug: str) -> None:
        self.slug = slug
        super().__init__(f"no feed {slug!r}")


class FeedExists(NarrateError):
    """A feed with this slug exists already."""

    def __init__(self, slug: str) -> None:
        self.slug = slug
        super().__init__(f"a feed with slug {slug!r} exists already")


class EpisodeNotFound(NarrateError):
    """No such episode in this feed."""


class EpisodeUnavailable(NarrateError):
    """The job cannot become an episode (not finished, failed, or not audio)."""
