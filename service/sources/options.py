"""How a source's articles are read and published: one model, stored as JSON with the
source and checked by the API."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from service.api.schemas import LANGUAGE_PATTERN
from service.sources.listing import SourceRules
from workers.master import AudioFormat
from workers.synthesis import MAX_SPEED, MIN_SPEED


class SourceOptions(SourceRules):
    """The voice and format, what is read, and which items are taken (`SourceRules`)."""

    model_config = ConfigDict(extra="forbid")

    voice: Annotated[str | None, Field(max_length=200, description="See GET /v1/voices.")] = None
    speed: Annotated[float, Field(ge=MIN_SPEED, le=MAX_SPEED, allow_inf_nan=False)] = 1.0
    format: AudioFormat = AudioFormat.MP3
    language: Annotated[str, Field(pattern=LANGUAGE_PATTERN, max_length=35)] = "en"
    publication: Annotated[str | None, Field(max_length=500)] = None
    read_title: bool = True
    read_byline: bool = True
    disclosure: Literal["start", "end", "none"] | None = Field(
        default=None, description="Where the AI disclosure is spoken; default: as the feed says."
    )
    unpublish_removed: bool = Field(
        default=False,
        description="Unpublish an article's episode when the source stops listing it. Only "
        "for sources that list every live article: a feed of the latest 20 drops old ones.",
    )
