"""DELETE on a running job, with a real worker: its queued chunk tasks are revoked (the
worker discards them unread), the chunk in flight is the last one synthesized, and the
job's progress stays where it was cancelled."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest

from tests.utils.services import Stack, wait_for

pytestmark = pytest.mark.slow

CONCURRENCY = 1
ARTICLE = "Council Notes\n\n" + "\n\n".join(
    f"Paragraph {i} opens here. The council met on Monday to discuss item {i}. "
    "It voted to continue."
    for i in range(1, 13)
)
"""Thirteen chunks: plenty still queued when the job is cancelled after its second."""


def test_cancel_revokes_queued_chunks_and_stops_at_the_chunk_boundary(
    make_stack: Callable[..., Stack],
) -> None:
    stack = make_stack()
    stack.start_api()
    worker = stack.start_worker(concurrency=CONCURRENCY)
    job_id = stack.submit(text=ARTICLE)["id"]
    running = stack.wait_job(job_id, 120, statuses=("running",))
    wait_for(
        lambda: stack.job(job_id)["progress"]["chunks_done"] >= 2, 120, "two chunks", every=0.05
    )
    cancelled_at = time.time()
    answer = stack.http.delete(f"/v1/jobs/{job_id}")
    assert answer.status_code == 202, answer.text
    at_cancel = answer.json()
    assert at_cancel["status"] == "cancelled"
    total = at_cancel["progress"]["chunks_total"]
    assert total == 13 and at_cancel["progress"]["chunks_done"] < total - CONCURRENCY
    assert running["status"] == "running"

    # The queued chunk tasks are discarded unread (all but the one in flight and at most
    # one the worker had reserved), and no worker process is at work.
    log = worker.log_path
    discarded = re.compile(rf"Discarding revoked task: narrate\.synthesize\[{job_id}\.chunk\d+\]")
    expected = total - at_cancel["progress"]["chunks_done"] - 2 * CONCURRENCY
    wait_for(
        lambda: (
            stack.queued_messages() == 0 and len(discarded.findall(log.read_text())) >= expected
        ),
        60,
        f"{expected} revoked chunk tasks to be discarded",
    )
    wait_for(lambda: _busy(stack) == 0, 60, "the worker to be idle")

    after = stack.job(job_id)
    assert after["status"] == "cancelled"
    assert after["progress"]["chunks_done"] == at_cancel["progress"]["chunks_done"]
    chunk_files = (stack.settings.resolved_storage_dir() / "chunks").rglob("*.wav")
    synthesized_after = [p for p in chunk_files if p.stat().st_mtime >= cancelled_at]
    assert len(synthesized_after) <= CONCURRENCY  # only the chunk in flight at the DELETE


def _busy(stack: Stack) -> float:
    for line in stack.http.get("/metrics").text.splitlines():
        if line.startswith("narrate_workers_busy "):
            return float(line.split()[1])
    raise AssertionError("no narrate_workers_busy in /metrics")
