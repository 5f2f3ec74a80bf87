"""HTTP byte ranges (RFC 9110 §14): what part of a file a `Range` header asks for."""

from __future__ import annotations

import re
from typing import Final

from workers.errors import RangeNotSatisfiable

_SINGLE: Final = re.compile(r"^bytes=([0-9]*)-([0-9]*)$")
MAX_DIGITS: Final = 18
"""Longer byte positions are past any file we serve (10**18 bytes is an exabyte); they are
compared as "beyond the end" and never converted (Python refuses to convert over 4,300 digits,
and converting long ones is quadratic)."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) byte, inclusive, or None to send the whole file.

    Headers we do not understand (other units, several ranges, bad syntax) are ignored,
    as the RFC allows; a well-formed range wholly outside the file raises
    `RangeNotSatisfiable` (416).
    """
    if not header:
        return None
    match = _SINGLE.match(header.strip().replace(" ", ""))
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix range: the last N bytes
        length = _position(last)
        if length == 0 or size == 0:
            raise RangeNotSatisfiable(size)
        return max(0, size - length), size - 1
    if last and _before(last, first):
        return None  # syntactically invalid: ignore
    start = _position(first)
    end = _position(last) if last else size - 1
    if start >= size:
        raise RangeNotSatisfiable(size)
    return start, min(end, size - 1)


def _before(a: str, b: str) -> bool:
    """Whether the number `a` spells is smaller than `b`'s, compared without converting."""
    a, b = a.lstrip("0"), b.lstrip("0")
    return (len(a), a) < (len(b), b)


def _position(digits: str) -> int:
    """A byte position; any number too long to be a real one counts as one past the largest
    (so `first` is past the end, `last` is clamped, a suffix takes the whole file)."""
    significant = digits.lstrip("0") or "0"
    if len(significant) > MAX_DIGITS:
        return 10**MAX_DIGITS
    return int(significant)
