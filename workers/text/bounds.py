"""Bounds that keep the text front-end linear on any input: clean characters, bounded pieces.

Every stage after these runs on pieces of bounded length, so even a pattern or a
library that is superlinear in the length of what it is given does bounded work per
piece, and the whole front-end stays linear in the size of the article.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

MAX_LINE_CHARS: Final = 5_000
"""Lines of the input longer than this are broken at a space (a paragraph longer than
about 800 words is not prose a reader wrote by hand): every line-by-line check then
works on a bounded line."""

MAX_SEGMENTER_CHARS: Final = 1_000
"""pysbd, the sentence splitter, rescans its whole input once per abbreviation it finds
(quadratic on "Dr. " repeated): it is handed pieces of a paragraph no longer than this,
cut after a likely sentence end. Its cost per character grows with this limit."""

_REMOVED: Final = re.compile(
    "["
    "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f"  # control characters (not tab and line breaks)
    "\ud800-\udfff"  # lone surrogates: cannot be encoded, crash espeak and the encoders
    "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff"  # invisible formatting
    "\ufff9-\ufffb\ufdd0-\ufdef\ufffe\uffff"  # annotations and noncharacters
    "\ue000-\uf8ff"  # private use
    "\U000e0000-\U000e007f"  # tags
    "]+"
)
"""Characters that are never spoken and that some later stage cannot take."""

_LINE_BREAKS: Final = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
"""Every way of writing a line break becomes "\\n"; the line-based readers see one kind."""

_COMBINING_RUN: Final = re.compile(
    r"([\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff]{2})[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff]+"
)
"""Stacked combining marks ("Zalgo" text): no letter carries more than two."""

LIKELY_SENTENCE_END: Final = re.compile(r"[a-z]{3}[.!?][\"'”’)\]]*\s+(?=[\"“‘(]?[A-Z])")
"""Final punctuation after a lower-case word of three or more letters, before a capital:
almost never an abbreviation ("Dr.", "U.S.", "Nov.", "approx. 5"), so a safe place to
cut a long paragraph."""


def clean_input(text: str) -> str:
    """`text` with control characters, lone surrogates and invisible formatting removed,
    line breaks unified, and combining marks capped; everything else is kept."""
    text = _LINE_BREAKS.sub("\n", text)
    text = _REMOVED.sub("", text)
    return _COMBINING_RUN.sub(r"\1", text)


def bound_lines(text: str, limit: int = MAX_LINE_CHARS) -> str:
    """`text` with every line longer than `limit` broken into lines of at most `limit`.

    The break goes at a space that does not follow final punctuation where there is
    one, so the line-joining readers put the pieces back into one paragraph.
    """
    if all(len(line) <= limit for line in text.split("\n")):
        return text
    return "\n".join(piece for line in text.split("\n") for piece in bounded_pieces(line, limit))


def bounded_pieces(text: str, limit: int, prefer: re.Pattern[str] | None = None) -> Iterator[str]:
    """`text` cut into pieces of at most `limit` characters, in order, losing nothing but
    the whitespace at the cuts.

    Each cut goes at the last match of `prefer` (its end) within the limit, else the
    last space that does not follow final punctuation, else the last space, else
    (a run with no space at all) exactly at the limit. Linear in `len(text)`.
    """
    if len(text) <= limit:
        yield text
        return
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit + 1]
        cut = _cut(window, limit, prefer)
        piece = text[start : start + cut].rstrip()
        if piece:
            yield piece
        start += cut
        while start < len(text) and text[start].isspace():
            start += 1
    if rest := text[start:].rstrip():
        yield rest


def _cut(window: str, limit: int, prefer: re.Pattern[str] | None) -> int:
    """Where to cut `window` (its first `limit` characters make the piece)."""
    floor = limit // 2  # never cut so early that the pieces get small
    if prefer is not None:
        ends = [m.end() for m in prefer.finditer(window, floor) if m.end() <= limit]
        if ends:
            return ends[-1]
    space = _last_space(window, floor, limit, avoid_after=".!?")
    if space is None:
        space = _last_space(window, floor, limit, avoid_after="")
    return limit if space is None else space


def _last_space(window: str, floor: int, limit: int, avoid_after: str) -> int | None:
    for position in range(min(limit, len(window) - 1), floor, -1):
        if window[position].isspace() and window[position - 1] not in avoid_after:
            return position
    return None


def segmenter_pieces(paragraph: str, limit: int = MAX_SEGMENTER_CHARS) -> Iterator[str]:
    """A long paragraph in pieces for the sentence splitter, cut after likely sentence ends."""
    return bounded_pieces(paragraph, limit, prefer=LIKELY_SENTENCE_END)
