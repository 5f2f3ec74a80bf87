"""Shared pieces of the benchmarks: the article text and timing helpers."""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READY_TIMEOUT_S = 120
FIXTURE = ROOT.parent / "shared" / "fixtures" / "scraped-news-page.txt"
FIRST_LINE = "The U.S. and Ukraine will sign"
LAST_LINE = "Most recently, President Volodymyr Zelensky"


def article_text() -> str:
    """The story part of the shared fixture page (from its first to its last story line)."""
    if not FIXTURE.exists():
        sys.exit(f"benchmark text not found: {FIXTURE} (shared/ must sit beside the clone)")
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(FIRST_LINE))
    last = next(i for i, line in enumerate(lines) if line.startswith(LAST_LINE))
    return "\n".join(lines[first : last + 1]) + "\n"


def timed(cmd: list[str], stdin: Path | None = None) -> float:
    """Wall seconds of one run of `cmd`; exits on failure."""
    start = time.perf_counter()
    with open(stdin or "/dev/null", "rb") as fh:
        result = subprocess.run(cmd, stdin=fh, capture_output=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{cmd[:3]} failed: {result.stderr.decode()[-500:]}")
    return elapsed


def children_cpu_seconds() -> float:
    """User + system CPU of every finished child process (and theirs) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def report(rows: dict[str, list[float]], baseline: str) -> dict[str, float]:
    """Print each command's runs, median and ratio to the baseline's median."""
    medians = {name: statistics.median(times) for name, times in rows.items()}
    for name, times in rows.items():
        runs = " ".join(f"{t:6.2f}" for t in times)
        ratio = medians[name] / medians[baseline]
        print(f"{name:28s} median {medians[name]:6.2f} s  ratio {ratio:5.2f}  runs: {runs}")
    return medians


def wait_ready(url: str, path: str = "/readyz") -> None:
    """Until the server at `url` answers `path` with 200; exits at the deadline."""
    import httpx

    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}{path}", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    sys.exit(f"the service at {url} did not become ready")
