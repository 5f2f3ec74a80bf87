"""Normalization on the golden table: pass rate per category, and throughput.

    .venv/bin/python bench/normalization.py [--repeat N] [--date-order mdy|dmy]

Prints each category's passed/total (the 14 categories of issue 12 first, then the
others), the total, and how fast the English rules run: characters of written text
normalized per CPU second (and per wall second, which a busy machine lowers), the
medians of `--repeat` passes over the whole table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.workers.text.golden import format_scores, load_golden, score_by_category  # noqa: E402
from workers.text.dates_en import DateOrder  # noqa: E402
from workers.text.normalize import normalize_text  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed passes (median)")
    parser.add_argument("--date-order", choices=[o.value for o in DateOrder], default="mdy")
    args = parser.parse_args()
    order = DateOrder(args.date_order)
    cases = load_golden()

    def say(text: str) -> str:
        return normalize_text(text, "en", date_order=order)

    print(format_scores(score_by_category(cases, say)))

    chars = sum(len(case.written) for case in cases)
    wall, cpu = [], []
    for _ in range(max(1, args.repeat)):
        start, start_cpu = time.perf_counter(), time.process_time()
        for case in cases:
            say(case.written)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(
        f"throughput    {chars / statistics.median(cpu):,.0f} chars per CPU second, "
        f"{chars / statistics.median(wall):,.0f} chars per wall second "
        f"({len(cases)} sentences, {chars:,} chars, medians of {len(wall)} passes)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
