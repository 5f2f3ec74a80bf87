"""Peak memory of `narrate convert` for a 10,000- and a 100,000-character article.

The engine streams chunk audio to disk and masters from the file, so the main
process's peak should not grow with the input. Prints peak RSS (VmHWM) of the main
process and of the largest synthesis worker for each size, and the audio length.

    python bench/memory.py [--sizes 10000 100000] [--speed 1.0]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_WORDS = [
    "harbor",
    "ferry",
    "solar",
    "panel",
    "crew",
    "island",
    "market",
    "mayor",
    "grant",
    "winter",
    "summer",
    "ticket",
    "engineer",
    "battery",
    "canopy",
    "pier",
    "council",
    "teacher",
    "storm",
    "timetable",
    "station",
    "deck",
]


def article(chars: int, seed: int = 5) -> str:
    rng = random.Random(seed)
    paragraphs, size, day = [], 0, 0
    while size < chars:
        sentences = []
        for _ in range(4):
            day += 1
            a, b, c = rng.sample(_WORDS, 3)
            sentences.append(f"On day {day} the {a} crew met the {b} team near the old {c}.")
        paragraphs.append(" ".join(sentences))
        size += len(paragraphs[-1]) + 2
    return "\n\n".join(paragraphs)[:chars].rsplit(".", 1)[0] + ".\n"


def _hwm_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def measure(chars: int, speed: float, tmp: Path) -> dict[str, float]:
    src = tmp / f"article-{chars}.txt"
    src.write_text(article(chars))
    narrate = Path(sys.executable).parent / "narrate"
    cmd = [
        str(narrate),
        "convert",
        str(src),
        "-o",
        str(tmp / f"a-{chars}.mp3"),
        "--speed",
        str(speed),
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    main_peak = worker_peak = 0
    while proc.poll() is None:
        main_peak = max(main_peak, _hwm_kib(proc.pid))
        for child in _children(proc.pid):
            worker_peak = max(worker_peak, _hwm_kib(child))
        time.sleep(0.2)
    out, err = proc.communicate()
    if proc.returncode != 0:
        sys.exit(f"convert failed: {err}")
    return {
        "chars": chars,
        "seconds": time.perf_counter() - start,
        "main_mib": main_peak / 1024,
        "worker_mib": worker_peak / 1024,
        "summary": out.strip(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--speed", type=float, default=1.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [measure(n, args.speed, Path(tmp)) for n in args.sizes]
    for r in rows:
        print(
            f"{r['chars']:>7} chars: main process peak {r['main_mib']:6.0f} MiB, "
            f"largest worker {r['worker_mib']:6.0f} MiB, wall {r['seconds']:6.1f} s | "
            f"{r['summary']}"
        )
    if len(rows) > 1:
        growth = rows[-1]["main_mib"] - rows[0]["main_mib"]
        print(
            f"RESULT main-process peak grows {growth:+.0f} MiB from {rows[0]['chars']} "
            f"to {rows[-1]['chars']} characters"
        )


if __name__ == "__main__":
    main()
