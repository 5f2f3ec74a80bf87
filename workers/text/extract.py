"""Extraction: an article as handed in (HTML, Markdown, scraped text) → headings and paragraphs.

HTML goes through trafilatura (body, title, author, date); scraped plain text through
the furniture scorer in `workers.text.furniture`; Markdown through a small reader of
its block syntax. Every path returns the same `ExtractedArticle`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from workers.errors import EmptyInput
from workers.text.furniture import ScoredLine, score_lines, story_lines
from workers.text.rules import is_heading_line, markdown_heading
from workers.text.segment import Block, BlockKind


@dataclass(frozen=True)
class ExtractedArticle:
    """The readable part of an input, in reading order, and what is known about it."""

    blocks: list[Block] = field(default_factory=list)
    title: str | None = None
    author: str | None = None
    date: str | None = None


def _kind_of_line(text: str) -> BlockKind:
    return BlockKind.HEADING if is_heading_line(text) else BlockKind.PARAGRAPH


# ---------------------------------------------------------------- scraped text


def extract_scraped_text(text: str, scored: list[ScoredLine] | None = None) -> ExtractedArticle:
    """The story in a scraped page's text: furniture (appeals, forms, feeds, teasers) dropped.

    `scored` is `score_lines` of the text's lines, when the caller already has it.
    """
    story = story_lines(text, scored)
    blocks = [Block(_kind_of_line(line.text), line.text) for line in story.lines]
    if story.title and blocks and blocks[0].text == story.title:
        blocks[0] = Block(BlockKind.HEADING, story.title)
    return ExtractedArticle(blocks=blocks, title=story.title, author=story.author)


# ---------------------------------------------------------------- HTML

_HTML_BLOCKS: Final = {"head": BlockKind.HEADING, "p": BlockKind.PARAGRAPH}
_HTML_CONTAINERS: Final = frozenset({"list", "quote", "div", "item"})
_HTML_SKIPPED: Final = frozenset({"code", "table", "graphic", "ref"})
MAX_HTML_DEPTH: Final = 50
"""Containers (lists, quotes, divs) nested deeper than this are read as one paragraph
each: the walk is recursive, and no article nests its text fifty levels deep."""


def extract_html(html: str) -> ExtractedArticle:
    """The article in an HTML page: trafilatura's main text, headings kept, and its metadata."""
    import trafilatura

    document = trafilatura.bare_extraction(
        html,
        include_comments=False,
        include_tables=False,
        include_formatting=True,
        with_metadata=True,
        favor_precision=True,
    )
    if document is None or document.body is None:
        raise EmptyInput("no article text found in the HTML")
    blocks: list[Block] = []
    _collect_html_blocks(document.body, blocks)
    # trafilatura keeps some in-body furniture (share rows, "Read more" links, newsletter
    # prompts); the line scorer that cleans scraped text drops those lines here.
    furniture = {line.text for line in score_lines([b.text for b in blocks]) if line.is_furniture}
    blocks = [b for b in blocks if b.text not in furniture]
    title = document.title or None
    if title and not (blocks and blocks[0].text == title):
        blocks.insert(0, Block(BlockKind.HEADING, title))
    return ExtractedArticle(blocks, title=title, author=document.author, date=document.date)


def _collect_html_blocks(element: object, blocks: list[Block], depth: int = 0) -> None:
    for child in element:  # type: ignore[attr-defined]
        tag = child.tag
        if tag in _HTML_SKIPPED:
            continue
        if tag in _HTML_CONTAINERS and len(child) and depth < MAX_HTML_DEPTH:
            if child.text and child.text.strip():
                blocks.append(Block(BlockKind.PARAGRAPH, _squash(child.text)))
            _collect_html_blocks(child, blocks, depth + 1)
            continue
        text = _squash("".join(child.itertext()))
        if text:
            blocks.append(Block(_HTML_BLOCKS.get(tag, BlockKind.PARAGRAPH), text))


def _squash(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- Markdown

_FENCE: Final = re.compile(r"^\s{0,3}(```|~~~)")
_SETEXT_UNDERLINE: Final = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_LIST_ITEM: Final = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?P<text>.*)$")
_RULE: Final = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
_REFERENCE_DEFINITION: Final = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+")
_TABLE_DIVIDER: Final = re.compile(r"^\s*(?:\|\s*)?:?-{3,}")

_LINK_TARGET: Final = r"(?:[^()]|\([^()]*\))*"
"""A link's address and title; one level of parentheses inside, as in Wikipedia links."""

INLINE_MARKDOWN: Final = (
    (re.compile(rf"!\[[^\[\]]*\]\({_LINK_TARGET}\)"), ""),  # images are not read
    (re.compile(rf"\[([^\[\]]+)\]\({_LINK_TARGET}\)"), r"\1"),  # [text](url) → text
    (re.compile(r"\[([^\[\]]+)\]\[[^\[\]]*\]"), r"\1"),  # [text][ref] → text
    (re.compile(r"<(https?://[^<>]+)>"), r"\1"),  # autolinks keep their address
    (re.compile(r"<[^<>]+>"), ""),  # inline HTML tags
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)((?:(?!\1).)+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])([*_])(?=\S)((?:(?!\1).)+?)(?<=\S)\1(?![\w*])"), r"\2"),
    (re.compile(r"~~((?:(?!~~).)+?)~~"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!])"), r"\1"),
)
r"""Inline Markdown → plain words: (pattern, replacement), in order.

No span may run past the next opening delimiter (`[^\[\]]`, `(?:(?!\1).)`): else every
unclosed opener in a long paragraph scans to its end, and the work grows with the square
of the paragraph's length."""


def markdown_inline_text(text: str) -> str:
    """Link text without the URL, emphasis and code marks removed."""
    for pattern, replacement in INLINE_MARKDOWN:
        text = pattern.sub(replacement, text)
    return _squash(text)


def extract_markdown(text: str) -> ExtractedArticle:
    """Headings, paragraphs and list items of a Markdown document; code blocks are skipped."""
    blocks: list[Block] = []
    pending: list[str] = []
    in_fence: str | None = None
    previous_blank = True

    def flush() -> None:
        if pending:
            words = markdown_inline_text(" ".join(pending))
            if words:
                blocks.append(Block(BlockKind.PARAGRAPH, words))
            pending.clear()

    for raw in text.replace("\r\n", "\n").split("\n"):
        if in_fence:
            in_fence = None if raw.strip().startswith(in_fence) else in_fence
            continue
        if fence := _FENCE.match(raw):
            flush()
            in_fence = fence.group(1)
            continue
        line = raw.rstrip()
        if not line.strip():
            flush()
            previous_blank = True
            continue
        if previous_blank and not pending and raw.startswith(("    ", "\t")):
            continue  # indented code block
        previous_blank = False
        if (heading := markdown_heading(line)) is not None:
            flush()
            _add_heading(blocks, heading)
        elif pending and _SETEXT_UNDERLINE.match(line):
            heading_text = " ".join(pending)
            pending.clear()
            _add_heading(blocks, heading_text)
        elif _RULE.match(line) or _REFERENCE_DEFINITION.match(line) or _TABLE_DIVIDER.match(line):
            flush()
        elif item := _LIST_ITEM.match(line):
            flush()
            pending.append(item["text"])
        elif line.lstrip().startswith(">"):
            pending.append(line.lstrip().lstrip(">").strip())
        elif line.lstrip().startswith("|"):
            flush()
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            pending.append(", ".join(c for c in cells if c))
            flush()
        else:
            pending.append(line.strip())
    flush()
    title = next((b.text for b in blocks if b.kind is BlockKind.HEADING), None)
    return ExtractedArticle(blocks=blocks, title=title)


def _add_heading(blocks: list[Block], text: str) -> None:
    words = markdown_inline_text(text)
    if words:
        blocks.append(Block(BlockKind.HEADING, words))
