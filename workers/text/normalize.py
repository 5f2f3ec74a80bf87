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

from workers.text.normalize_en import normalize_english

if TYPE_CHECKING:
    from workers.text.lexicon import Lexicon

NORMALIZERS: Final[Mapping[str, Callable[[str], str]]] = MappingProxyType({"en": normalize_english})
"""Language (ISO 639-1) → the function that normalizes one sentence of it."""

PHONEME_BLOCK: Final = re.compile(r"(\[\[[^\[\]]*\]\])")
"""Piper's inline phoneme syntax; never rewritten by the rules. No bracket inside (no
phoneme is one), so an unclosed `[[` scans only to the next bracket, not to the end."""

_SPACES: Final = re.compile(r"\s+")


def normalize_text(text: str, language: str = "en", *, lexicon: Lexicon | None = None) -> str:
    """The spoken form of one sentence. Other languages pass through untouched."""
    if lexicon is not None:
        text = lexicon.apply(text)
    rules = NORMALIZERS.get(language[:2].lower())
    if rules is None:
        return _SPACES.sub(" ", text).strip()
    parts = PHONEME_BLOCK.split(text)
    spoken = [part if PHONEME_BLOCK.fullmatch(part) else rules(part) for part in parts]
    return _SPACES.sub(" ", " ".join(p for p in spoken if p)).strip()
