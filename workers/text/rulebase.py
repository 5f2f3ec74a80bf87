"""The shape of a normalization rule and the pattern pieces every rule module shares."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Final, NamedTuple

Replace = Callable[[re.Match[str]], str]


class Rule(NamedTuple):
    """One normalization rule: every match of `pattern` is replaced by `replace(match)`."""

    name: str
    pattern: re.Pattern[str]
    replace: Replace


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first so "km/h" wins over "km"."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def keep_final_period(match: re.Match[str], words: str) -> str:
    """`words`, plus the period when the match ended the sentence with one.

    "He works at Acme Inc." — the abbreviation's dot also ends the sentence."""
    if match.group(0).endswith(".") and match.end() == len(match.string):
        return words + "."
    return words


def word_before(match: re.Match[str], reach: int = 40) -> str:
    """The word just before the match (looking back at most `reach` characters)."""
    head = match.string[max(0, match.start() - reach) : match.start()].split()
    return head[-1].strip("\"'“‘(,") if head else ""


def words_before(match: re.Match[str], count: int, reach: int = 60) -> list[str]:
    """Up to `count` words before the match, nearest last, without punctuation around."""
    head = match.string[max(0, match.start() - reach) : match.start()].split()
    return [w.strip("\"'“‘(),.;:") for w in head[-count:]]


def word_after(match: re.Match[str], reach: int = 40) -> str:
    """The word just after the match (looking ahead at most `reach` characters); empty
    when punctuation, not a space, follows."""
    tail = match.string[match.end() : match.end() + reach]
    if not tail.startswith(" "):
        return ""
    words = tail.split()
    return words[0] if words else ""


NUMBER: Final = (
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"
    # Indian grouping (1,00,000 and 2,50,00,000), tried only where a run of digits and
    # commas starts and without backtracking, so a long run that is not one costs O(n).
    r"|(?<![\d,])\d{1,2}(?:,\d{2}(?=,))++,\d{3}(?:\.\d+)?"
    r"|\d+(?:\.\d+)?"
    r"|\.\d+"
)
"""A written amount: grouped by thousands (or lakhs), or plain, with decimals."""

NUM: Final = f"(?:{NUMBER})"
