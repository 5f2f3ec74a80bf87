"""HTTP byte ranges (RFC 9110 §14): what part of a file a `Range` header asks for."""

from __future__ import annotations

import re
from typing import Final

from workers.errors import RangeNotSatisfiable

_SINGLE: Final = re.compile(r"^bytes=(\d*)-(\d*)$")


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
        length = int(last)
        if length == 0 or size == 0:
            raise RangeNotSatisfiable(size)
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None  # syntactically invalid: ignore
    if start >= size:
        raise RangeNotSatisfiable(size)
    return start, min(end, size - 1)
