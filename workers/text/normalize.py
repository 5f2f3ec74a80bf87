"""Normalization: written text → the words a careful announcer would say (English first).

`normalize_text` works on one sentence at a time (segmentation happens first, on the
text as written). A pronunciation lexicon, when given, is applied before the language
rules; Piper phoneme blocks (`[[ … ]]`) that it or SSML wrote pass through untouched.
Languages without rules in `NORMALIZERS` only get their whitespace tidied.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

from workers.text.dates_en import DEFAULT_DATE_ORDER, DateOrder
from workers.text.normalize_en import normalize_english

if TYPE_CHECKING:
    from workers.text.lexicon import Lexicon

NORMALIZERS: Final[Mapping[str, Callable[[str, DateOrder], str]]] = MappingProxyType(
    {"en": normalize_english}
)
"""Language (ISO 639-1) → the function that normalizes one sentence of it (given how
ambiguous numeric dates are read)."""

PHONEME_BLOCK: Final = re.compile(r"(\[\[[^\[\]]*\]\])")
"""Piper's inline phoneme syntax; never rewritten by the rules. No bracket inside (no
phoneme is one), so an unclosed `[[` scans only to the next bracket, not to the end."""

_SPACES: Final = re.compile(r"\s+")


def normalize_text(
    text: str,
    language: str = "en",
    *,
    lexicon: Lexicon | None = None,
    date_order: DateOrder | str = DEFAULT_DATE_ORDER,
) -> str:
    """The spoken form of one sentence. Other languages pass through untouched.

    `date_order` says how a numeric date that the numbers leave open is read
    ("03/04/2019": March 4 in `mdy`, 3 April in `dmy`)."""
    if lexicon is not None:
        text = lexicon.apply(text)
    rules = NORMALIZERS.get(language[:2].lower())
    if rules is None:
        return _SPACES.sub(" ", text).strip()
    parts = PHONEME_BLOCK.split(text)
    order = DateOrder(date_order)
    spoken = [part if PHONEME_BLOCK.fullmatch(part) else rules(part, order) for part in parts]
    return _SPACES.sub(" ", " ".join(p for p in spoken if p)).strip()
