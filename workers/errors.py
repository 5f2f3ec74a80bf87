"""Narrate's one error hierarchy.

    NarrateError                 anything Narrate raises on purpose
    ├── InputError               the caller's input cannot be used (HTTP 422 / CLI exit 2)
    │   ├── EmptyInput           nothing, or nothing speakable, in the input
    │   ├── InputTooLarge        over the configured size limit (HTTP 413)
    │   ├── LexiconError         a pronunciation lexicon that cannot be read
    │   └── InvalidSSML          SSML that is malformed or outside the supported subset
    ├── VoiceNotFound            an unknown voice id; the message lists the known ids
    ├── OutputError              the output cannot be written where asked
    ├── SynthesisError           Piper failed on a chunk
    └── EncodingError            ffmpeg failed, or mastering missed its targets

Shells convert these to HTTP status codes and exit codes in exactly one place each
(`service.api.errors` and `service.cli`).
"""

from __future__ import annotations


class NarrateError(Exception):
    """Base class of every error Narrate raises on purpose."""


class InputError(NarrateError):
    """The caller's input cannot be used as given."""


class EmptyInput(InputError):
    """The input holds no text, or nothing that would be spoken."""


class InputTooLarge(InputError):
    """The input is larger than the configured limit."""


class LexiconError(InputError):
    """A pronunciation lexicon is malformed."""


class InvalidSSML(InputError):
    """SSML input that is not well-formed or uses elements outside the supported subset."""


class VoiceNotFound(NarrateError):
    """The requested voice id is not in the catalog."""

    def __init__(self, voice_id: str, available: list[str]) -> None:
        self.voice_id = voice_id
        self.available = available
        super().__init__(
            f"unknown voice {voice_id!r}; available voices: {', '.join(available) or 'none'}"
        )


class OutputError(NarrateError):
    """The output path cannot be written."""


class SynthesisError(NarrateError):
    """Piper failed to synthesize a chunk."""


class EncodingError(NarrateError):
    """ffmpeg failed, or the delivered file missed the mastering targets."""
