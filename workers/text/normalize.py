"""Normalization: written text → the words a careful announcer would say (English first)."""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")


def normalize_text(text: str, language: str = "en") -> str:
    """The spoken form of one sentence. Other languages pass through untouched."""
    return _SPACES.sub(" ", text).strip()
