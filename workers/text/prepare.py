"""The text half of the pipeline in one call: extract → normalize → segment."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from workers.errors import EmptyInput
from workers.text.normalize import normalize_text
from workers.text.segment import (
    DEFAULT_MAX_CHUNK_CHARS,
    Block,
    Chunk,
    plain_text_blocks,
    segment_blocks,
)

DEFAULT_LANGUAGE: Final = "en"


class InputFormat(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    SSML = "ssml"


@dataclass(frozen=True)
class ArticleMeta:
    """What is known about the article besides its text."""

    title: str | None = None
    author: str | None = None
    publication: str | None = None
    date: str | None = None
    language: str = DEFAULT_LANGUAGE


@dataclass(frozen=True)
class PreparedArticle:
    """An article ready for synthesis."""

    meta: ArticleMeta
    blocks: list[Block]
    chunks: list[Chunk] = field(default_factory=list)

    @property
    def sentence_count(self) -> int:
        return sum(len(c.sentences) for c in self.chunks)


def prepare_article(
    text: str,
    meta: ArticleMeta | None = None,
    input_format: InputFormat = InputFormat.TEXT,
    max_chunk_chars: int = DEFAULT_MAX_CHUNK_CHARS,
) -> PreparedArticle:
    """Blocks and chunks of `text`; raises `EmptyInput` when nothing would be spoken."""
    meta = meta or ArticleMeta()
    if not text.strip():
        raise EmptyInput("the input is empty")
    blocks = plain_text_blocks(text)
    chunks = segment_blocks(
        blocks,
        normalize=lambda s: normalize_text(s, meta.language),
        language=meta.language,
        max_chunk_chars=max_chunk_chars,
    )
    if not chunks:
        raise EmptyInput("the input has no speakable text")
    return PreparedArticle(meta=meta, blocks=blocks, chunks=chunks)
