"""The chunk cache: a chunk's audio is stored under a hash of everything that decides it."""

from __future__ import annotations

import hashlib
from typing import Final

from voices.catalog import Voice
from workers.synthesis import SynthesisSettings
from workers.text.segment import Chunk

CACHE_FORMAT: Final = 2
"""Bump when the stored audio of a chunk changes meaning (trim, sample format…).
2: the sidecar holds every take's spoken words with their sample spans."""

NO_LEXICON: Final = "none"


def chunk_cache_key(
    chunk: Chunk, voice: Voice, settings: SynthesisSettings, lexicon_version: str = NO_LEXICON
) -> str:
    """Hash of the normalized chunk text, voice id, model file hash, synthesis settings and
    lexicon version. Pauses are added when stitching, so they are not part of it: an edit
    that only moves a paragraph break reuses the audio."""
    digest = hashlib.sha256()
    for part in (
        f"v{CACHE_FORMAT}",
        *(s.spoken for s in chunk.sentences),
        voice.id,
        voice.model_hash,
        settings.cache_token(),
        lexicon_version,
    ):
        digest.update(part.encode())
        digest.update(b"\x1f")
    return digest.hexdigest()
