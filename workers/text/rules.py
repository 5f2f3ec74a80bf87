"""One rule per concept for the text front-end: what ends a sentence, what a heading is.

Extraction (scraped text, Markdown), the furniture scorer, segmentation and SSML all
ask these questions; they ask them here, so the answers cannot drift apart.
"""

from __future__ import annotations

import re
from typing import Final

SENTENCE_END: Final = tuple(".!?…:;\"'”’)]»")
"""Characters a finished sentence (or a line of prose) ends with: final punctuation,
or a closing quote or bracket after it."""

HEADING_MAX_WORDS: Final = 14
"""A line without final punctuation and at most this many words reads as a heading."""

HEADING_MAX_CHARS: Final = 200
"""No heading is longer than this: a longer "heading" (explicit or guessed) is read as a
paragraph, so it is split into bounded sentences like any other text."""

_ATX_OPENING: Final = re.compile(r"[ \t]{0,3}#{1,6}(?:[ \t]+|$)")
"""The opening of a Markdown heading: up to three spaces, one to six `#`, a space."""


def ends_sentence(text: str) -> bool:
    """True when `text` (already stripped) ends like a sentence."""
    return text.endswith(SENTENCE_END)


def fits_heading(text: str) -> bool:
    """True when `text` is short enough to be read as one heading."""
    return len(text) <= HEADING_MAX_CHARS


def is_heading_line(text: str) -> bool:
    """True when a line (already stripped) reads as a heading: short, no final punctuation,
    and not ending in a comma (a clause that goes on)."""
    return (
        bool(text)
        and fits_heading(text)
        and not ends_sentence(text)
        and not text.endswith(",")
        and len(text.split()) <= HEADING_MAX_WORDS
    )


def markdown_heading(line: str) -> str | None:
    """The text of a Markdown ATX heading line ("## Title ##" → "Title"), else None.

    Written without a pattern over the whole line: the closing `#` run is stripped with
    string methods, so a line of any length is read in one pass.
    """
    match = _ATX_OPENING.match(line)
    if match is None:
        return None
    text = line[match.end() :].strip()
    closed = text.rstrip("#")
    if closed != text and (not closed or closed[-1].isspace()):
        text = closed.rstrip()
    return text
