"""Peak memory of `narrate convert` for a 10,000- and a 100,000-character article.

The engine streams chunk audio to disk and masters from the file, so the main
process's peak should not grow with the input. Prints peak RSS (VmHWM) of the main
process and of the largest synthesis worker for each size, and the audio length.

`--spoken-long` measures text that is short written and long spoken instead: paragraphs
holding two 298-digit numbers and other number-dense text, the case where one Piper call
once received 8,448 characters (Piper's memory grows with the square of one call's
length). The spoken-length cap per sentence bounds the worker's peak.

    python bench/memory.py [--sizes 10000 100000] [--speed 1.0] [--spoken-long]
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


def spoken_long_article(chars: int) -> str:
    """Number-dense text: each paragraph is about 600 characters written, several times
    that spoken."""
    paragraphs = [
        f"Serial {'9' * 298} and serial {'8' * 298} were filed today.",
        "The budget rose to $999,999,999,999.99 from $888,888,888,888.88 on 12/31/1999, "
        "with 777,777,777,777,777 items and 1,234,567,890,123 parts at 11:59 p.m. "
        "The 123,456,789,012th entry cost ¥987,654,321,098 and 65,432,109,876 kg.",
    ]
    text, i = [], 0
    while sum(len(p) + 2 for p in text) < chars:
        text.append(paragraphs[i % len(paragraphs)])
        i += 1
    return "\n\n".join(text) + "\n"


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


def measure(chars: int, speed: float, tmp: Path, spoken_long: bool = False) -> dict[str, float]:
    src = tmp / f"article-{chars}.txt"
    src.write_text(spoken_long_article(chars) if spoken_long else article(chars))
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
    parser.add_argument(
        "--spoken-long", action="store_true", help="number-dense text: short written, long spoken"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [measure(n, args.speed, Path(tmp), args.spoken_long) for n in args.sizes]
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
