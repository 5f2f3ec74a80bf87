"""Original vs. spoken, side by side: what `narrate preview --diff` shows an editor.

Each sentence is one row (wrapped to the column width); rows where normalization or the
lexicon changed something are marked with `≠`, so every change can be found at a glance.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from itertools import zip_longest
from typing import Final

from workers.text.segment import Sentence

DEFAULT_WIDTH: Final = 120
MIN_COLUMN: Final = 20
CHANGED: Final = "≠"
SAME: Final = " "
HEADING_MARK: Final = "# "


def diff_lines(sentences: Iterable[Sentence], width: int = DEFAULT_WIDTH) -> list[str]:
    """Rows of `written │ mark │ spoken`, wrapped to `width` characters in all."""
    column = max((width - len(" │ ≠ │ ")) // 2, MIN_COLUMN)
    rule = "─" * column
    lines = [f"{'ORIGINAL':<{column}} │   │ SPOKEN", f"{rule}─┼───┼─{rule}"]
    changed = total = 0
    for sentence in sentences:
        total += 1
        prefix = HEADING_MARK if sentence.heading else ""
        is_changed = sentence.text.strip() != sentence.spoken.strip()
        changed += is_changed
        left = textwrap.wrap(prefix + sentence.text, column) or [""]
        right = textwrap.wrap(prefix + sentence.spoken, column) or [""]
        for row, (written, spoken) in enumerate(zip_longest(left, right, fillvalue="")):
            mark = CHANGED if is_changed and row == 0 else SAME
            lines.append(f"{written:<{column}} │ {mark} │ {spoken}".rstrip())
    lines.append(f"{changed} of {total} sentences changed for speech")
    return lines


def render_diff(sentences: Iterable[Sentence], width: int = DEFAULT_WIDTH) -> str:
    """`diff_lines` as one printable string."""
    return "\n".join(diff_lines(sentences, width))
