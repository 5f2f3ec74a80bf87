"""How close the delivered word timings are to an independent forced alignment.

The reference is PocketSphinx (the `pocketsphinx` wheel ships its US English acoustic
model and CMU dictionary, so nothing is downloaded): it is given only the delivered
audio, decoded by ffmpeg to 16 kHz, and each sentence's spoken words, and it finds where
each word begins with its own acoustic model (10 ms frames). Narrate's start of each
written word (`timings.json`, which comes from Piper's duration predictor) is compared
with the reference's start of the first word spoken for it.

Each sentence is aligned on its own stretch of audio, cut at the delivered sentence
times widened by `MARGIN_S` (less than the shortest pause), so a reference error cannot
run across sentences. A sentence with a word outside the reference's dictionary, or one
the reference cannot align, is left out and counted.

Limits, honestly: the reference has its own error (10 ms frames, a model trained on
read speech, not on Piper's voice; aligners differ by 20–30 ms among themselves on word
onsets), and where a word starts with a stop consonant the two may disagree on whether
the closure belongs to it. The figures bound the disagreement, not Narrate's error alone.

Run: `.venv/bin/python bench/word_timings.py [article.txt]` (default: a built-in text).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REFERENCE_RATE: Final = 16_000
FRAMES_PER_SECOND: Final = 100
MARGIN_S: Final = 0.15
"""Audio kept around each sentence for the reference (the shortest pause is 0.35 s)."""
MEDIAN_LIMIT_MS: Final = 60.0
P95_LIMIT_MS: Final = 150.0

SAMPLE_ARTICLE: Final = """\
# City council approves the harbor plan

The city council voted on Tuesday to spend $1.5 billion on the harbor, ending a long \
debate. Dr. Maria Lopez, who leads the planning office, said the work would start in \
March and take about four years.

Residents who live near the water asked for more parks and fewer parking lots. The \
council agreed to add two new parks, and said that 50% of the land would stay open to \
the public.

Critics say the cost is too high. "We could build schools with that money," one member \
said after the vote.
"""


@dataclass(frozen=True)
class Comparison:
    """One written word: Narrate's start and the reference's, in seconds."""

    text: str
    ours: float
    reference: float

    @property
    def error_ms(self) -> float:
        return (self.ours - self.reference) * 1000


@dataclass(frozen=True)
class Report:
    comparisons: list[Comparison]
    sentences_aligned: int
    sentences_skipped: int

    def errors(self) -> list[float]:
        return [abs(c.error_ms) for c in self.comparisons]

    def median_ms(self) -> float:
        return statistics.median(self.errors())

    def p95_ms(self) -> float:
        return float(np.percentile(self.errors(), 95))

    def bias_ms(self) -> float:
        return statistics.median(c.error_ms for c in self.comparisons)

    def summary(self) -> str:
        return (
            f"{len(self.comparisons)} words in {self.sentences_aligned} sentences "
            f"({self.sentences_skipped} left out): |start error| median "
            f"{self.median_ms():.0f} ms, p95 {self.p95_ms():.0f} ms, max "
            f"{max(self.errors()):.0f} ms; signed median (ours − reference) "
            f"{self.bias_ms():+.0f} ms"
        )


def decoded(audio: Path) -> np.ndarray:
    """The delivered file as 16 kHz mono 16-bit samples, decoded by ffmpeg."""
    from workers.ffmpeg import ffmpeg_exe

    raw = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(audio), "-f", "s16le", "-ac", "1",
         "-ar", str(REFERENCE_RATE), "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, dtype=np.int16)


def reference_words(spoken: str) -> list[str]:
    """The spoken words as the reference's dictionary spells them."""
    words = (re.sub(r"[^a-z']", "", w.lower()) for w in spoken.replace("-", " ").split())
    return [w for w in words if w.strip("'")]


class ReferenceAligner:
    """PocketSphinx forced alignment with the model inside its wheel."""

    def __init__(self) -> None:
        from pocketsphinx import Decoder

        self.decoder = Decoder(samprate=REFERENCE_RATE, lm=None, loglevel="FATAL")

    def knows(self, word: str) -> bool:
        return self.decoder.lookup_word(word) is not None

    def starts(self, samples: np.ndarray, words: list[str]) -> list[float] | None:
        """Start of each word in `samples` (seconds), or None when it cannot align them."""
        try:
            self.decoder.set_align_text(" ".join(words))
        except RuntimeError:
            return None
        self.decoder.start_utt()
        self.decoder.process_raw(samples.tobytes(), full_utt=True)
        self.decoder.end_utt()
        found = [
            (re.sub(r"\(\d+\)$", "", s.word), s.start_frame / FRAMES_PER_SECOND)
            for s in self.decoder.seg()
            if s.word not in ("<s>", "</s>", "<sil>")
        ]
        if [w for w, _ in found] != words:
            return None
        return [start for _, start in found]


def compare(doc: dict[str, Any], audio: np.ndarray, aligner: ReferenceAligner) -> Report:
    """Every written word's start in `doc` (timings.json) against the reference's start of
    its first spoken word, sentence by sentence."""
    comparisons: list[Comparison] = []
    aligned = skipped = 0
    for sentence in doc["sentences"]:
        words = [w for w in doc["words"] if w["sentence"] == sentence["index"]]
        per_word = [reference_words(w["spoken"]) for w in words]
        flat = [r for ws in per_word for r in ws]
        if not flat or not all(aligner.knows(w) for w in flat):
            skipped += 1
            continue
        begin = max(0.0, sentence["start"] - MARGIN_S)
        stretch = audio[
            int(begin * REFERENCE_RATE) : int((sentence["end"] + MARGIN_S) * REFERENCE_RATE)
        ]
        starts = aligner.starts(stretch, flat)
        if starts is None:
            skipped += 1
            continue
        aligned += 1
        position = 0
        for word, refs in zip(words, per_word, strict=True):
            if refs:
                comparisons.append(
                    Comparison(word["text"], word["start"], begin + starts[position])
                )
            position += len(refs)
    return Report(comparisons, aligned, skipped)


def measure(text: str, speed: float = 1.0) -> Report:
    """Convert `text` through the real pipeline and compare its delivered word timings."""
    from voices.catalog import packaged_voice
    from workers.pipeline import ConvertOptions, convert_article
    from workers.synthesis import SynthesisSettings
    from workers.text.prepare import InputFormat, prepare_article

    article = prepare_article(text, input_format=InputFormat.TEXT)
    with tempfile.TemporaryDirectory(prefix="narrate-bench-") as scratch:
        out = Path(scratch) / "article.mp3"
        options = ConvertOptions(synthesis=SynthesisSettings(speed=speed))
        delivery = convert_article(article, packaged_voice(), out, options).delivery
        doc = json.loads(delivery.timings_json())
        return compare(doc, decoded(out), ReferenceAligner())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("article", nargs="?", help="text file (default: a built-in article)")
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--words", action="store_true", help="print every comparison")
    args = parser.parse_args()
    text = Path(args.article).read_text(encoding="utf-8") if args.article else SAMPLE_ARTICLE
    report = measure(text, args.speed)
    if args.words:
        for c in report.comparisons:
            times = f"ours {c.ours:8.3f}  reference {c.reference:8.3f}"
            print(f"{c.text[:30]:30} {times}  {c.error_ms:+6.0f} ms")
    print(report.summary())
    ok = report.median_ms() <= MEDIAN_LIMIT_MS and report.p95_ms() <= P95_LIMIT_MS
    print(f"target: median ≤ {MEDIAN_LIMIT_MS:.0f} ms, p95 ≤ {P95_LIMIT_MS:.0f} ms: "
          f"{'met' if ok else 'NOT met'}")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
