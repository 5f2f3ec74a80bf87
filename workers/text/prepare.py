"""The text half of the pipeline in one call: extract → normalize → segment."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Final

from workers.errors import EmptyInput, InputError, LexiconError
from workers.text.bounds import bound_lines, clean_input
from workers.text.dates_en import DEFAULT_DATE_ORDER, DateOrder
from workers.text.extract import (
    ExtractedArticle,
    extract_html,
    extract_markdown,
    extract_scraped_text,
    head_of_blocks,
    rejoin_hard_wraps,
    with_head,
)
from workers.text.furniture import label, score_lines
from workers.text.lexicon import LEXICON_GROWTH_ALLOWANCE, MAX_LEXICON_GROWTH, Lexicon
from workers.text.normalize import normalize_text
from workers.text.segment import (
    DEFAULT_MAX_CHUNK_CHARS,
    Block,
    BlockKind,
    Chunk,
    Normalizer,
    plain_text_blocks,
    segment_blocks,
)
from workers.text.ssml import ssml_blocks

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


DISCLOSURE_TEXT: Final = "This audio was created with AI assistance."
"""Spoken at the start or the end when asked (Apple asks for AI use to be disclosed in the
audio too): one sentence, one paragraph, so it is one chunk that the chunk cache keeps per
voice and speed."""


class Disclosure(StrEnum):
    """Where the spoken disclosure goes."""

    START = "start"
    END = "end"


@dataclass(frozen=True)
class Reading:
    """What is read besides the article's body."""

    read_title: bool = True
    """Speak the headline first."""

    read_byline: bool = True
    """Speak "By NAME" after the headline (when the author is known)."""

    disclosure: Disclosure | None = None
    """Speak `DISCLOSURE_TEXT` first or last."""

    def with_disclosure(self, blocks: list[Block]) -> list[Block]:
        """The blocks with the disclosure added first or last (the headline and byline
        are `extract.with_head`'s)."""
        if blocks and self.disclosure is not None:
            spoken = Block(BlockKind.PARAGRAPH, DISCLOSURE_TEXT)
            blocks = [spoken, *blocks] if self.disclosure is Disclosure.START else [*blocks, spoken]
        return blocks


@dataclass(frozen=True)
class PreparedArticle:
    """An article ready for synthesis."""

    meta: ArticleMeta
    blocks: list[Block]
    chunks: list[Chunk] = field(default_factory=list)

    @property
    def sentence_count(self) -> int:
        return sum(len(c.sentences) for c in self.chunks)


def extract_text(text: str) -> ExtractedArticle:
    """Plain text: scraped pages lose their furniture; clean text is read as it is.

    Hard-wrapped text is first put back into one line per paragraph."""
    text = rejoin_hard_wraps(text)
    scored = score_lines(text.split("\n"))  # lines as `story_lines` splits them
    if any(line.furniture for line in scored):
        return extract_scraped_text(text, scored)
    return head_of_blocks(plain_text_blocks(text))


LINE_BASED_FORMATS: Final = frozenset({InputFormat.TEXT, InputFormat.MARKDOWN})
"""Formats read line by line: their long lines are broken before extraction (a break in
HTML or SSML markup could land inside a tag, so those are bounded after extraction)."""

EXTRACTORS: Final[dict[InputFormat, Callable[[str], ExtractedArticle]]] = {
    InputFormat.TEXT: extract_text,
    InputFormat.MARKDOWN: extract_markdown,
    InputFormat.HTML: extract_html,
    InputFormat.SSML: lambda text: ExtractedArticle(blocks=ssml_blocks(text)),
}


def prepare_article(
    text: str,
    meta: ArticleMeta | None = None,
    input_format: InputFormat = InputFormat.TEXT,
    max_chunk_chars: int = DEFAULT_MAX_CHUNK_CHARS,
    *,
    lexicon: Lexicon | None = None,
    date_order: DateOrder = DEFAULT_DATE_ORDER,
    reading: Reading = Reading(),
    extract: bool = True,
) -> PreparedArticle:
    """Blocks and chunks of `text`; raises `EmptyInput` when nothing would be spoken.

    `input_format` picks the extractor (scraped text, Markdown, HTML or SSML); what the
    extractor learns (title, author, date) fills the gaps in `meta`. `lexicon` entries
    are applied to every sentence before normalization; `date_order` reads ambiguous
    numeric dates; `reading` drops the headline or adds the byline. `extract=False` reads
    plain text as it is, furniture and all (the OpenAI-compatible speech route).

    Every format but SSML is read headline first, then "By NAME" (`read_title`,
    `read_byline`), from `meta` or else from what the extractor found; a body that already
    opens with them does not say them twice. SSML is read exactly as written.

    The work is linear in the length of `text` whatever it holds: characters no stage
    can take are removed first, long lines are broken, and every later stage works on
    pieces of bounded length (see `workers.text.bounds`). Every error is an `InputError`.
    """
    meta = meta or ArticleMeta()
    if input_format not in EXTRACTORS:
        raise InputError(
            f"unknown input format {input_format!r}; use one of {', '.join(InputFormat)}"
        )
    input_format = InputFormat(input_format)
    text = clean_input(text)
    if not text.strip():
        raise EmptyInput("the input is empty")
    if input_format in LINE_BASED_FORMATS:
        text = bound_lines(text)
    if input_format is InputFormat.TEXT and not extract:
        extracted = ExtractedArticle(blocks=plain_text_blocks(text))
    else:
        extracted = EXTRACTORS[input_format](text)
    blocks = extracted.blocks
    if not blocks:
        raise EmptyInput(f"no article text found in the {input_format.value} input")
    meta = replace(
        meta,
        title=meta.title or extracted.title,
        author=meta.author or extracted.author,
        date=meta.date or extracted.date,
    )
    if input_format is not InputFormat.SSML:
        # A body that opens with its own headline reads that one; else the given title.
        own = extracted.title and label(blocks[0].text) == label(extracted.title)
        blocks = with_head(
            blocks,
            extracted.title if own else meta.title,
            meta.author,
            read_title=reading.read_title,
            read_byline=reading.read_byline,
        )
    blocks = reading.with_disclosure(blocks)
    if not blocks:
        raise EmptyInput(f"no article text found in the {input_format.value} input")
    chunks = segment_blocks(
        blocks,
        normalize=_normalizer(meta.language, lexicon, len(text), date_order),
        language=meta.language,
        max_chunk_chars=max_chunk_chars,
    )
    if not chunks:
        raise EmptyInput("the input has no speakable text")
    return PreparedArticle(meta=meta, blocks=blocks, chunks=chunks)


def _normalizer(
    language: str, lexicon: Lexicon | None, input_chars: int, date_order: DateOrder
) -> Normalizer:
    """Normalization of one sentence, with the lexicon's growth capped.

    The lexicon applies once per sentence (no chains, see `Lexicon.apply`). What it
    writes is measured before any further work: past `MAX_LEXICON_GROWTH` times the
    sentence, or (summed) times the input, the article is refused. A sentence normalized
    again in parts (`MAX_SPOKEN_CHARS`) counts again, so the sum errs on refusing.
    """
    if lexicon is None or not lexicon.entries:
        return lambda sentence: normalize_text(sentence, language, date_order=date_order)
    article_budget = MAX_LEXICON_GROWTH * input_chars + LEXICON_GROWTH_ALLOWANCE
    written = 0

    def normalize(sentence: str) -> str:
        nonlocal written
        respelled = lexicon.apply(sentence)
        written += len(respelled)
        sentence_budget = MAX_LEXICON_GROWTH * len(sentence) + LEXICON_GROWTH_ALLOWANCE
        if len(respelled) > sentence_budget or written > article_budget:
            raise LexiconError(
                f"the pronunciation lexicon makes the text more than {MAX_LEXICON_GROWTH} "
                "times longer; shorten its replacements or remove the entries that repeat "
                "words"
            )
        return normalize_text(respelled, language, date_order=date_order)

    return normalize
