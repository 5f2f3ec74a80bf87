"""Per-key quotas on submits: jobs queued or running, and submits a minute; both shared by
every API process (the database and Redis are), answered with 429 and `Retry-After`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import httpx

from service.quotas import KEY_PREFIX, WINDOW_S
from tests.utils.services import SHORT_ARTICLE, ApiServer, Stack

KEYS: Final = {"a": "key-of-tenant-a", "b": "key-of-tenant-b"}


def post(http: httpx.Client, who: str | None, text: str, **headers: str) -> httpx.Response:
    if who:
        headers["Authorization"] = f"Bearer {KEYS[who]}"
    return http.post("/v1/jobs", json={"text": text}, headers=headers)


def assert_over_quota(response: httpx.Response, limit: str) -> int:
    assert response.status_code == 429, response.text
    body: dict[str, Any] = response.json()
    assert body["type"] == "quota_exceeded" and limit in body["message"]
    retry_after = response.headers["retry-after"]
    assert retry_after.isdigit() and int(retry_after) >= 1
    return int(retry_after)


def test_jobs_queued_or_running_per_key(make_stack: Callable[..., Stack]) -> None:
    stack = make_stack(
        api_keys=",".join(KEYS.values()), max_active_jobs_per_key=3, submits_per_minute=0
    )
    stack.start_api()
    http = stack.http  # no worker: every job stays queued
    ids = [post(http, "a", f"Story {n}.").json()["id"] for n in range(3)]
    assert_over_quota(post(http, "a", "One too many."), "the limit is 3")
    assert stack.queued_messages() == 3

    # Another key has its own quota; a resend of a job A already has is never refused.
    assert post(http, "b", "B's story.").status_code == 202
    resend = post(http, "a", "Story 0.", **{"Idempotency-Key": "k"})
    assert resend.status_code == 429  # a new request (no job for this key yet)
    http.delete(f"/v1/jobs/{ids[0]}", headers={"Authorization": f"Bearer {KEYS['a']}"})
    first = post(http, "a", "Story 9.", **{"Idempotency-Key": "k"})
    assert first.status_code == 202  # a cancelled job frees its place
    again = post(http, "a", "Story 9.", **{"Idempotency-Key": "k"})
    assert again.status_code == 202 and again.json()["id"] == first.json()["id"]

    # A second API process counts the same jobs.
    other = ApiServer(stack.settings)
    try:
        with httpx.Client(base_url=other.url, timeout=30) as http2:
            assert_over_quota(post(http2, "a", "Through the other API."), "the limit is 3")
            assert post(http2, "b", "B again.").status_code == 202
    finally:
        other.stop()


def test_submits_per_minute_shared_by_api_processes(make_stack: Callable[..., Stack]) -> None:
    stack = make_stack(
        api_keys=",".join(KEYS.values()), submits_per_minute=4, max_active_jobs_per_key=0
    )
    first = stack.start_api()
    second = ApiServer(stack.settings)
    try:
        with (
            httpx.Client(base_url=first.url, timeout=30) as one,
            httpx.Client(base_url=second.url, timeout=30) as two,
        ):
            answers = [
                post(api, "a", f"Story {n}.").status_code for n, api in enumerate([one, two] * 2)
            ]
            assert answers == [202] * 4
            retry = assert_over_quota(post(two, "a", "Fifth."), "4 a minute")
            assert retry <= WINDOW_S
            assert_over_quota(post(one, "a", "Sixth."), "4 a minute")
            assert post(one, "b", "B's first.").status_code == 202
    finally:
        second.stop()
    assert stack.queued_messages() == 5  # the refused submits queued nothing
    client = stack.redis()
    try:
        windows = sorted(k.decode() for k in client.scan_iter(f"{KEY_PREFIX}*"))
        assert len(windows) == 2 and all(KEYS["a"] not in k for k in windows)  # ids, not keys
        assert all(0 < client.pttl(k) <= WINDOW_S * 1000 for k in windows)  # they expire
    finally:
        client.close()


def test_open_api_is_one_tenant(make_stack: Callable[..., Stack]) -> None:
    """No keys: everyone is the same anonymous caller, so the caps are global."""
    stack = make_stack(max_active_jobs_per_key=2)
    stack.start_api()
    assert [post(stack.http, None, f"Story {n}.").status_code for n in range(2)] == [202, 202]
    assert_over_quota(post(stack.http, None, SHORT_ARTICLE), "the limit is 2")
