"""Segmentation: blocks (headings, paragraphs) → sentences → chunks for parallel synthesis."""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Final

from workers.text.bounds import LIKELY_SENTENCE_END, bounded_pieces, segmenter_pieces
from workers.text.rules import ends_sentence, fits_heading, is_heading_line, markdown_heading

DEFAULT_MAX_CHUNK_CHARS: Final = 400
"""A chunk holds whole sentences up to about this many characters (a long sentence
stands alone). Small chunks keep every worker busy until the end of an article."""

MAX_SENTENCE_CHARS: Final = 600
"""Longer 'sentences' (run-on scraped text, lists without full stops) are split at
clause punctuation, then at spaces: Piper's cost grows faster than linearly with length."""

MAX_SPOKEN_CHARS: Final = 600
"""No sentence hands Piper more than this many characters. Normalization can make the
spoken text much longer than the written one (numbers, symbols, a lexicon), and Piper's
memory grows with the square of one call's length, so a sentence whose spoken form is
longer is split (at a clause or a word, or inside one long word's spoken form)."""

MAX_SEGMENTER_PERIODS: Final = 50
"""A piece of a paragraph (`MAX_SEGMENTER_CHARS`) with more full stops than this is not
prose (initials, abbreviations or dates repeated): pysbd's cost grows with full stops
times length, so such a piece is cut only at likely sentence ends, without pysbd."""

SPOKEN_ESTIMATE_PER_SYMBOL: Final = 4
"""Extra spoken characters guessed for each digit or symbol ("7" → "seven")."""

SPOKEN_ESTIMATE_PER_RUN: Final = 60
"""The most extra spoken characters guessed for one run of digits and symbols (a long
number is read as "a number with N digits")."""

SPOKEN_SPLIT_MARGIN: Final = 1.25
"""A sentence that speaks too long is cut into this much more parts than its spoken
length strictly needs, so one cut is almost always enough (each cut costs a
normalization)."""


_CLAUSE_BREAK: Final = re.compile(r"(?<=[,;:—–])\s+")
_SPACES: Final = re.compile(r"\s+")
_SYMBOL_RUN: Final = re.compile(r"[^\sA-Za-z]+")
_INNER_SENTENCE_END: Final = re.compile(r"[.!?…][\"'”’)\]]*\s")
"""Final punctuation with more text after it: only then can a paragraph hold two sentences."""


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
        if (heading := markdown_heading(line)) is not None:
            flush()
            if heading:
                blocks.append(Block(BlockKind.HEADING, heading))
            continue
        standalone = not pending and (i + 1 == len(lines) or not lines[i + 1])
        if (
            not pending
            and is_heading_line(line)
            and (standalone or _is_sentence_line(lines, i + 1))
        ):
            blocks.append(Block(BlockKind.HEADING, line))
            continue
        pending.append(line)
        if ends_sentence(line):
            flush()
    flush()
    return blocks


def _is_sentence_line(lines: list[str], i: int) -> bool:
    return i < len(lines) and bool(lines[i]) and not is_heading_line(lines[i])


@lru_cache(maxsize=4)
def _segmenter(language: str):  # type: ignore[no-untyped-def]
    import pysbd

    try:
        return pysbd.Segmenter(language=language, clean=False)
    except ValueError:
        return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str, language: str = "en") -> list[str]:
    """Sentences of one paragraph; abbreviations ("Dr.", "U.S.", "Nov.") do not end one.

    pysbd gets the paragraph in bounded pieces (it is quadratic on some inputs), and
    every sentence it returns is cut to `MAX_SENTENCE_CHARS`.
    """
    text = text.strip()
    if not _INNER_SENTENCE_END.search(text):
        sentences = [text]  # one sentence at most: pysbd costs more than all the rest
    else:
        segmenter = _segmenter(language[:2].lower())
        sentences = [
            s.strip()
            for piece in segmenter_pieces(text)
            for s in (
                _likely_sentences(piece)
                if piece.count(".") > MAX_SEGMENTER_PERIODS
                else segmenter.segment(piece)
            )
        ]
    return [piece for s in sentences if s for piece in _bound_length(s)]


def _likely_sentences(text: str) -> list[str]:
    """`text` cut after every likely sentence end (the splitter for text that is not prose)."""
    cuts = [0, *(m.end() for m in LIKELY_SENTENCE_END.finditer(text)), len(text)]
    return [text[start:end] for start, end in itertools.pairwise(cuts) if start < end]


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
    chunks (and cached audio) of every other paragraph unchanged. A heading longer than
    a heading can be is read as a paragraph; no sentence's spoken text is longer than
    `MAX_SPOKEN_CHARS`.
    """
    raw: list[tuple[int, bool, list[tuple[str, str]]]] = []
    pauses: dict[int, int | None] = {}
    for index, block in enumerate(blocks):
        pauses[index] = block.pause_ms
        heading = block.kind is BlockKind.HEADING and fits_heading(block.text.strip())
        texts = [block.text.strip()] if heading else split_sentences(block.text, language)
        pairs = [pair for t in texts if t.strip() for pair in spoken_pieces(t, normalize)]
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


def spoken_pieces(text: str, normalize: Normalizer) -> list[tuple[str, str]]:
    """`(written, spoken)` pairs for one sentence, each spoken part at most `MAX_SPOKEN_CHARS`.

    A sentence that speaks too long is cut (at clause breaks, else spaces) into as many
    even parts as its spoken length needs, and each part is normalized on its own; one
    word that alone speaks too long has its spoken form cut at spaces, each part shown
    with its share of the written word.
    """
    text = text.strip()
    estimate = _spoken_estimate(text)
    if estimate > 2 * MAX_SPOKEN_CHARS and _SPACES.search(text):
        # Surely too long: cut before normalizing, which saves normalizing it twice.
        count = math.ceil(estimate * SPOKEN_SPLIT_MARGIN / MAX_SPOKEN_CHARS)
        return [
            pair for part in _even_parts(text, count) for pair in spoken_pieces(part, normalize)
        ]
    spoken = _SPACES.sub(" ", normalize(text)).strip()
    if len(spoken) <= MAX_SPOKEN_CHARS:
        return [(text, spoken)]
    if not _SPACES.search(text):
        parts = list(bounded_pieces(spoken, MAX_SPOKEN_CHARS))
        shares = [len(text) * i // len(parts) for i in range(len(parts) + 1)]
        return [
            (text[start:end], part)
            for (start, end), part in zip(itertools.pairwise(shares), parts, strict=True)
        ]
    count = max(2, math.ceil(len(spoken) * SPOKEN_SPLIT_MARGIN / MAX_SPOKEN_CHARS))
    return [pair for part in _even_parts(text, count) for pair in spoken_pieces(part, normalize)]


def _spoken_estimate(text: str) -> int:
    """A cheap guess at the length of `text` spoken: digits and symbols become words."""
    return len(text) + sum(
        min(len(run) * SPOKEN_ESTIMATE_PER_SYMBOL, SPOKEN_ESTIMATE_PER_RUN)
        for run in _SYMBOL_RUN.findall(text)
    )


def _even_parts(text: str, count: int) -> list[str]:
    """`text` (stripped, with spaces) cut into about `count` parts of even length, at the
    clause break near each even cut, else at the nearest space."""
    spaces = [m.span() for m in _SPACES.finditer(text)]
    clauses = [m.span() for m in _CLAUSE_BREAK.finditer(text)]
    step = len(text) / count
    cuts: list[tuple[int, int]] = []
    for i in range(1, count):
        target = i * step
        cut = _nearest(clauses, target, step / 4) or _nearest(spaces, target, len(text))
        if cut is not None and (not cuts or cut[0] > cuts[-1][0]):
            cuts.append(cut)
    starts = [0, *(end for _, end in cuts)]
    ends = [*(start for start, _ in cuts), len(text)]
    return [text[a:b] for a, b in zip(starts, ends, strict=True) if text[a:b].strip()]


def _nearest(spans: list[tuple[int, int]], target: float, within: float) -> tuple[int, int] | None:
    """The span in `spans` (sorted) starting nearest `target`, if within `within` of it."""
    index = bisect.bisect_left(spans, (target, 0))
    near = [spans[i] for i in (index - 1, index) if 0 <= i < len(spans)]
    best = min(near, key=lambda span: abs(span[0] - target), default=None)
    return best if best is not None and abs(best[0] - target) <= within else None


def _speakable(text: str) -> bool:
    return any(ch.isalnum() for ch in text)
