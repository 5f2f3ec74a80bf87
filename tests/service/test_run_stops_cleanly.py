"""`narrate run` stops everything it started: the worker pool and the embedded Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from service.embedded_redis import free_port
from tests.conftest import ROOT
from tests.utils.services import wait_for

pytestmark = pytest.mark.slow


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _ready(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_api_workers_and_redis(tmp_path: Path, signum: signal.Signals) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    run = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "run", "--port", str(port),
         "--data-dir", str(tmp_path / "data")],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    try:
        wait_for(lambda: _ready(port), timeout=90, what="narrate run to be ready")
        started = wait_for(
            lambda: len(_descendants(run.pid)) >= 3 and _descendants(run.pid),
            timeout=60,
            what="the worker pool and Redis",
        )
        run.send_signal(signum)
        assert run.wait(timeout=60) in (0, 128 + signum, -signum)
        wait_for(
            lambda: not any(_alive(p) for p in started),
            timeout=30,
            what="every process narrate run started to exit",
        )
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
