"""Submit latency under a burst: 50 articles POSTed at the same instant to a freshly started
`narrate api`, then 50 more to the same, now warm, process; several rounds, each with a new
API process. Prints the median over rounds of each burst's median and p99 latency, the
API's CPU per submit, and the ratio cold/warm p99 (1.0 = a fresh API answers its first
burst as fast as a warm one). No worker runs: this measures the API alone.

    python bench/submit_burst.py [--rounds N] [--burst N]

Uses REDIS_URL when set, else an embedded redis-server; a SQLite file in a temp dir.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import httpx
import psutil
import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import wait_ready

from service.embedded_redis import EmbeddedRedis, free_port
from service.settings import Settings

QUEUE = Settings.model_fields["queue_name"].default


def start_api(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "api", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return process, f"http://127.0.0.1:{port}"


def burst(url: str, size: int, tag: str) -> list[float]:
    """Latency of each of `size` submits sent at once (clients made before the clock)."""
    clients = [httpx.Client(base_url=url, timeout=60) for _ in range(size)]
    together = threading.Barrier(size)

    def submit(i: int) -> float:
        together.wait()
        started = time.perf_counter()
        response = clients[i].post("/v1/jobs", json={"text": f"Story {tag} {i}. It is short."})
        elapsed = time.perf_counter() - started
        if response.status_code != 202:
            sys.exit(f"submit answered {response.status_code}: {response.text}")
        return elapsed

    try:
        with ThreadPoolExecutor(size) as pool:
            return sorted(pool.map(submit, range(size)))
    finally:
        for client in clients:
            client.close()


def p99(latencies: list[float]) -> float:
    return latencies[min(len(latencies) - 1, round(0.99 * len(latencies)) - 1)]


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--burst", type=int, default=50)
    args = parser.parse_args()

    rows: dict[str, list[float]] = {
        name: [] for name in ("cold median", "cold p99", "warm median", "warm p99")
    }
    cpu: dict[str, list[float]] = {"cold": [], "warm": []}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        redis_url = os.environ.get("REDIS_URL")
        if not redis_url:
            redis_url = stack.enter_context(EmbeddedRedis(Path(tmp) / "redis")).url
        base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        for round_no in range(args.rounds):
            env = {
                **base,
                "REDIS_URL": redis_url,
                "NARRATE_DATA_DIR": f"{tmp}/data-{round_no}",
                "NARRATE_API_KEYS": "",
                # Bursts of 50 from one caller: the per-key quotas would refuse most.
                "NARRATE_MAX_ACTIVE_JOBS_PER_KEY": "0",
                "NARRATE_SUBMITS_PER_MINUTE": "0",
            }
            process, url = start_api(env)
            try:
                wait_ready(url)
                meter = psutil.Process(process.pid)
                for phase in ("cold", "warm"):
                    before = cpu_seconds(meter)
                    latencies = burst(url, args.burst, f"{round_no}{phase}")
                    cpu[phase].append((cpu_seconds(meter) - before) / args.burst)
                    rows[f"{phase} median"].append(statistics.median(latencies))
                    rows[f"{phase} p99"].append(p99(latencies))
            finally:
                process.terminate()
                process.wait(20)
            redis.Redis.from_url(redis_url).delete(QUEUE)  # the messages no worker will take
            print(
                f"round {round_no + 1}: cold p99 {rows['cold p99'][-1] * 1000:.0f} ms, "
                f"warm p99 {rows['warm p99'][-1] * 1000:.0f} ms",
                flush=True,
            )
    print(f"{args.burst} submits at once, {args.rounds} rounds (a new API process each):")
    for name, values in rows.items():
        runs = " ".join(f"{v * 1000:4.0f}" for v in values)
        print(f"{name:12s} median {statistics.median(values) * 1000:5.0f} ms  runs: {runs}")
    for phase, values in cpu.items():
        print(f"API CPU per submit, {phase}: median {statistics.median(values) * 1000:.1f} ms")
    ratio = statistics.median(rows["cold p99"]) / statistics.median(rows["warm p99"])
    print(f"RESULT cold/warm p99 = {ratio:.2f}")


if __name__ == "__main__":
    main()
