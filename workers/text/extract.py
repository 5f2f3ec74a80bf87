"""Extraction: an article as handed in (HTML, Markdown, scraped text) → headings and paragraphs.

HTML goes through trafilatura (body, title, author, date); scraped plain text through
the furniture scorer in `workers.text.furniture`; Markdown through a small reader of
its block syntax. Every path returns the same `ExtractedArticle`.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field
from typing import Final

from workers.errors import EmptyInput
from workers.text.furniture import (
    ScoredLine,
    byline_author,
    is_byline,
    is_date_line,
    is_page_prompt,
    is_time_line,
    label,
    looks_like_date,
    story_lines,
)
from workers.text.rules import ends_sentence, is_heading_line, markdown_heading
from workers.text.segment import Block, BlockKind, plain_text_blocks


@dataclass(frozen=True)
class ExtractedArticle:
    """The readable part of an input, in reading order, and what is known about it."""

    blocks: list[Block] = field(default_factory=list)
    title: str | None = None
    author: str | None = None
    date: str | None = None


_WORD: Final = re.compile(r"\w+")


def _kind_of_line(text: str) -> BlockKind:
    return BlockKind.HEADING if is_heading_line(text) else BlockKind.PARAGRAPH


# ---------------------------------------------------------------- the head: headline, byline

BYLINE_LOOKAHEAD: Final = 3
"""How many blocks at the top of an article may hold its byline."""


def head_of_blocks(blocks: list[Block]) -> ExtractedArticle:
    """Plain or Markdown text: a heading on top is the headline; a "By NAME" line among the
    first blocks is the byline (taken out of the body: `with_head` reads it)."""
    title = blocks[0].text if blocks and blocks[0].kind is BlockKind.HEADING else None
    for position, block in enumerate(blocks[:BYLINE_LOOKAHEAD]):
        if author := byline_author(block.text):
            return ExtractedArticle(blocks[:position] + blocks[position + 1 :], title, author)
    return ExtractedArticle(blocks, title)


def with_head(
    blocks: list[Block],
    title: str | None,
    author: str | None,
    *,
    read_title: bool = True,
    read_byline: bool = True,
) -> list[Block]:
    """The blocks to read: the headline, then "By NAME", then the body, each said once.

    A body that already opens with the headline or a byline loses those lines here, so
    every input format reads its head the same way (and not at all when turned off).
    """
    body = list(blocks)
    if title and body and same_headline(body[0].text, title):
        body = body[1:]
    body = [
        block
        for position, block in enumerate(body)
        if position >= BYLINE_LOOKAHEAD or not is_byline(block.text, author)
    ]
    head = []
    if read_title and title:
        head.append(Block(BlockKind.HEADING, title))
    if read_byline and author:
        # A paragraph, not a heading: a byline is no chapter of the article.
        head.append(Block(BlockKind.PARAGRAPH, f"By {spoken_names(author)}"))
    return head + body


def spoken_names(author: str) -> str:
    """Authors as a byline says them: "A; B; C" (trafilatura's list) → "A, B and C"."""
    names = [name.strip() for name in re.split(r"\s*[;|]\s*", author) if name.strip()]
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else author


# ---------------------------------------------------------------- hard-wrapped text

MIN_WRAPPED_LINES: Final = 2
WRAP_WIDTHS: Final = (40, 100)
"""Line widths a hard-wrapping tool uses (e-mail and terminals: 72 to 80)."""

FULL_LINE_SHARE: Final = 0.5
"""Text is hard-wrapped when at least this share of the lines that have more of their
paragraph after them come near the wrap width."""

FULL_LINE: Final = 0.75
"""A line at least this share of the wrap width counts as full."""

_LINE_START_BLOCK: Final = re.compile(r"^\s*(?:[-*+•]\s|\d+[.)]\s|#|>)")


def rejoin_hard_wraps(text: str) -> str:
    """Text broken at a fixed width (~70 characters) with its paragraphs on one line each.

    A line was broken by the wrapper when the next line's first word would not have fit
    on it (or, in any text, when an unfinished line goes on in lowercase); any other line
    end (a short last line, a heading, a blank line, a list item) is the writer's own and
    stays.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    width = _wrap_width(lines)
    out: list[str] = []
    joining = False
    for line, following in zip(lines, [*lines[1:], ""], strict=True):
        out.append(f" {line.strip()}" if joining else line.rstrip())
        next_word = following.split(maxsplit=1)[0] if following.strip() else ""
        full = bool(width) and len(line.rstrip()) + 1 + len(next_word) > width
        joining = bool(
            line.strip()
            and next_word
            and not _LINE_START_BLOCK.match(following)
            and (full or (next_word[0].islower() and not ends_sentence(line.strip())))
        )
        if not joining:
            out.append("\n")
    return "".join(out).rstrip("\n") + ("\n" if text.endswith("\n") else "")


def _wrap_width(lines: list[str]) -> int | None:
    """The width `lines` were hard-wrapped at, or None when they were not."""
    # Lines with more of their paragraph after them: in wrapped text, most are near the
    # width, and most stop inside a sentence (text with one paragraph a line: none do).
    inner = [
        line.rstrip()
        for line, following in itertools.pairwise(lines)
        if line.strip() and following.strip()
    ]
    if len(inner) < MIN_WRAPPED_LINES:
        return None
    lengths = sorted(len(line) for line in inner)
    width = lengths[-1]
    full = sum(1 for n in lengths if n >= width * FULL_LINE)
    unfinished = sum(1 for line in inner if not ends_sentence(line.strip()))
    wrapped = (
        WRAP_WIDTHS[0] <= width <= WRAP_WIDTHS[1]
        and full >= FULL_LINE_SHARE * len(inner)
        and unfinished >= FULL_LINE_SHARE * len(inner)
    )
    return width if wrapped else None


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
_HTML_CONTAINERS: Final = frozenset({"list", "quote", "div", "item", "table", "row"})
_HTML_SKIPPED: Final = frozenset({"code", "graphic"})
MAX_HTML_DEPTH: Final = 50
"""Containers (lists, quotes, divs) nested deeper than this are read as one paragraph
each: the walk is recursive, and no article nests its text fifty levels deep."""

LINK_DENSE: Final = 0.5
"""A short block whose text is at least this share link text is a teaser or navigation."""

SHORT_BLOCK_WORDS: Final = 20
"""Blocks up to this long can be page furniture (labels, teasers, prompts); longer ones
are prose and are only dropped when they repeat a longer block word for word."""

MIN_LINKED_HEADLINE_WORDS: Final = 3
"""A body line that is also the text of a link elsewhere on the page is a teaser headline
(a related-story rail); one- and two-word lines ("Weather") may be a section's heading."""

REPEAT_SHINGLE_WORDS: Final = 5
"""A block all of whose five-word runs are inside one longer block repeats it (a pull quote)."""

MAX_REPEAT_CANDIDATES: Final = 8
"""Blocks remembered per five-word run: bounds the repeat search on pages that say the same
thing hundreds of times."""

SITE_NAME_WORDS: Final = 4
"""Words a page may add to its headline (" | The Daily Ledger") and still be that headline."""

HEAD_BLOCKS: Final = 4
"""How many blocks at the top of the body may be the headline, byline or dateline."""


@dataclass(frozen=True)
class _HtmlBlock:
    block: Block
    link_share: float
    """How much of the block's text is link text (0 to 1)."""


@functools.cache
def _trafilatura_config():  # type: ignore[no-untyped-def]
    """trafilatura's defaults, except that a short story is not handed to its fallback
    extractors (they take the whole page, navigation and all) unless it is under 50
    characters: trafilatura hands anything under 250 to them."""
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "50")
    return config


def extract_html(html: str) -> ExtractedArticle:
    """The article in an HTML page: trafilatura's main text (its default, recall-first
    settings), headings kept, and its metadata.

    Lines are dropped from trafilatura's body only on evidence that they are page
    furniture (`_is_html_furniture`); the headline, byline and dateline at its top are
    metadata (read first, by `workers.text.prepare`, for every input format).
    """
    import trafilatura
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        raise EmptyInput("no article text found in the HTML")
    page_links = _page_link_texts(tree)
    document = trafilatura.bare_extraction(
        tree,
        config=_trafilatura_config(),
        include_comments=False,
        include_formatting=True,
        include_links=True,
        with_metadata=True,
    )
    if document is None or document.body is None:
        raise EmptyInput("no article text found in the HTML")
    found: list[_HtmlBlock] = []
    _collect_html_blocks(document.body, found)
    repeats = _repeated_blocks([b.block for b in found])
    blocks = [
        b.block
        for i, b in enumerate(found)
        if i not in repeats and not _is_html_furniture(b, page_links)
    ]
    title = _squash(document.title or "") or None
    author = document.author or None
    blocks = _without_head(blocks, title, author, document.description)
    return ExtractedArticle(blocks, title=title, author=author, date=document.date)


def _page_link_texts(tree: object) -> frozenset[str]:
    """The texts of the page's links (not in-page anchors), as `_label` compares them."""
    texts = set()
    for link in tree.iter("a"):  # type: ignore[attr-defined]
        if "#" not in (link.get("href") or "#"):  # a table of contents names the story's own parts
            texts.add(label(link.text_content()))
    return frozenset(texts)


def _is_html_furniture(found: _HtmlBlock, page_links: frozenset[str]) -> bool:
    text = found.block.text
    if is_page_prompt(text) or is_date_line(text):
        return True
    words = len(text.split())
    if words > SHORT_BLOCK_WORDS:
        return False
    return found.link_share >= LINK_DENSE or (
        words >= MIN_LINKED_HEADLINE_WORDS and label(text) in page_links
    )


def _repeated_blocks(blocks: list[Block]) -> set[int]:
    """Positions of paragraphs whose words all stand, in order, in one longer block."""
    runs = [_word_runs(b.text) for b in blocks]
    where: dict[str, list[int]] = {}
    for index, block_runs in enumerate(runs):
        for run in set(block_runs):
            holders = where.setdefault(run, [])
            if len(holders) < MAX_REPEAT_CANDIDATES:
                holders.append(index)
    repeated = set()
    for index, block_runs in enumerate(runs):
        if not block_runs or blocks[index].kind is BlockKind.HEADING:
            continue
        shared = set.intersection(*(set(where[run]) for run in block_runs)) - {index}
        if any(len(runs[other]) > len(block_runs) for other in shared):
            repeated.add(index)
    return repeated


def _word_runs(text: str) -> list[str]:
    words = _WORD.findall(text.lower())
    return [
        " ".join(words[i : i + REPEAT_SHINGLE_WORDS])
        for i in range(len(words) - REPEAT_SHINGLE_WORDS + 1)
    ]


def _without_head(
    blocks: list[Block], title: str | None, author: str | None, description: str | None
) -> list[Block]:
    """`blocks` less the page's head at their top: what stands above the headline (a
    section label), the headline, the standfirst (the page's description) right under it,
    and bylines, datelines and timestamps."""
    head = 0
    at = [i for i, b in enumerate(blocks[:HEAD_BLOCKS]) if title and same_headline(b.text, title)]
    if at:
        head = at[0] + 1
        if description and head < len(blocks) and label(blocks[head].text) == label(description):
            head += 1
    while (
        head < len(blocks) and head < HEAD_BLOCKS + 2 and _is_head_line(blocks[head].text, author)
    ):
        head += 1
    return blocks[head:]


def same_headline(text: str, title: str) -> bool:
    """`text` is the headline `title`: the same words, or one holds the other (a site's name
    added to the page title, a kicker in front)."""
    line, headline = label(text), label(title)
    if line == headline:
        return True
    words, headline_words = len(line.split()), len(headline.split())
    if min(words, headline_words) < MIN_LINKED_HEADLINE_WORDS:
        return False
    # Never a paragraph that opens with the headline's words and goes on.
    return line in headline or (headline in line and words <= headline_words + SITE_NAME_WORDS)


def _is_head_line(text: str, author: str | None) -> bool:
    return is_byline(text, author) or looks_like_date(text) or is_time_line(text)


def _collect_html_blocks(element: object, blocks: list[_HtmlBlock], depth: int = 0) -> None:
    for child in element:  # type: ignore[attr-defined]
        tag = child.tag
        if tag in _HTML_SKIPPED:
            continue
        if tag in _HTML_CONTAINERS and len(child) and depth < MAX_HTML_DEPTH:
            if tag == "row":
                cells = [_squash("".join(cell.itertext())) for cell in child]
                text = ", ".join(cell for cell in cells if cell)
                if text:
                    blocks.append(_HtmlBlock(Block(BlockKind.PARAGRAPH, text), 0.0))
                continue
            if child.text and child.text.strip():
                blocks.append(_HtmlBlock(Block(BlockKind.PARAGRAPH, _squash(child.text)), 0.0))
            _collect_html_blocks(child, blocks, depth + 1)
            continue
        for line_break in child.iter("lb"):
            line_break.text = "\n"
        text = "".join(child.itertext()).strip()
        if not text:
            continue
        linked = sum(len(_squash("".join(ref.itertext()))) for ref in child.iter("ref"))
        link_share = min(linked / len(_squash(text)), 1.0)
        kind = _HTML_BLOCKS.get(tag, BlockKind.PARAGRAPH)
        if "\n" in text and kind is BlockKind.PARAGRAPH:
            # Paragraphs split by <br> (old blog templates): hard breaks inside a sentence
            # are joined again, short unpunctuated lines become headings.
            blocks.extend(_HtmlBlock(b, link_share) for b in plain_text_blocks(text))
        else:
            blocks.append(_HtmlBlock(Block(kind, _squash(text)), link_share))


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
    return head_of_blocks(blocks)


def _add_heading(blocks: list[Block], text: str) -> None:
    words = markdown_inline_text(text)
    if words:
        blocks.append(Block(BlockKind.HEADING, words))
