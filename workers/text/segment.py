"""Segmentation: blocks (headings, paragraphs) → sentences → chunks for parallel synthesis."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Final

DEFAULT_MAX_CHUNK_CHARS: Final = 400
"""A chunk holds whole sentences up to about this many characters (a long sentence
stands alone). Small chunks keep every worker busy until the end of an article."""

MAX_SENTENCE_CHARS: Final = 600
"""Longer 'sentences' (run-on scraped text, lists without full stops) are split at
clause punctuation, then at spaces: Piper's cost grows faster than linearly with length."""

HEADING_MAX_WORDS: Final = 14
"""A line without final punctuation and at most this many words reads as a heading."""

_TERMINAL = ".!?…:;\"'”’)]»"
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
_CLAUSE_BREAK = re.compile(r"(?<=[,;:—–])\s+")


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"


class Break(StrEnum):
    """What follows a sentence, which decides the pause after it."""

    SENTENCE = "sentence"
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    END = "end"


@dataclass(frozen=True)
class Block:
    """A heading or a paragraph of the article, in reading order."""

    kind: BlockKind
    text: str
    pause_ms: int | None = None
    """An explicit pause after the block (SSML `<break>`), instead of the usual one."""


@dataclass(frozen=True)
class Sentence:
    """One sentence: what the article says and what the voice will say."""

    text: str
    """The sentence as written (shown in transcripts)."""

    spoken: str
    """The normalized text handed to Piper."""

    block: int
    """Index of the block (heading or paragraph) it belongs to."""

    heading: bool
    """True when the sentence is a heading."""

    break_after: Break
    """What follows it: decides the pause."""

    pause_ms: int | None = None
    """An explicit pause after it in milliseconds (SSML `<break>`); overrides `break_after`."""


@dataclass(frozen=True)
class Chunk:
    """A few consecutive sentences: the unit of parallel synthesis and of the cache."""

    index: int
    sentences: tuple[Sentence, ...]

    @property
    def spoken(self) -> str:
        return " ".join(s.spoken for s in self.sentences)

    def content_key(self) -> str:
        """Hash of what decides this chunk's audio (text and pauses), for the chunk cache."""
        digest = hashlib.sha256()
        for s in self.sentences:
            pause = "" if s.pause_ms is None else f"\x1f{s.pause_ms}"
            digest.update(f"{s.spoken}\x1f{s.heading}\x1f{s.break_after}{pause}\x1e".encode())
        return digest.hexdigest()


def plain_text_blocks(text: str) -> list[Block]:
    """Split plain (or light Markdown) text into headings and paragraphs.

    A blank line ends a paragraph; so does a line ending in sentence punctuation
    (scraped pages put one paragraph on each line). A short line without final
    punctuation, or a Markdown `#` line, is a heading. Other lines are hard-wrapped
    text and are joined with the next.
    """
    blocks: list[Block] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            blocks.append(Block(BlockKind.PARAGRAPH, " ".join(pending)))
            pending.clear()

    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    for i, line in enumerate(lines):
        if not line:
            flush()
            continue
        if match := _MARKDOWN_HEADING.match(line):
            flush()
            blocks.append(Block(BlockKind.HEADING, match["text"]))
            continue
        standalone = not pending and (i + 1 == len(lines) or not lines[i + 1])
        if (
            not pending
            and _looks_like_heading(line)
            and (standalone or _is_sentence_line(lines, i + 1))
        ):
            blocks.append(Block(BlockKind.HEADING, line))
            continue
        pending.append(line)
        if line.endswith(tuple(_TERMINAL)):
            flush()
    flush()
    return blocks


def _looks_like_heading(line: str) -> bool:
    return not line.endswith(tuple(_TERMINAL + ",")) and len(line.split()) <= HEADING_MAX_WORDS


def _is_sentence_line(lines: list[str], i: int) -> bool:
    return i < len(lines) and bool(lines[i]) and not _looks_like_heading(lines[i])


@lru_cache(maxsize=4)
def _segmenter(language: str):  # type: ignore[no-untyped-def]
    import pysbd

    try:
        return pysbd.Segmenter(language=language, clean=False)
    except ValueError:
        return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str, language: str = "en") -> list[str]:
    """Sentences of one paragraph; abbreviations ("Dr.", "U.S.", "Nov.") do not end one."""
    sentences = [s.strip() for s in _segmenter(language[:2].lower()).segment(text)]
    return [piece for s in sentences if s for piece in _bound_length(s)]


def _bound_length(sentence: str, limit: int = MAX_SENTENCE_CHARS) -> Iterator[str]:
    if len(sentence) <= limit:
        yield sentence
        return
    pieces = _CLAUSE_BREAK.split(sentence)
    if len(pieces) == 1:
        pieces = sentence.split(" ")
    current = ""
    for piece in pieces:
        if current and len(current) + 1 + len(piece) > limit:
            yield from _hard_split(current, limit)
            current = piece
        else:
            current = f"{current} {piece}" if current else piece
    if current:
        yield from _hard_split(current, limit)


def _hard_split(text: str, limit: int) -> Iterator[str]:
    for start in range(0, len(text), limit):
        yield text[start : start + limit]


Normalizer = Callable[[str], str]


def segment_blocks(
    blocks: Iterable[Block],
    normalize: Normalizer = lambda s: s,
    language: str = "en",
    max_chunk_chars: int = DEFAULT_MAX_CHUNK_CHARS,
) -> list[Chunk]:
    """Sentences of every block, normalized, grouped into chunks.

    A chunk never crosses a block boundary, so an edit in one paragraph leaves the
    chunks (and cached audio) of every other paragraph unchanged.
    """
    raw: list[tuple[int, bool, list[tuple[str, str]]]] = []
    pauses: dict[int, int | None] = {}
    for index, block in enumerate(blocks):
        pauses[index] = block.pause_ms
        heading = block.kind is BlockKind.HEADING
        texts = [block.text.strip()] if heading else split_sentences(block.text, language)
        pairs = [(t, normalize(t).strip()) for t in texts if t.strip()]
        pairs = [(t, s) for t, s in pairs if _speakable(s)]
        if pairs:
            raw.append((index, heading, pairs))

    chunks: list[Chunk] = []
    for position, (index, heading, pairs) in enumerate(raw):
        is_last_block = position + 1 == len(raw)
        next_is_heading = not is_last_block and raw[position + 1][1]
        block_break = (
            Break.END
            if is_last_block
            else Break.HEADING
            if heading or next_is_heading
            else Break.PARAGRAPH
        )
        sentences = [
            Sentence(
                text=text,
                spoken=spoken,
                block=index,
                heading=heading,
                break_after=block_break if i + 1 == len(pairs) else Break.SENTENCE,
                pause_ms=pauses[index] if i + 1 == len(pairs) else None,
            )
            for i, (text, spoken) in enumerate(pairs)
        ]
        group: list[Sentence] = []
        for sentence in sentences:
            size = sum(len(s.spoken) + 1 for s in group)
            if group and size + len(sentence.spoken) > max_chunk_chars:
                chunks.append(Chunk(len(chunks), tuple(group)))
                group = []
            group.append(sentence)
        if group:
            chunks.append(Chunk(len(chunks), tuple(group)))
    return chunks


def _speakable(text: str) -> bool:
    return any(ch.isalnum() for ch in text)
