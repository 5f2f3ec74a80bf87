"""Capacity: how many articles an hour, and how many hours of audio per CPU-hour, with 1 and 2
`narrate worker` processes (one pool process each) on this machine; then a burst of many
articles submitted at once: time until the last is done, p50/p95 job latency, none lost.

    python bench/capacity.py [--articles 200] [--chars 5000] [--per-run 4] [--s3]

Every article is distinct (no chunk comes from the cache): sentences of the benchmark story
in a shuffled order, each paragraph led by its own number. Throughput runs submit
`--per-run` articles per worker process and time them from submit to last done; CPU is
the workers' (main and pool processes) as psutil reads it. The burst runs with the largest
worker count. Uses REDIS_URL when set (else an embedded redis-server), a SQLite file and, by
default, one storage directory; `--s3` starts an S3 server (moto) and gives every worker a
data directory of its own, as on separate machines.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import ROOT, article_text, wait_ready

from service.embedded_redis import EmbeddedRedis, free_port
from service.serve import WORKER_MAIN
from service.store import JobStore
from tests.utils.services import S3Server

POLL_S = 1.0
TERMINAL = {"done", "failed", "cancelled"}


def articles(count: int, chars: int, seed: int = 17) -> list[str]:
    """`count` distinct articles of about `chars` characters each."""
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(article_text().split()))
    sample = (ROOT / "examples" / "sample-article.txt").read_text(encoding="utf-8")
    sentences += re.split(r"(?<=[.!?])\s+", " ".join(sample.split()))
    sentences = [s for s in sentences if len(s) > 20]
    rng = random.Random(seed)
    out = []
    for n in range(count):
        paragraphs, length = [], 0
        while length < chars:
            body = " ".join(rng.sample(sentences, 3))
            paragraphs.append(f"Item {n + 1}.{len(paragraphs) + 1}. {body}")
            length += len(paragraphs[-1]) + 2
        out.append("\n\n".join(paragraphs))
    return out


@dataclass
class Finished:
    audio_s: float
    latencies: list[float]
    lost: int


class Service:
    """The API and N workers as separate processes, sharing Redis, a database and storage."""

    def __init__(self, stack: ExitStack, tmp: Path, s3: bool) -> None:
        self.tmp = tmp
        redis_url = os.environ.get("REDIS_URL")
        if not redis_url:
            redis_url = stack.enter_context(EmbeddedRedis(tmp / "redis")).url
        database = f"sqlite:///{tmp / 'narrate.db'}"
        self.env = {
            **os.environ,
            "REDIS_URL": redis_url,
            "DATABASE_URL": database,
            "NARRATE_DATA_DIR": str(tmp / "api"),
            "NARRATE_MAX_ACTIVE_JOBS_PER_KEY": "0",  # a burst is the point: no quota
            "NARRATE_SUBMITS_PER_MINUTE": "0",
            "NARRATE_QUEUE_NAME": f"capacity-{os.getpid()}",
        }
        if s3:
            server = S3Server(tmp / "moto.log")
            stack.callback(server.stop)
            self.env |= server.env() | {"NARRATE_STORAGE_URL": f"s3://{server.new_bucket()}/b"}
        else:
            self.env["NARRATE_STORAGE_DIR"] = str(tmp / "storage")
        self.store = JobStore.from_url(database)
        stack.callback(self.store.dispose)
        port = free_port()
        api = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "api", "--port", str(port)],
            env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        stack.callback(stop, api)
        self.url = f"http://127.0.0.1:{port}"
        wait_ready(self.url)
        self.workers: list[psutil.Popen] = []

    def start_workers(self, count: int) -> None:
        for i in range(count):
            own = self.tmp / f"worker-{len(self.workers)}"
            log = (self.tmp / f"worker-{len(self.workers)}.log").open("ab")
            worker = psutil.Popen(
                [sys.executable, "-c", WORKER_MAIN, "worker", "--concurrency", "1"],
                env=self.env | {"NARRATE_DATA_DIR": str(own)},
                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            self.workers.append(worker)
            path = Path(log.name)
            deadline = time.monotonic() + 120
            while b" ready." not in path.read_bytes():
                if worker.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"worker {i} did not start: {path.read_text()[-2000:]}")
                time.sleep(0.2)

    def worker_cpu_s(self) -> float:
        total = 0.0
        for worker in self.workers:
            for proc in [worker, *worker.children(recursive=True)]:
                try:
                    times = proc.cpu_times()
                except psutil.NoSuchProcess:
                    continue
                total += times.user + times.system
        return total

    def stop_workers(self) -> None:
        for worker in self.workers:
            stop(worker)
        self.workers = []

    def submit_all(self, texts: list[str]) -> list[str]:
        """Submit every text at once (16 clients), in any order; the job ids."""

        def submit(text: str) -> str:
            with httpx.Client(base_url=self.url, timeout=120) as client:
                response = client.post("/v1/jobs", json={"text": text})
            if response.status_code != 202:
                sys.exit(f"submit answered {response.status_code}: {response.text}")
            return response.json()["id"]

        with ThreadPoolExecutor(16) as pool:
            return list(pool.map(submit, texts))

    def wait_all(self, ids: list[str], timeout_s: float) -> Finished:
        """Poll the database (not the API: its CPU would count against the workers) until
        every job ended or the deadline passed."""
        pending, jobs = set(ids), {}
        deadline = time.monotonic() + timeout_s
        while pending and time.monotonic() < deadline:
            for job_id in list(pending):
                job = self.store.get(job_id)
                if job.status.value in TERMINAL:
                    jobs[job_id] = job
                    pending.discard(job_id)
            time.sleep(POLL_S)
        done = [j for j in jobs.values() if j.status.value == "done" and j.result]
        return Finished(
            audio_s=sum(j.result.duration for j in done if j.result),
            latencies=sorted((j.finished_at or 0) - j.created_at for j in done),
            lost=len(ids) - len(done),
        )


def stop(process: subprocess.Popen[bytes] | psutil.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def percentile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, max(0, round(q * len(values)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200, help="burst size (default 200)")
    parser.add_argument("--chars", type=int, default=5000, help="article length (default 5000)")
    parser.add_argument("--per-run", type=int, default=4, help="articles per worker per run")
    parser.add_argument("--workers", default="1,2", help="worker counts to measure")
    parser.add_argument("--s3", action="store_true", help="object storage (moto), no shared dir")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    texts = iter(articles(sum(counts) * args.per_run + args.articles, args.chars))

    rows = []
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="narrate-capacity-")))
        service = Service(stack, tmp, args.s3)
        stack.callback(service.stop_workers)
        for count in counts:
            service.start_workers(count)
            batch = [next(texts) for _ in range(count * args.per_run)]
            cpu_before, started = service.worker_cpu_s(), time.monotonic()
            finished = service.wait_all(service.submit_all(batch), 3600)
            wall, cpu = time.monotonic() - started, service.worker_cpu_s() - cpu_before
            service.stop_workers()
            if finished.lost:
                sys.exit(f"{finished.lost} of {len(batch)} articles did not finish")
            rows.append((count, len(batch), wall, cpu, finished.audio_s))
            print(
                f"{count} worker(s): {len(batch)} articles in {wall:.1f} s wall, "
                f"{cpu:.1f} CPU-s, {finished.audio_s:.0f} s of audio",
                flush=True,
            )

        service.start_workers(max(counts))
        burst = [next(texts) for _ in range(args.articles)]
        started = time.monotonic()
        burst_result = service.wait_all(service.submit_all(burst), 6 * 3600)
        last_done = time.monotonic() - started

    print(f"\narticles of ~{args.chars} characters; machine: {psutil.cpu_count()} cores")
    print("| workers | articles/hour | audio-hours per CPU-hour | CPU-s per article |")
    print("| --- | --- | --- | --- |")
    for count, n, wall, cpu, audio_s in rows:
        print(f"| {count} | {n / wall * 3600:.0f} | {audio_s / cpu:.1f} | {cpu / n:.1f} |")
    (first, n1, wall1, _, _), (last, n2, wall2, _, _) = rows[0], rows[-1]
    print(f"scaling {first} → {last} workers: {(n2 / wall2) / (n1 / wall1):.2f}× articles/hour")
    per_core = 3600 / (sum(r[3] for r in rows) / sum(r[1] for r in rows))
    print(f"projection: one 8-core worker ≈ {8 * per_core:.0f} articles/hour (CPU-bound, 1/core)")
    lat = burst_result.latencies
    print(
        f"burst of {args.articles} with {max(counts)} workers: last done after {last_done:.0f} s; "
        f"latency p50 {percentile(lat, 0.5):.0f} s, p95 {percentile(lat, 0.95):.0f} s; "
        f"lost {burst_result.lost}"
        if lat
        else f"burst of {args.articles}: nothing finished; lost {burst_result.lost}"
    )
    if burst_result.lost:
        sys.exit(1)


if __name__ == "__main__":
    main()
