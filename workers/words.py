"""Spoken words back to the words of the article as written, with their character offsets.

The normalizer turns "$1.5 billion" into "one point five billion dollars"; a page that
highlights words must highlight "$1.5 billion", which is on screen. The mapping does not
look inside the normalizer: per sentence, the written tokens and the spoken words are
aligned monotonically (`difflib`) on a comparison key, so the tokens that come through
unchanged ("billion", "said", names) anchor it, and each stretch between anchors is one
unit: its written tokens as one span, its spoken words read in it. Spoken words with no
written counterpart ("dollars", read after "billion" for a "$" before it) join the unit
before them, and when that unit is a short run of anchors right after a stretch, the
three become one ("$1.5 billion" ↔ "one point five billion dollars").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

BRIDGE_ANCHORS: Final = 2
"""At most this many anchored tokens between a rewritten stretch and spoken words added
after them are taken to be one expression ("$5 million" → "five million dollars")."""
EDGE_PUNCTUATION: Final = "\"'“”‘’«»()[]{}<>,;:!?…*—–-_/"
"""Stripped from both ends of a written token: not part of the word a page highlights."""
SHORT_ABBREVIATION: Final = 3
"""A capitalized token this short or shorter keeps its full stop ("Dr.", "Inc.")."""

CLAUSE_ENDS: Final = (",", ";", ":")
"""Punctuation that the normalizer keeps where the written text has it."""

_TOKEN: Final = re.compile(r"\S+")
_TAIL: Final = re.compile(r"\S*")


@dataclass(frozen=True)
class WordSpan:
    """Written text of a sentence and the spoken words read for it."""

    start: int
    """Offset of the first character in the sentence's written text."""
    end: int
    """Offset after the last character (`text[start:end]` is the written word)."""
    spoken: tuple[int, int]
    """The range of spoken words (indices into the sentence's spoken words) read for it."""


def written_tokens(text: str) -> list[tuple[int, int]]:
    """`(start, end)` of every whitespace-separated token of `text`, without the
    punctuation at its ends; a token of punctuation alone keeps its whole span."""
    tokens = []
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        core_start, core_end = start, end
        while core_start < core_end and text[core_start] in EDGE_PUNCTUATION:
            core_start += 1
        while core_end > core_start and text[core_end - 1] in EDGE_PUNCTUATION:
            core_end -= 1
        core = text[core_start:core_end]
        if core.endswith(".") and "." not in core[:-1] and not _abbreviation(core[:-1]):
            core_end -= 1
        tokens.append((core_start, core_end) if core_end > core_start else (start, end))
    return tokens


def _abbreviation(word: str) -> bool:
    return 0 < len(word) <= SHORT_ABBREVIATION and word[0].isupper() and word.isalpha()


def comparison_key(word: str) -> str:
    """What must agree for a written token and a spoken word to be the same word."""
    return "".join(c for c in word.casefold() if c.isalnum())


@dataclass
class _Unit:
    written: tuple[int, int]
    """Range of written tokens."""
    spoken: tuple[int, int]
    """Range of spoken words."""
    anchored: bool
    """One token read as itself."""


def map_words(text: str, spoken: Sequence[str]) -> list[WordSpan]:
    """The written spans of `text` with the spoken words read for each, in order: every
    spoken word belongs to exactly one span; written tokens with no spoken word (symbols
    the voice does not say) belong to none."""
    tokens = written_tokens(text)
    if not spoken:
        return []
    if not tokens:  # nothing written to point at (cannot happen for a spoken sentence)
        return [WordSpan(0, len(text), (0, len(spoken)))]
    written_keys = [comparison_key(text[a:b]) or text[a:b] for a, b in tokens]
    spoken_keys = [comparison_key(w) for w in spoken]
    matcher = difflib.SequenceMatcher(None, written_keys, spoken_keys, autojunk=False)
    units: list[_Unit] = []
    leading: tuple[int, int] | None = None  # spoken words before any written unit
    for tag, w1, w2, s1, s2 in matcher.get_opcodes():
        if tag == "equal":
            units += [
                _Unit((w1 + k, w1 + k + 1), (s1 + k, s1 + k + 1), True) for k in range(w2 - w1)
            ]
        elif tag == "replace":
            units += _split_at_clauses(text, tokens, spoken, (w1, w2), (s1, s2))
        elif tag == "insert":
            if units:
                _attach_added_words(units, s2)
            else:
                leading = (s1, s2)
        # "delete": written tokens nobody reads belong to no unit
    if leading is not None:
        if not units:  # every written token is unread, yet words are spoken: one span
            return [WordSpan(tokens[0][0], tokens[-1][1], leading)]
        units[0].spoken = (leading[0], units[0].spoken[1])
    return [WordSpan(tokens[u.written[0]][0], tokens[u.written[1] - 1][1], u.spoken) for u in units]


def _split_at_clauses(
    text: str,
    tokens: list[tuple[int, int]],
    spoken: Sequence[str],
    written: tuple[int, int],
    said: tuple[int, int],
) -> list[_Unit]:
    """A rewritten stretch cut where both sides end a clause ("Nov. 21, 5" ↔ "November
    twenty-first, five"), when both have the same number of such ends; else whole."""
    written_ends = [
        i + 1 for i in range(*written) if _ends_clause(text, tokens[i][1], i + 1 < written[1])
    ]
    spoken_ends = [i + 1 for i in range(*said) if spoken[i].endswith(CLAUSE_ENDS)]
    if not written_ends or len(written_ends) != len(spoken_ends):
        return [_Unit(written, said, False)]
    w_cuts = [written[0], *written_ends, written[1]]
    s_cuts = [said[0], *spoken_ends, said[1]]
    return [
        _Unit((w_cuts[k], w_cuts[k + 1]), (s_cuts[k], s_cuts[k + 1]), False)
        for k in range(len(w_cuts) - 1)
        if w_cuts[k] < w_cuts[k + 1] and s_cuts[k] < s_cuts[k + 1]
    ] or [_Unit(written, said, False)]


def _ends_clause(text: str, core_end: int, inner: bool) -> bool:
    """Whether the token ending its word at `core_end` is followed by clause punctuation
    (only inside a stretch: its last token's punctuation is the stretch's own end)."""
    tail = _TAIL.match(text, core_end)
    return inner and tail is not None and any(c in CLAUSE_ENDS for c in tail.group()[:2])


def _attach_added_words(units: list[_Unit], spoken_end: int) -> None:
    """Spoken words up to `spoken_end` with no written counterpart join the last unit;
    a short run of anchors after a rewritten stretch joins them too, as one expression."""
    last = len(units) - 1
    anchors = 0
    while anchors <= BRIDGE_ANCHORS and last - anchors >= 0 and units[last - anchors].anchored:
        anchors += 1
    first = last
    if 0 < anchors <= BRIDGE_ANCHORS and last - anchors >= 0:
        first = last - anchors  # the rewritten stretch before the anchors
    merged = _Unit(
        (units[first].written[0], units[last].written[1]),
        (units[first].spoken[0], spoken_end),
        False,
    )
    del units[first:]
    units.append(merged)
